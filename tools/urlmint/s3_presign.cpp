// urlmint s3 presign: one presigned URL, or one per stdin line with --batch.

#include <cstdio>   // std::fwrite, getline
#include <cstdlib>  // std::free
#include <memory>   // std::unique_ptr
#include <string>

#include <urlmint/providers.hpp>
#include <urlmint/s3_client.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* presign_help =
    "usage: urlmint s3 presign s3://BUCKET/KEY [options]\n"
    "       urlmint s3 presign --batch s3://BUCKET [options] < keys.txt\n"
    "\n"
    "Prints a SigV4 presigned URL on one line. For a directory bucket (NAME--ZONEID--x-s3, S3 Express One\n"
    "Zone) it first calls CreateSession once and signs with the session (X-Amz-S3session-Token); such a URL\n"
    "stops working when the session does, five minutes after it was created.\n"
    "\n"
    "  --method M             GET (default), PUT, HEAD or DELETE\n"
    "  --expires-in SECONDS   validity, 1..604800 (7 days); default 3600\n"
    "  --region R             default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1\n"
    "  --endpoint-url URL     an S3-compatible server, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3,\n"
    "                         AWS_ENDPOINT_URL, the profile's services section or endpoint_url, else AWS)\n"
    "  --addressing-style S   auto (default), path or virtual\n"
    "  --content-type T       sign a Content-Type the client must send (PUT)\n"
    "  --header 'Name: v'     sign another header the client must send (repeatable)\n"
    "  --query name=value     sign an extra query parameter, e.g. response-content-disposition=attachment\n"
    "  --profile P            credentials profile (default: AWS_PROFILE, then default)\n"
    "  --now YYYYMMDDTHHMMSSZ sign at this UTC time instead of the clock (reproducible output)\n"
    "  --batch                read one key per line from stdin, print one URL per line, in order\n"
    "  --debug                print the canonical request and string to sign on stderr\n"
    "\n"
    "Credentials, as the AWS CLI finds them: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, web\n"
    "identity (AWS_WEB_IDENTITY_TOKEN_FILE), ~/.aws/credentials and ~/.aws/config (credential_process), ECS\n"
    "container credentials, EC2 instance metadata (IMDSv2; AWS_EC2_METADATA_DISABLED=true skips it).\n"
    "A URL cannot outlive temporary credentials: a warning on stderr says when --expires-in exceeds them.\n";

// Runs the batch: getline(3) and the URL buffer are reused and stdout is fully buffered, so
// memory stays constant however many keys arrive and no line allocates.
int run_batch(const urlmint::s3::signer& signer, const std::string& bucket, const urlmint::s3::presign_options& opts,
              urlmint::time_point now) {
  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
  char* line = nullptr;
  std::size_t capacity = 0;
  long long line_number = 0;
  ssize_t length;
  int status = exit_ok;
  std::string url;
  long long first_blank = 0;  // a blank line is fine at the end of the input, not before a key
  while ((length = ::getline(&line, &capacity, stdin)) >= 0) {
    ++line_number;
    std::string_view key(line, static_cast<std::size_t>(length));
    if (!key.empty() && key.back() == '\n') key.remove_suffix(1);
    if (!key.empty() && key.back() == '\r') key.remove_suffix(1);
    if (key.empty()) {
      if (first_blank == 0) first_blank = line_number;
      continue;
    }
    if (first_blank != 0) {
      std::fflush(stdout);
      std::fprintf(stderr, "urlmint s3 presign: line %lld: the line is empty; give one key per line\n", first_blank);
      status = exit_error;
      break;
    }
    try {
      url.clear();
      signer.presign_append(url, bucket, key, opts, now);  // no allocation once `url` has grown
      url.push_back('\n');
      std::fwrite(url.data(), 1, url.size(), stdout);
    } catch (const urlmint::error& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "urlmint s3 presign: line %lld: %s\n", line_number, e.what());
      status = exit_error;
      break;
    }
  }
  std::free(line);
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "urlmint s3 presign: cannot write to stdout\n");
    return exit_error;
  }
  return status;
}

}  // namespace

int cmd_s3_presign(args& a) {
  if (a.wants_help()) {
    std::fputs(presign_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  urlmint::s3::presign_options opts;
  if (auto m = a.value("--method")) opts.method = *m;
  if (auto e = a.value("--expires-in")) opts.expires_in = parse_expires_in(*e);
  if (auto t = a.value("--content-type")) opts.headers.push_back({"Content-Type", *t});
  for (const auto& h : a.values("--header")) opts.headers.push_back(parse_header_arg(h));
  for (const auto& q : a.values("--query")) opts.query.push_back(parse_pair_arg(q, "--query"));
  const bool batch = a.flag("--batch");
  const auto positional = a.positionals();
  a.finish();
  if (positional.size() != 1) throw usage_error(batch ? "expected one s3://BUCKET" : "expected one s3://BUCKET/KEY");
  urlmint::s3::validate_method(opts.method);
  const urlmint::s3::s3_uri uri = urlmint::s3::parse_s3_uri(positional[0]);
  if (batch && !uri.key.empty())
    throw usage_error("with --batch give only s3://BUCKET; keys come from stdin, one per line");

  // A directory bucket's URLs are signed with an S3 Express session: the client makes the one
  // CreateSession call they need.
  std::unique_ptr<urlmint::s3::client> express;
  std::unique_ptr<urlmint::s3::signer> plain;
  if (urlmint::s3express::is_directory_bucket(uri.bucket))
    express = std::make_unique<urlmint::s3::client>(resolve_credentials(common.profile), common.config);
  else
    plain = std::make_unique<urlmint::s3::signer>(resolve_credentials(common.profile), common.config);
  const urlmint::s3::signer& signer = express ? express->signer() : *plain;
  const auto creds = signer.credentials_for(uri.bucket, common.now);
  // A URL cannot outlive the session token that signed it; say so rather than shorten it.
  if (auto w = urlmint::providers::presign_lifetime_warning(*creds, common.now, opts.expires_in))
    std::fprintf(stderr, "urlmint s3 presign: warning: %s\n", w->c_str());
  if (batch) return run_batch(signer, uri.bucket, opts, common.now);

  const std::string url = signer.presign(uri.bucket, uri.key, opts, common.now);
  if (common.debug)
    print_debug_steps(urlmint::s3::presign_steps(*creds, common.config, uri.bucket, uri.key, opts, common.now), *creds);
  std::printf("%s\n", url.c_str());
  return exit_ok;
}

}  // namespace urlmint_cli
