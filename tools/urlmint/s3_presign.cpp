// urlmint s3 presign: one presigned URL, or one per stdin line with --batch.

#include <cstdio>
#include <memory>    // std::unique_ptr
#include <cstring>   // std::memcpy
#include <optional>
#include <string>

#include <urlmint/providers.hpp>
#include <urlmint/s3_client.hpp>

#include "batch.hpp"
#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* presign_help =
    "usage: urlmint s3 presign s3://BUCKET/KEY [options]\n"
    "       urlmint s3 presign s3://arn:aws:s3::ACCOUNT:accesspoint/ALIAS.mrap/KEY [options]\n"
    "       urlmint s3 presign --batch s3://BUCKET [options] < keys.txt\n"
    "\n"
    "Prints a SigV4 presigned URL on one line. For a directory bucket (NAME--ZONEID--x-s3, S3 Express One\n"
    "Zone) it first calls CreateSession once and signs with the session (X-Amz-S3session-Token); such a URL\n"
    "stops working when the session does, five minutes after it was created.\n"
    "A multi-region access point ARN is signed with SigV4a (AWS4-ECDSA-P256-SHA256) for every region (*).\n"
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
    "  --batch                read one key per line from stdin, print one URL per line, in order;\n"
    "                         each URL is signed at the clock's time (or --now) with the credentials\n"
    "                         current then (temporary credentials are refreshed as they near expiry)\n"
    "  --jobs N               with --batch: N threads (default: the CPUs this process may use)\n"
    "  --debug                print the canonical request and string to sign on stderr\n"
    "\n"
    "Credentials, as the AWS CLI finds them: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, web\n"
    "identity (AWS_WEB_IDENTITY_TOKEN_FILE), ~/.aws/credentials and ~/.aws/config (assume role, with MFA asked on\n"
    "the terminal; IAM Identity Center after 'aws sso login'; 'aws login' sessions; credential_process), ECS\n"
    "container credentials, EC2 instance metadata (IMDSv2; AWS_EC2_METADATA_DISABLED=true skips it). Assumed\n"
    "roles are shared with the AWS CLI through ~/.aws/cli/cache.\n"
    "A URL cannot outlive temporary credentials: a warning on stderr says when --expires-in exceeds them.\n";

// One --batch worker: a presigner (bucket and options validated once, the timestamp
// formatted once a second, the day's key kept) and the time of each URL: --now, else the
// clock at that line.
class presign_worker {
 public:
  presign_worker(const urlmint::s3::signer& signer, const std::string& bucket, const urlmint::s3::presign_options& opts,
                 std::optional<urlmint::time_point> fixed_now)
      : signer_(signer), bucket_(bucket), opts_(opts), fixed_now_(fixed_now) {
    // A directory bucket's URLs are signed with its S3 Express session, which the signer asks
    // its session cache for at each URL.
    if (!urlmint::s3express::is_directory_bucket(bucket)) presigner_.emplace(signer, bucket, opts);
  }
  std::size_t need(std::string_view key) const noexcept {
    return presigner_ ? presigner_->max_size(key) + 1 : 3 * key.size() + 8192;
  }
  long put(char* dst, std::size_t room, std::string_view key, long long) {
    now_ = fixed_now_ ? *fixed_now_ : urlmint::clock::now();
    std::error_code ec;
    std::size_t n = 0;
    if (presigner_) {
      n = presigner_->write(dst, room - 1, key, now_, ec);
      if (ec == urlmint::errc::too_large) return -1;  // the credentials rotated to a longer token
    } else {
      url_.clear();
      signer_.presign_append(url_, bucket_, key, opts_, now_, ec);
      if (!ec && url_.size() + 1 > room) return -1;
      if (!ec) std::memcpy(dst, url_.data(), n = url_.size());
    }
    if (ec) return 0;
    dst[n] = '\n';
    return static_cast<long>(n + 1);
  }
  std::string failure(std::string_view key) {
    try {
      std::string url;
      if (presigner_) presigner_->append(url, key, now_);
      else signer_.presign_append(url, bucket_, key, opts_, now_);
    } catch (const urlmint::error& e) {
      return e.what();
    }
    return "cannot presign this key";
  }

 private:
  const urlmint::s3::signer& signer_;
  const std::string& bucket_;
  const urlmint::s3::presign_options& opts_;
  std::optional<urlmint::s3::presigner> presigner_;
  std::optional<urlmint::time_point> fixed_now_;
  urlmint::time_point now_;
  std::string url_;
};

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
  const auto jobs_text = a.value("--jobs");
  const auto positional = a.positionals();
  a.finish();
  if (positional.size() != 1) throw usage_error(batch ? "expected one s3://BUCKET" : "expected one s3://BUCKET/KEY");
  urlmint::s3::validate_method(opts.method);
  const urlmint::s3::s3_uri uri = urlmint::s3::parse_s3_uri(positional[0]);
  if (batch && !uri.key.empty())
    throw usage_error("with --batch give only s3://BUCKET; keys come from stdin, one per line");
  if (jobs_text && !batch) throw usage_error("--jobs needs --batch");
  const unsigned jobs = batch ? parse_jobs(jobs_text) : 1;

  // A provider, so a long --batch follows rotating temporary credentials (IMDS, ECS, STS).
  // A directory bucket's URLs are signed with an S3 Express session: the client makes the one
  // CreateSession call they need.
  std::unique_ptr<urlmint::s3::client> express;
  std::unique_ptr<urlmint::s3::signer> plain;
  if (urlmint::s3express::is_directory_bucket(uri.bucket))
    express = std::make_unique<urlmint::s3::client>(resolve_credentials_source(common.profile), common.config);
  else
    plain = std::make_unique<urlmint::s3::signer>(resolve_credentials_source(common.profile), common.config);
  const urlmint::s3::signer& signer = express ? express->signer() : *plain;
  const auto creds = signer.credentials_for(uri.bucket, common.now);
  // A URL cannot outlive the session token that signed it; say so rather than shorten it.
  if (auto w = urlmint::providers::presign_lifetime_warning(*creds, common.now, opts.expires_in))
    std::fprintf(stderr, "urlmint s3 presign: warning: %s\n", w->c_str());
  if (batch) {
    // --now pins every URL's time (reproducible output); otherwise each URL gets the clock's.
    const std::optional<urlmint::time_point> fixed_now =
        common.now_given ? std::optional<urlmint::time_point>(common.now) : std::nullopt;
    return run_batch("urlmint s3 presign", "key", jobs,
                     [&] { return presign_worker(signer, uri.bucket, opts, fixed_now); });
  }

  const std::string url = signer.presign(uri.bucket, uri.key, opts, common.now);
  if (common.debug)
    print_debug_steps(urlmint::s3::presign_steps(*creds, common.config, uri.bucket, uri.key, opts, common.now), *creds);
  std::printf("%s\n", url.c_str());
  return exit_ok;
}

}  // namespace urlmint_cli
