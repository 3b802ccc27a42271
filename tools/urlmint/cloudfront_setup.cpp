// urlmint cloudfront setup | doctor: the seed's console steps as one command, and its
// troubleshooting list as another. The work is in <urlmint/cloudfront_setup_client.hpp>; this
// file parses arguments, reads and writes the files named on the command line, and prints.

#include <unistd.h>  // isatty, getpid

#include <chrono>  // std::chrono::seconds
#include <cstdio>
#include <fstream>  // std::ifstream, std::ofstream
#include <sstream>  // std::ostringstream
#include <string>
#include <thread>  // std::this_thread::sleep_for
#include <vector>

#include <urlmint/cloudfront_setup_client.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

namespace cf = urlmint::cloudfront;

constexpr const char* setup_help =
    "usage: urlmint cloudfront setup --bucket BUCKET --region REGION [options]\n"
    "\n"
    "Puts a CloudFront distribution in front of a private S3 bucket, as the seed's console steps do,\n"
    "and prints CLOUDFRONT_DOMAIN=DOMAIN as the last line. Every step is idempotent, so a rerun\n"
    "changes nothing:\n"
    "  1. the origin access control (sigv4, always, s3), reused by name;\n"
    "  2. with --public-key, a CloudFront public key and a key group, reused;\n"
    "  3. the distribution, reused when one has the bucket's regional domain B.s3.R.amazonaws.com as\n"
    "     its origin: the OAC, redirect-to-https, GET/HEAD/OPTIONS, CachingOptimized, CORS-S3Origin,\n"
    "     compression, HTTP/2 and HTTP/3, IPv6, the price class, no default root object;\n"
    "  4. the bucket policy: the AllowCloudFrontServicePrincipal statement for the distribution's ARN\n"
    "     is merged into the existing policy (other statements kept, never added twice).\n"
    "Progress goes to stderr; stdout gets only the KEY=VALUE lines.\n"
    "\n"
    "  --bucket BUCKET           the private origin bucket\n"
    "  --region REGION           its region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)\n"
    "  --price-class CLASS       PriceClass_All (default), PriceClass_200 or PriceClass_100\n"
    "  --oac-name NAME           default BUCKET-oac\n"
    "  --alias DOMAIN            a custom domain (CNAME); needs --certificate-arn\n"
    "  --certificate-arn ARN     an ACM certificate in us-east-1 covering --alias\n"
    "  --public-key file://PEM   make the distribution private: RSA-2048 or ECDSA P-256, a public key\n"
    "                            or the private key 'cloudfront sign' uses (only its public half is sent);\n"
    "                            also prints CLOUDFRONT_KEY_PAIR_ID=ID for 'cloudfront sign --key-pair-id'\n"
    "  --env-file PATH           also set CLOUDFRONT_DOMAIN= (and CLOUDFRONT_KEY_PAIR_ID=) in this file,\n"
    "                            keeping its other lines\n"
    "  --wait                    poll until the distribution is Deployed (about 5 minutes on AWS)\n"
    "  --profile P               credentials profile\n"
    "  --connect-timeout SECONDS, --timeout SECONDS   network limits (default 10 and 300)\n"
    "\n"
    "Endpoints: AWS_ENDPOINT_URL_CLOUDFRONT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_STS, then\n"
    "AWS_ENDPOINT_URL. Credentials as for the AWS CLI.\n";

constexpr const char* doctor_help =
    "usage: urlmint cloudfront doctor --domain DOMAIN --bucket BUCKET [--region REGION] [--key KEY]\n"
    "\n"
    "Checks the seed's troubleshooting list and prints one line per check, 'ok' or 'problem' with\n"
    "the fix; exits 1 when any check finds a problem:\n"
    "  domain         the domain has no scheme and no path\n"
    "  distribution   a distribution has this domain (or alias)\n"
    "  deployed       it is enabled and Deployed\n"
    "  origin         its origin is this bucket, with an origin access control\n"
    "  bucket policy  the bucket policy allows this distribution's ARN\n"
    "  object         with --key, a HEAD of https://DOMAIN/KEY works (a 403 or 404 is explained)\n"
    "\n"
    "  --domain DOMAIN   default: CLOUDFRONT_DOMAIN\n"
    "  --bucket BUCKET   the origin bucket\n"
    "  --region REGION   its region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)\n"
    "  --key KEY         an object to fetch through CloudFront, e.g. charts/chart.png\n"
    "  --profile P, --connect-timeout SECONDS, --timeout SECONDS   as for setup\n";

urlmint::curl::options parse_http_options(args& a) {
  urlmint::curl::options http;
  if (auto t = a.value("--connect-timeout"))
    http.connect_timeout = std::chrono::seconds(parse_integer(*t, 1, 3600, "--connect-timeout (seconds)"));
  if (auto t = a.value("--timeout"))
    http.total_timeout = std::chrono::seconds(parse_integer(*t, 1, 86400, "--timeout (seconds)"));
  return http;
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw urlmint::error(urlmint::errc::io, std::string("cannot read ") + what + " \"" + path + "\"; check the path");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string file_argument(const std::string& value) {
  std::string path = value.rfind("file://", 0) == 0 ? value.substr(7) : value;
  if (path.rfind("~/", 0) == 0)
    if (auto home = env("HOME")) path = *home + path.substr(1);
  return path;
}

// Sets each NAME=VALUE in the env file, keeping its other lines; written to a temporary file
// next to it and renamed, so the file is never half-written.
void update_env_file(const std::string& path, const std::vector<std::pair<std::string, std::string>>& lines) {
  std::string content;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream s;
      s << in.rdbuf();
      content = s.str();
    }
  }
  for (const auto& l : lines) content = cf::set_env_line(content, l.first, l.second);
  const std::string tmp = path + ".urlmint-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush())
      throw urlmint::error(urlmint::errc::io, "cannot write --env-file \"" + path + "\"; check the directory's permissions");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw urlmint::error(urlmint::errc::io, "cannot replace --env-file \"" + path + "\"; check its permissions");
  }
}

}  // namespace

