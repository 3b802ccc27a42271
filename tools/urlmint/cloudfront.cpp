// urlmint cloudfront url | sign | cookies | create-invalidation | oac-policy.
// Flags follow `aws cloudfront sign` and `aws cloudfront create-invalidation`, so users can
// switch without reading docs. All signing is in <urlmint/cloudfront.hpp>; this file parses
// arguments, reads the key file and the clock, and prints.

#include <chrono>  // std::chrono::milliseconds
#include <cstdio>
#include <cstring>  // std::memcpy
#include <string>
#include <thread>  // std::this_thread::sleep_for (retry back-off)
#include <vector>

#include <urlmint/cloudfront.hpp>
#include <urlmint/cloudfront_management.hpp>
#include <urlmint/curl.hpp>

#include "batch.hpp"
#include "cli.hpp"

namespace urlmint_cli {
namespace {

namespace cf = urlmint::cloudfront;

// Attempts of one CreateInvalidation before giving up (AWS CLI's standard retry mode: 3).
constexpr int max_attempts = 3;

constexpr const char* url_help =
    "usage: urlmint cloudfront url [--domain DOMAIN] [--origin-path PATH] KEY...\n"
    "\n"
    "Prints https://DOMAIN/KEY for each S3 key, one per line, the key percent-encoded as S3 does\n"
    "('/' kept, space %20, '+' %2B, UTF-8 bytes %XX).\n"
    "\n"
    "  --domain DOMAIN      d111111abcdef8.cloudfront.net or a custom domain (default: CLOUDFRONT_DOMAIN);\n"
    "                       a pasted https://DOMAIN/ is accepted\n"
    "  --origin-path PATH   the distribution's Origin Path, e.g. /charts: keys must start with it and it\n"
    "                       is left out of the URL\n";

constexpr const char* sign_help =
    "usage: urlmint cloudfront sign --url URL --key-pair-id ID --private-key file://KEY.pem\n"
    "       urlmint cloudfront sign --batch --key-pair-id ID --private-key file://KEY.pem ... < urls.txt\n"
    "                               --date-less-than WHEN [--date-greater-than WHEN] [--ip-address CIDR]\n"
    "                               [--hash-algorithm SHA1|SHA256] [--policy-resource PATTERN]\n"
    "\n"
    "Prints a CloudFront signed URL (one per --url). A canned policy is used unless\n"
    "--date-greater-than, --ip-address or --policy-resource is given; then a custom policy is\n"
    "signed once and appended to every --url.\n"
    "\n"
    "  --url URL                  the URL to sign (repeatable); its query string is kept and signed\n"
    "  --key-pair-id ID           public key ID of the key group (K...) or legacy key pair ID (APKA...)\n"
    "  --private-key file://PATH  PEM private key (RSA-2048 or ECDSA P-256; PKCS#1, SEC1 or PKCS#8);\n"
    "                             an encrypted key's passphrase comes from URLMINT_CLOUDFRONT_KEY_PASSPHRASE\n"
    "  --date-less-than WHEN      expiry: epoch seconds, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss (UTC) or with\n"
    "                             +hh:mm / -hh:mm\n"
    "  --date-greater-than WHEN   start of validity (custom policy)\n"
    "  --ip-address CIDR          one IPv4 address or CIDR block, e.g. 192.0.2.0/24 (custom policy)\n"
    "  --hash-algorithm H         SHA1 (default) or SHA256 (adds Hash-Algorithm=SHA256)\n"
    "  --policy-resource PATTERN  sign this resource (wildcards * and ?) instead of the URL itself\n"
    "  --allow-any-rsa-size       accept RSA keys other than 2048 bits (old keys, SDK test vectors)\n"
    "  --batch                    read one URL per line from stdin, print one signed URL per line, in order\n"
    "                             (the key is parsed once)\n"
    "  --jobs N                   with --batch: N threads (default: the CPUs this process may use)\n";

constexpr const char* cookies_help =
    "usage: urlmint cloudfront cookies [--url URL | --policy-resource PATTERN] --key-pair-id ID\n"
    "                                  --private-key file://KEY.pem --date-less-than WHEN [options]\n"
    "\n"
    "Prints CloudFront signed cookies as Set-Cookie: lines. A canned policy (CloudFront-Expires)\n"
    "covers exactly --url; --policy-resource, --date-greater-than or --ip-address make a custom\n"
    "policy (CloudFront-Policy), e.g. --policy-resource 'https://d111111abcdef8.cloudfront.net/charts/*'.\n"
    "\n"
    "  signing flags as for 'urlmint cloudfront sign', and the cookie attributes:\n"
    "  --cookie-domain DOMAIN     Domain attribute (default: none, a host-only cookie)\n"
    "  --cookie-path PATH         Path attribute (default /)\n"
    "  --same-site Strict|Lax|None  SameSite attribute (default: none)\n"
    "  --max-age SECONDS          Max-Age attribute (default: a session cookie)\n"
    "  --no-secure                leave out Secure\n"
    "  --no-http-only             leave out HttpOnly\n";

constexpr const char* invalidation_help =
    "usage: urlmint cloudfront create-invalidation --distribution-id ID --paths PATH [PATH...]\n"
    "\n"
    "Invalidates cached paths (e.g. '/charts/*') with CreateInvalidation, signed with SigV4\n"
    "(service cloudfront, us-east-1), and prints the answer as JSON. Throttling, 5xx answers and\n"
    "dropped connections are retried (3 attempts) with the same caller reference.\n"
    "\n"
    "  --distribution-id ID     e.g. EDFDVBD6EXAMPLE\n"
    "  --paths PATH...          paths starting with '/'; '*' allowed at the end\n"
    "  --caller-reference REF   idempotency token (default: urlmint-<time>-<random>)\n"
    "  --endpoint-url URL       default https://cloudfront.amazonaws.com (or AWS_ENDPOINT_URL_CLOUDFRONT)\n"
    "  --profile P              credentials profile\n"
    "  --now YYYYMMDDTHHMMSSZ   sign at this UTC time instead of the clock\n"
    "  --connect-timeout SECONDS, --timeout SECONDS   network limits (default 10 and 300)\n"
    "\n"
    "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, then the AWS CLI's files.\n";

constexpr const char* oac_help =
    "usage: urlmint cloudfront oac-policy --bucket BUCKET --account-id 123456789012 --distribution-id EXXXX\n"
    "\n"
    "Prints the S3 bucket policy that lets the distribution read the bucket through an origin\n"
    "access control (paste it into the bucket's Permissions > Bucket policy).\n";

// Everything sign and cookies share.
struct signing_flags {
  std::vector<std::string> urls;
  std::optional<std::string> policy_resource;
  std::optional<std::string> key_pair_id;
  std::optional<std::string> private_key;
  std::optional<std::string> date_less_than;
  std::optional<std::string> date_greater_than;
  std::optional<std::string> ip_address;
  cf::hash_algorithm hash = cf::hash_algorithm::sha1;
  bool any_rsa_size = false;
};

signing_flags parse_signing_flags(args& a) {
  signing_flags f;
  f.urls = a.values("--url");
  f.policy_resource = a.value("--policy-resource");
  f.key_pair_id = a.value("--key-pair-id");
  f.private_key = a.value("--private-key");
  f.date_less_than = a.value("--date-less-than");
  f.date_greater_than = a.value("--date-greater-than");
  f.ip_address = a.value("--ip-address");
  if (auto h = a.value("--hash-algorithm")) f.hash = cf::parse_hash_algorithm(*h);
  f.any_rsa_size = a.flag("--allow-any-rsa-size");
  return f;
}

urlmint::time_point parse_when_flag(const std::string& text, const char* flag) {
  const auto t = cf::parse_when(text);
  if (!t)
    throw urlmint::error(urlmint::errc::invalid_argument,
                         std::string(flag) + " \"" + text +
                             "\" is not a time; use epoch seconds, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss (UTC) or "
                             "YYYY-MM-DDThh:mm:ss+hh:mm");
  return *t;
}

// Loads the key the way the AWS CLI's --private-key reads it: "file://PATH" (or a bare path)
// names a file; a value starting with "-----BEGIN" is the PEM itself.
cf::signer make_signer(const signing_flags& f) {
  if (!f.key_pair_id) throw usage_error("--key-pair-id is required");
  if (!f.private_key) throw usage_error("--private-key is required (e.g. --private-key file://private_key.pem)");
  cf::key_options opts;
  if (f.any_rsa_size) opts.rsa_size = cf::rsa_key_size::any_from_1024;
  urlmint::secret_string passphrase;
  if (auto p = env("URLMINT_CLOUDFRONT_KEY_PASSPHRASE")) passphrase = urlmint::secret_string(*p);
  const std::string& value = *f.private_key;
  std::optional<cf::private_key> key;
  if (value.rfind("-----BEGIN", 0) == 0) {
    key = cf::private_key::from_pem(value, passphrase.reveal(), opts);
  } else {
    std::string path = value.rfind("file://", 0) == 0 ? value.substr(7) : value;
    if (path.empty()) throw usage_error("--private-key file:// names no file");
    // The AWS CLI expands a leading ~ in file:// paths; so does this.
    if (path.rfind("~/", 0) == 0)
      if (auto home = env("HOME")) path = *home + path.substr(1);
    key = cf::private_key::from_file(path, passphrase.reveal(), opts);
  }
  return cf::signer(*f.key_pair_id, std::move(*key), f.hash);
}

bool wants_custom_policy(const signing_flags& f) {
  return f.policy_resource || f.date_greater_than || f.ip_address;
}

cf::policy make_policy(const signing_flags& f, urlmint::time_point expires, const std::string& resource) {
  cf::policy p;
  p.resource = resource;
  p.date_less_than = expires;
  if (f.date_greater_than) p.date_greater_than = parse_when_flag(*f.date_greater_than, "--date-greater-than");
  if (f.ip_address) {
    try {
      p.ip_address = cf::normalize_source_ip(*f.ip_address);
    } catch (const urlmint::error& e) {
      throw urlmint::error(e.code(), std::string("--ip-address: ") + e.what());
    }
  }
  return p;
}

// Builds the whole output before printing any of it, so a failure leaves stdout empty.
int print_all(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out.append(l).append(1, '\n');
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "urlmint cloudfront: cannot write to stdout\n");
    return exit_error;
  }
  return exit_ok;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

int cmd_cloudfront_url(args& a) {
  if (a.wants_help()) {
    std::fputs(url_help, stdout);
    return exit_ok;
  }
  auto domain = a.value("--domain");
  if (!domain) domain = env("CLOUDFRONT_DOMAIN");
  const std::string origin_path = a.value("--origin-path").value_or("");
  const auto keys = a.positionals();
  a.finish();
  if (!domain) throw usage_error("--domain is required (or set CLOUDFRONT_DOMAIN), e.g. d111111abcdef8.cloudfront.net");
  if (keys.empty()) throw usage_error("expected at least one KEY, e.g. charts/chart.png");
  std::vector<std::string> lines;
  for (const auto& k : keys) lines.push_back(cf::object_url(*domain, k, origin_path));
  return print_all(lines);
}

namespace {

// One `cloudfront sign --batch` worker: the shared signer (key parsed once, thread-safe) and, for
// a --policy-resource pattern, the one signed policy every URL gets.
class cloudfront_worker {
 public:
  cloudfront_worker(const cf::signer& signer, const signing_flags& f, urlmint::time_point expires,
                    const std::optional<cf::signed_policy>& once)
      : signer_(signer), flags_(f), expires_(expires), once_(once) {}
  std::size_t need(std::string_view url) const noexcept { return 2 * url.size() + 4096; }
  long put(char* dst, std::size_t room, std::string_view url, long long) {
    std::error_code ec;
    if (once_) {
      try {
        cf::validate_url(url);
        out_ = once_->append_to(url);
      } catch (const urlmint::error& e) {
        ec = e.error_code();
      }
    } else if (!wants_custom_policy(flags_)) {
      out_ = signer_.sign_url(url, expires_, ec);
    } else {
      out_ = signer_.sign_url(url, make_policy(flags_, expires_, std::string(url)), ec);
    }
    if (ec) return 0;
    if (out_.size() + 1 > room) return -1;
    std::memcpy(dst, out_.data(), out_.size());
    dst[out_.size()] = '\n';
    return static_cast<long>(out_.size() + 1);
  }
  std::string failure(std::string_view url) {
    try {
      cf::validate_url(url);
      if (once_) (void)once_->append_to(url);
      else if (!wants_custom_policy(flags_)) (void)signer_.sign_url(url, expires_);
      else (void)signer_.sign_url(url, make_policy(flags_, expires_, std::string(url)));
    } catch (const urlmint::error& e) {
      return e.what();
    }
    return "cannot sign this URL";
  }

