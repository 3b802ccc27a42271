#ifndef URLMINT_VERSION_HPP
#define URLMINT_VERSION_HPP

#define URLMINT_VERSION_MAJOR 0
#define URLMINT_VERSION_MINOR 1
#define URLMINT_VERSION_PATCH 0
#define URLMINT_VERSION_STRING "0.1.0"

namespace urlmint {
/// The library version, "MAJOR.MINOR.PATCH".
inline constexpr const char* version = URLMINT_VERSION_STRING;
}  // namespace urlmint

#endif  // URLMINT_VERSION_HPP
