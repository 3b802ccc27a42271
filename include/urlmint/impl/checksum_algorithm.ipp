#ifndef URLMINT_IMPL_CHECKSUM_ALGORITHM_IPP
#define URLMINT_IMPL_CHECKSUM_ALGORITHM_IPP

// Definitions for checksum_algorithm.hpp: included by it when header-only, by <urlmint/src.hpp>
// once under URLMINT_SEPARATE_COMPILATION.

#include <string>

#include "../checksum_algorithm.hpp"
#include "../encoding.hpp"  // ascii_iequals
#include "../error.hpp"

namespace urlmint {
namespace checksums {

URLMINT_DECL const algorithm_info& info(algorithm a) noexcept { return all_algorithms[static_cast<int>(a) - 1]; }

URLMINT_DECL std::optional<algorithm> parse_algorithm(std::string_view name) noexcept {
  for (const auto& i : all_algorithms)
    if (ascii_iequals(name, i.name)) return i.id;
  return std::nullopt;
}

URLMINT_DECL algorithm algorithm_from_name(std::string_view name) {
  if (auto a = parse_algorithm(name)) return *a;
  throw error(errc::invalid_argument, "checksums: unknown checksum algorithm \"" + std::string(name) +
                                          "\"; use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256");
}
}  // namespace checksums
}  // namespace urlmint

#endif  // URLMINT_IMPL_CHECKSUM_ALGORITHM_IPP