int cmd_cloudfront_setup(args& a) {
  if (a.wants_help()) {
    std::fputs(setup_help, stdout);
    return exit_ok;
  }
  cf::setup_options o;
  const auto bucket = a.value("--bucket");
  auto profile = a.value("--profile");
  if (!profile) profile = env("AWS_PROFILE");
  const auto region_flag = a.value("--region");
  if (auto p = a.value("--price-class")) o.price_class = *p;
  if (auto n = a.value("--oac-name")) o.oac_name = *n;
  if (auto d = a.value("--alias")) o.alias = *d;
  if (auto c = a.value("--certificate-arn")) o.certificate_arn = *c;
  const auto public_key = a.value("--public-key");
  const auto env_file = a.value("--env-file");
  const bool wait = a.flag("--wait");
  urlmint::s3::client_options transport;
  transport.http = parse_http_options(a);
  a.finish();
  if (!bucket) throw usage_error("--bucket is required, e.g. --bucket chart-bucket");
  if (o.alias.empty() != o.certificate_arn.empty())
    throw usage_error("--alias and --certificate-arn go together (the ACM certificate in us-east-1 for the alias)");
  if (o.price_class != "PriceClass_All" && o.price_class != "PriceClass_200" && o.price_class != "PriceClass_100")
    throw usage_error("--price-class must be PriceClass_All, PriceClass_200 or PriceClass_100");
  o.bucket = *bucket;
  o.region = resolve_region(region_flag, profile);
  if (public_key) o.public_key_pem = cf::public_key_pem(read_file(file_argument(*public_key), "--public-key"));
  if (!o.alias.empty()) o.alias = cf::normalize_domain(o.alias);

  const urlmint::credentials creds = resolve_credentials(profile);
  cf::api_client api(creds, o.region, cf::configured_endpoints(o.region, profile), transport);
  const auto report = [](const std::string& line) { std::fprintf(stderr, "urlmint cloudfront setup: %s\n", line.c_str()); };
  const cf::setup_result r = cf::run_setup(api, o, urlmint::clock::now(), report);
  if (wait && r.dist.status != "Deployed") {
    const bool tty = ::isatty(2) != 0;
    cf::wait_until_deployed(
        api, r.dist.id, std::chrono::seconds(10), std::chrono::seconds(1800),
        [&](const cf::distribution& d, std::chrono::seconds waited) {
          if (tty)
            std::fprintf(stderr, "\rurlmint cloudfront setup: distribution %s is %s (%lld s)%s", d.id.c_str(),
                         d.status.c_str(), static_cast<long long>(waited.count()), d.status == "Deployed" ? "\n" : "");
          else if (d.status == "Deployed")
            report("distribution " + d.id + " is Deployed");
        },
        [](std::chrono::seconds s) { std::this_thread::sleep_for(s); });
  }

  std::vector<std::pair<std::string, std::string>> lines;
  if (!r.public_key_id.empty()) lines.push_back({"CLOUDFRONT_KEY_PAIR_ID", r.public_key_id});
  lines.push_back({"CLOUDFRONT_DOMAIN", o.alias.empty() ? r.dist.domain_name : o.alias});
  if (env_file) update_env_file(*env_file, lines);
  std::string out;
  for (const auto& l : lines) out += l.first + "=" + l.second + "\n";
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) return exit_error;
  return exit_ok;
}

int cmd_cloudfront_doctor(args& a) {
  if (a.wants_help()) {
    std::fputs(doctor_help, stdout);
    return exit_ok;
  }
  cf::doctor_options o;
  auto domain = a.value("--domain");
  if (!domain) domain = env("CLOUDFRONT_DOMAIN");
  const auto bucket = a.value("--bucket");
  auto profile = a.value("--profile");
  if (!profile) profile = env("AWS_PROFILE");
  const auto region_flag = a.value("--region");
  if (auto k = a.value("--key")) o.key = *k;
  urlmint::s3::client_options transport;
  transport.http = parse_http_options(a);
  a.finish();
  if (!domain) throw usage_error("--domain is required (or set CLOUDFRONT_DOMAIN)");
  if (!bucket) throw usage_error("--bucket is required, e.g. --bucket chart-bucket");
  o.domain = *domain;
  o.bucket = *bucket;
  o.region = resolve_region(region_flag, profile);

  const urlmint::credentials creds = resolve_credentials(profile);
  cf::api_client api(creds, o.region, cf::configured_endpoints(o.region, profile), transport);
  urlmint::curl::client http(transport.http);
  const auto head = [&http](const std::string& url) {
    return http.send(urlmint::sigv4::signed_request{"HEAD", url, {}}).status;
  };
  const std::vector<cf::check> checks = cf::run_doctor(api, o, head);
  std::string out;
  bool all_ok = true;
  for (const auto& c : checks) {
    all_ok = all_ok && c.ok;
    out += std::string(c.ok ? "ok       " : "problem  ") + c.name + ": " + c.detail + "\n";
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) return exit_error;
  return all_ok ? exit_ok : exit_error;
}

}  // namespace urlmint_cli
