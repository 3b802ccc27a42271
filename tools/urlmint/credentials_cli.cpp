// How the CLI finds credentials and the region, and prints signing steps for --debug.

#include <cstdio>
#include <string>

#include "cli.hpp"

namespace urlmint_cli {

std::string resolve_region(const std::optional<std::string>& flag, const std::optional<std::string>& profile) {
  (void)profile;
  if (flag) return *flag;
  if (auto r = env("AWS_REGION")) return *r;
  if (auto r = env("AWS_DEFAULT_REGION")) return *r;
  return "us-east-1";
}

urlmint::credentials resolve_credentials(const std::optional<std::string>& profile) {
  (void)profile;
  if (auto c = urlmint::credentials_from_environment()) return std::move(*c);
  throw urlmint::error(urlmint::errc::invalid_credentials,
                       "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
}

namespace {
std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  // The token appears percent-encoded in a canonical query and raw in canonical headers.
  for (const std::string& form : {std::string(secret), urlmint::uri_encode(secret)}) {
    for (std::size_t pos; (pos = text.find(form)) != std::string::npos;) text.replace(pos, form.size(), "<redacted>");
  }
  return text;
}
}  // namespace

void print_debug_steps(const urlmint::sigv4::signing_steps& steps, const urlmint::credentials& creds) {
  const std::string_view token = creds.session_token.reveal();
  std::fprintf(stderr, "--- canonical request ---\n%s\n--- string to sign ---\n%s\n--- end ---\n",
               redact(steps.canonical_request, token).c_str(), steps.string_to_sign.c_str());
}

}  // namespace urlmint_cli
