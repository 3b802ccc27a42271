// How the CLI finds credentials and the region (the AWS CLI's chain, in providers.hpp), and
// prints signing steps for --debug.

#include <cstdio>
#include <string>

#include <urlmint/providers_curl.hpp>

#include "cli.hpp"

namespace urlmint_cli {

std::string resolve_region(const std::optional<std::string>& flag, const std::optional<std::string>& profile) {
  // An explicit but empty --region is a mistake (an unset shell variable), not a request for
  // the default region.
  if (flag && flag->empty())
    throw urlmint::error(urlmint::errc::invalid_argument, "--region is empty; give a region such as us-east-1");
  return urlmint::providers::resolve_region(flag, profile);
}

urlmint::credentials resolve_credentials(const std::optional<std::string>& profile) {
  urlmint::providers::chain_options o;
  // The AWS CLI skips the environment keys only for --profile, not for AWS_PROFILE; the
  // caller merged the two, so a profile equal to AWS_PROFILE is taken as coming from it.
  const auto env_profile = env("AWS_PROFILE");
  if (profile && (!env_profile || *env_profile != *profile)) o.profile = profile;
  o.http = urlmint::providers::curl_transport();
  return urlmint::providers::resolve_credentials(o, urlmint::clock::now()).creds;
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
