// urlmint s3 verify: checks a SigV4 (or SigV4a) presigned URL the way S3 would, with the caller's
// credentials, and says on one line why it fails.

#include <cstdio>  // std::printf, std::fputs
#include <string>

#include <urlmint/verify.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* verify_help =
    "usage: urlmint s3 verify URL [options]\n"
    "\n"
    "Checks a SigV4 presigned URL as S3 would: the signature (recomputed with your credentials;\n"
    "a multi-region access point's SigV4a signature is verified with the key derived from them),\n"
    "X-Amz-Expires (at most 604800 s), expiry, a date at most 15 minutes in the future, and the\n"
    "credential scope. Exit 0 and one line on stdout when valid; exit 1 and the reason on stderr.\n"
    "\n"
    "  --method M             the method the client will use: GET (default), PUT, HEAD, DELETE, POST\n"
    "  --header 'Name: v'     a header the client sends (needed for each signed header but host)\n"
    "  --region R             require this region in the credential scope (default: any)\n"
    "  --now YYYYMMDDTHHMMSSZ check at this UTC time instead of the clock\n"
    "  --profile P            credentials profile (default: AWS_PROFILE, then default)\n"
    "  --debug                print the canonical request and string to sign on stderr\n"
    "\n"
    "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, then the AWS CLI's files.\n";

}  // namespace

int cmd_s3_verify(args& a) {
  if (a.wants_help()) {
    std::fputs(verify_help, stdout);
    return exit_ok;
  }
  urlmint::verify::options opts;
  std::optional<std::string> profile = a.value("--profile");
  if (!profile) profile = env("AWS_PROFILE");
  if (auto m = a.value("--method")) opts.method = *m;
  if (auto r = a.value("--region")) opts.region = *r;
  for (const auto& h : a.values("--header")) opts.headers.push_back(parse_header_arg(h));
  const urlmint::time_point now = signing_time(a.value("--now"));
  const bool debug = a.flag("--debug");
  const auto positional = a.positionals();
  a.finish();
  if (positional.size() != 1) throw usage_error("expected one presigned URL");
  urlmint::s3::validate_method(opts.method, true);

  const urlmint::credentials creds = resolve_credentials(profile);
  const urlmint::verify::result r = urlmint::verify::verify_presigned(positional[0], creds, now, opts);
  if (debug && !r.canonical_request.empty()) {
    const std::string_view token = creds.session_token.reveal();
    std::fprintf(stderr, "--- canonical request ---\n%s\n--- string to sign ---\n%s\n--- end ---\n",
                 redact_token(r.canonical_request, token).c_str(), r.string_to_sign.c_str());
  }
  if (!r.valid()) {
    // The CLI prints what() on one line and exits 1, like every other failure.
    throw urlmint::error(urlmint::errc::signature_mismatch,
                         std::string(urlmint::verify::to_string(r.reason)) + ": " + r.message);
  }
  std::printf("%s\n", r.message.c_str());
  return exit_ok;
}

}  // namespace urlmint_cli
