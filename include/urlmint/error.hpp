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

/// The one exception type urlmint throws. `what()` is a single line that says what is
/// wrong and how to fix it; it never contains a secret key, session token or private key.
class error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  /// The category of the failure.
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

}  // namespace urlmint

#endif  // URLMINT_ERROR_HPP
