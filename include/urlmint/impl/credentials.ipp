#ifndef URLMINT_IMPL_CREDENTIALS_IPP
#define URLMINT_IMPL_CREDENTIALS_IPP

// Definitions for credentials.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../credentials.hpp"

namespace urlmint {

URLMINT_DECL credentials_source::credentials_source(credentials fixed)
    : impl_(std::make_shared<fixed_impl>(std::make_shared<const credentials>(std::move(fixed)))) {}

URLMINT_DECL void validate(const credentials& c) {
  if (c.access_key_id.empty())
    throw error(errc::invalid_credentials,
                "credentials: access key id is empty; set AWS_ACCESS_KEY_ID or pass credentials explicitly");
  if (c.secret_access_key.empty())
    throw error(errc::invalid_credentials,
                "credentials: secret access key is empty; set AWS_SECRET_ACCESS_KEY or pass credentials explicitly");
  for (char ch : c.access_key_id) {
    // The key id goes into X-Amz-Credential as "ID/date/region/s3/aws4_request", so a "/" or
    // whitespace would corrupt the scope.
    if (ch == '/' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
      throw error(errc::invalid_credentials,
                  "credentials: access key id contains '/' or whitespace; check AWS_ACCESS_KEY_ID");
  }
  // The token is sent as a header (x-amz-security-token): a control character in it would
  // inject header lines.
  for (char ch : c.session_token.reveal())
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
      throw error(errc::invalid_credentials,
                  "credentials: the session token has a control character (CR, LF, ...); check AWS_SESSION_TOKEN");
}

URLMINT_DECL std::optional<credentials> credentials_from_environment() {
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  const char* token = std::getenv("AWS_SESSION_TOKEN");
  const bool has_id = id != nullptr && *id != '\0';
  const bool has_secret = secret != nullptr && *secret != '\0';
  if (!has_id && !has_secret) return std::nullopt;
  if (!has_id)
    throw error(errc::invalid_credentials,
                "credentials: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both");
  if (!has_secret)
    throw error(errc::invalid_credentials,
                "credentials: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both");
  credentials c(id, secret, token != nullptr ? token : "");
  validate(c);
  return c;
}
}  // namespace urlmint

#endif  // URLMINT_IMPL_CREDENTIALS_IPP
