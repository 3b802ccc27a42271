#ifndef URLMINT_ERROR_HPP
#define URLMINT_ERROR_HPP

#include <stdexcept>     // std::runtime_error
#include <string>
#include <system_error>  // std::error_code, std::error_category, std::is_error_code_enum

#include "config.hpp"

namespace urlmint {

/// What kind of failure an urlmint::error reports; a std::error_code enum (category "urlmint").
/// No code is 0, because std::error_code reads 0 as success. The CLI maps every code to exit 1.
enum class errc {
  invalid_argument = 1,  ///< a caller-supplied value is malformed or out of range
  invalid_credentials,   ///< credentials are missing, incomplete or expired
  crypto,                ///< OpenSSL failed (message carries OpenSSL's error queue)
  key,                   ///< a private key could not be loaded or has the wrong type
  io,                    ///< a local file could not be read or written
  transport,             ///< the HTTP exchange failed (connection, TLS)
  service,               ///< the server answered with an error status
  signature_mismatch,    ///< the server (or the verifier) rejected a signature
  not_supported,         ///< a valid request that urlmint does not implement yet
  precondition_failed,   ///< a conditional request's condition failed (HTTP 412, 409 ConditionalRequestConflict)
  integrity,             ///< transferred bytes do not match the object's size, ETag or checksum
  timeout,               ///< a connection could not be made, or a transfer stalled, within its time limit
  too_large,             ///< a response that is not object data exceeded its size cap
};

namespace detail {

// what() is promised to be one line, but messages quote caller input (URLs, names, paths)
// that may hold line breaks or terminal escapes; found by fuzzing parse_s3_uri/parse_endpoint.
URLMINT_DECL std::string one_line(std::string message);

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "urlmint"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::invalid_argument: return "invalid argument";
      case errc::invalid_credentials: return "missing, incomplete or expired credentials";
      case errc::crypto: return "cryptographic operation failed";
      case errc::key: return "private key could not be loaded or has the wrong type";
      case errc::io: return "local file could not be read or written";
      case errc::transport: return "HTTP exchange failed";
      case errc::service: return "server answered with an error";
      case errc::signature_mismatch: return "signature rejected";
      case errc::not_supported: return "not supported";
      case errc::precondition_failed: return "precondition failed";
      case errc::integrity: return "transferred bytes do not match the object";
      case errc::timeout: return "timed out";
      case errc::too_large: return "response too large";
    }
    return "unknown urlmint error";
  }
};

}  // namespace detail

/// The category of urlmint's error codes; its name() is "urlmint".
URLMINT_DECL const std::error_category& error_category() noexcept;

/// Makes `errc` values usable as std::error_code (found by argument-dependent lookup).
URLMINT_DECL std::error_code make_error_code(errc e) noexcept;

/// The one exception type urlmint throws. `what()` is a single line that says what is
/// wrong and how to fix it; it never contains a secret key, session token or private key.
class error : public std::runtime_error {
 public:
  /// Control characters in `message` (line breaks included) become '?', keeping what() one line.
  error(errc code, const std::string& message) : std::runtime_error(detail::one_line(message)), code_(code) {}
  /// The category of the failure.
  errc code() const noexcept { return code_; }
  /// The same as a std::error_code (category urlmint::error_category()).
  std::error_code error_code() const noexcept { return make_error_code(code_); }

 private:
  errc code_;
};

}  // namespace urlmint

namespace std {
template <>
struct is_error_code_enum<urlmint::errc> : true_type {};
}  // namespace std

#if defined(URLMINT_HEADER_ONLY)
#include "impl/error.ipp"
#endif

#endif  // URLMINT_ERROR_HPP
