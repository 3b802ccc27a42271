#ifndef URLMINT_IMPL_ERROR_IPP
#define URLMINT_IMPL_ERROR_IPP

// Definitions for error.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../error.hpp"

namespace urlmint {
namespace detail {

URLMINT_DECL std::string one_line(std::string message) {
  for (char& c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return message;
}
}  // namespace detail

URLMINT_DECL const std::error_category& error_category() noexcept {
  static const detail::error_category_impl instance;
  return instance;
}

URLMINT_DECL std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }
}  // namespace urlmint

#endif  // URLMINT_IMPL_ERROR_IPP