 private:
  const cf::signer& signer_;
  const signing_flags& flags_;
  urlmint::time_point expires_;
  const std::optional<cf::signed_policy>& once_;
  std::string out_;
};

}  // namespace

int cmd_cloudfront_sign(args& a) {
  if (a.wants_help()) {
    std::fputs(sign_help, stdout);
    return exit_ok;
  }
  const signing_flags f = parse_signing_flags(a);
  const bool batch = a.flag("--batch");
  const auto jobs_text = a.value("--jobs");
  a.finish();
  if (batch && !f.urls.empty()) throw usage_error("with --batch the URLs come from stdin, one per line; drop --url");
  if (jobs_text && !batch) throw usage_error("--jobs needs --batch");
  if (!batch && f.urls.empty()) throw usage_error("--url is required");
  if (!f.date_less_than) throw usage_error("--date-less-than is required (the expiry, e.g. 2026-01-01)");
  const auto expires = parse_when_flag(*f.date_less_than, "--date-less-than");
  for (const auto& u : f.urls) cf::validate_url(u);
  const cf::signer signer = make_signer(f);
  if (batch) {
    const unsigned jobs = parse_jobs(jobs_text);
    std::optional<cf::signed_policy> once;
    if (wants_custom_policy(f) && f.policy_resource) once.emplace(signer.sign_policy(make_policy(f, expires, *f.policy_resource)));
    return run_batch("urlmint cloudfront sign", "URL", jobs, [&] { return cloudfront_worker(signer, f, expires, once); });
  }
  std::vector<std::string> lines;
  if (!wants_custom_policy(f)) {
    for (const auto& u : f.urls) lines.push_back(signer.sign_url(u, expires));
  } else if (f.policy_resource || f.urls.size() == 1) {
    // One signature for every URL: the policy's resource is the pattern (or the one URL).
    const std::string resource = f.policy_resource ? *f.policy_resource : f.urls[0];
    const cf::signed_policy once = signer.sign_policy(make_policy(f, expires, resource));
    for (const auto& u : f.urls) lines.push_back(once.append_to(u));
  } else {
    for (const auto& u : f.urls) lines.push_back(signer.sign_url(u, make_policy(f, expires, u)));
  }
  return print_all(lines);
}

int cmd_cloudfront_cookies(args& a) {
  if (a.wants_help()) {
    std::fputs(cookies_help, stdout);
    return exit_ok;
  }
  const signing_flags f = parse_signing_flags(a);
  cf::cookie_attributes attrs;
  if (auto d = a.value("--cookie-domain")) attrs.domain = *d;
  if (auto p = a.value("--cookie-path")) attrs.path = *p;
  if (auto s = a.value("--same-site")) attrs.site = cf::parse_same_site(*s);
  if (auto m = a.value("--max-age")) attrs.max_age = parse_integer(*m, 0, 400LL * 86400, "--max-age (seconds)");
  if (a.flag("--no-secure")) attrs.secure = false;
  if (a.flag("--no-http-only")) attrs.http_only = false;
  a.finish();
  if (f.urls.size() > 1) throw usage_error("give one --url (or a --policy-resource pattern) for cookies");
  if (f.urls.empty() && !f.policy_resource) throw usage_error("--url or --policy-resource is required");
  if (!f.date_less_than) throw usage_error("--date-less-than is required (the expiry, e.g. 2026-01-01)");
  const auto expires = parse_when_flag(*f.date_less_than, "--date-less-than");
  if (!f.urls.empty()) cf::validate_url(f.urls[0]);
  const cf::signer signer = make_signer(f);
  const std::string resource = f.policy_resource ? *f.policy_resource : f.urls[0];
  const std::vector<cf::cookie> cookies = wants_custom_policy(f)
                                              ? signer.policy_cookies(make_policy(f, expires, resource))
                                              : signer.canned_cookies(resource, expires);
  std::vector<std::string> lines;
  for (const auto& c : cookies) lines.push_back("Set-Cookie: " + cf::set_cookie_value(c, attrs));
  return print_all(lines);
}

int cmd_cloudfront_create_invalidation(args& a) {
  if (a.wants_help()) {
    std::fputs(invalidation_help, stdout);
    return exit_ok;
  }
  const auto distribution = a.value("--distribution-id");
  std::vector<std::string> paths = a.values("--paths");
  auto reference = a.value("--caller-reference");
  auto endpoint = a.value("--endpoint-url");
  if (!endpoint) endpoint = env("AWS_ENDPOINT_URL_CLOUDFRONT");
  auto profile = a.value("--profile");
  if (!profile) profile = env("AWS_PROFILE");
  const auto now_flag = a.value("--now");
  urlmint::curl::options http;
  if (auto t = a.value("--connect-timeout"))
    http.connect_timeout = std::chrono::seconds(parse_integer(*t, 1, 3600, "--connect-timeout (seconds)"));
  if (auto t = a.value("--timeout")) http.total_timeout = std::chrono::seconds(parse_integer(*t, 1, 86400, "--timeout (seconds)"));
  // `--paths /a /b` as in the AWS CLI: the words after --paths are paths too.
  const auto more = a.positionals();
  a.finish();
  if (!distribution) throw usage_error("--distribution-id is required");
  if (paths.empty()) throw usage_error("--paths is required, e.g. --paths '/charts/*'");
  paths.insert(paths.end(), more.begin(), more.end());
  const urlmint::time_point now = signing_time(now_flag);
  if (!reference) reference = cf::make_caller_reference(now);
  const urlmint::credentials creds = resolve_credentials(profile);
  const cf::invalidation_request req = cf::create_invalidation(creds, *distribution, paths, *reference, now,
                                                               endpoint.value_or(std::string(cf::api_endpoint)));
  // libcurl's global init is reference-counted, so this guard is harmless if main() owns one too.
  urlmint::curl::global curl_global;
  urlmint::curl::client client(http);
  // Throttling (429), server errors (5xx) and dropped connections are retried like the AWS CLI
  // does: the same signed request (valid for 15 minutes) and the same caller reference, so a
  // retry can never create a second invalidation.
  urlmint::curl::response resp;
  for (int attempt = 1;; ++attempt) {
    try {
      resp = client.send(req.request, req.body);
      if ((resp.status != 429 && resp.status < 500) || attempt == max_attempts) break;
    } catch (const urlmint::error& e) {
      if (e.code() != urlmint::errc::transport || attempt == max_attempts) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
  }
  const cf::invalidation inv = cf::parse_invalidation_response(resp.status, resp.body);
  const std::string location = resp.header("Location").value_or(req.request.url + "/" + inv.id);
  std::string out;
  out.append("{\n    \"Location\": ").append(json_string(location)).append(",\n");
  out.append("    \"Invalidation\": {\n        \"Id\": ").append(json_string(inv.id)).append(",\n");
  out.append("        \"Status\": ").append(json_string(inv.status)).append(",\n");
  out.append("        \"CreateTime\": ").append(json_string(inv.create_time)).append(",\n");
  out.append("        \"CallerReference\": ").append(json_string(*reference)).append("\n    }\n}");
  return print_all({out});
}

int cmd_cloudfront_oac_policy(args& a) {
  if (a.wants_help()) {
    std::fputs(oac_help, stdout);
    return exit_ok;
  }
  const auto bucket = a.value("--bucket");
  const auto account = a.value("--account-id");
  const auto distribution = a.value("--distribution-id");
  a.finish();
  if (!bucket || !account || !distribution)
    throw usage_error("--bucket, --account-id and --distribution-id are all required");
  std::string policy = cf::oac_bucket_policy(*bucket, *account, *distribution);
  policy.pop_back();  // print_all adds the final newline
  return print_all({policy});
}

}  // namespace urlmint_cli
