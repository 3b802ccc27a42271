#ifndef URLMINT_ERROR_HPP
#define URLMINT_ERROR_HPP

#include <stdexcept>  // std::runtime_error
#include <string>

namespace urlmint {

/// What kind of failure an urlmint::error reports. The CLI maps these to exit codes.
enum class errc {
  invalid_argument,     ///< a caller-supplied value is malformed or out of range
  invalid_credentials,  ///< credentials are missing, incomplete or expired
  crypto,               ///< OpenSSL failed (message carries OpenSSL's error queue)
  key,                  ///< a private key could not be loaded or has the wrong type
  io,                   ///< a local file could not be read or written
  transport,            ///< the HTTP exchange failed (connection, timeout, TLS)
  service,              ///< the server answered with an error status
  signature_mismatch,   ///< the server (or the verifier) rejected a signature
  not_supported,        ///< a valid request that urlmint does not implement yet
};

namespace detail {

// what() is promised to be one line, but messages quote caller input (URLs, names, paths)
// that may hold line breaks or terminal escapes; found by fuzzing parse_s3_uri/parse_endpoint.
inline std::string one_line(std::string message) {
  for (char& c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return message;
}

}  // namespace detail

/// The one exception type urlmint throws. `what()` is a single line that says what is
/// wrong and how to fix it; it never contains a secret key, session token or private key.
class error : public std::runtime_error {
 public:
  /// Control characters in `message` (line breaks included) become '?', keeping what() one line.
  error(errc code, const std::string& message) : std::runtime_error(detail::one_line(message)), code_(code) {}
  /// The category of the failure.
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

}  // namespace urlmint

#endif  // URLMINT_ERROR_HPP
