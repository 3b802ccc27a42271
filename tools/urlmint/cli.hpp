#ifndef URLMINT_TOOLS_CLI_HPP
#define URLMINT_TOOLS_CLI_HPP

// Argument parsing and the conventions every urlmint command shares: exit codes, one-line
// errors on stderr, nothing on stdout when a command fails.

#include <cstdio>    // std::fputs
#include <cstdlib>   // std::getenv
#include <optional>  // std::optional
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <urlmint/urlmint.hpp>

namespace urlmint_cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;  // the request was understood but failed (bad value, server error)
inline constexpr int exit_usage = 2;  // the command line itself is wrong

/// A command-line mistake: reported with the command's usage hint, exit code 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The arguments after the command words, consumed by name. `--name value` and `--name=value`
/// both work; finish() rejects whatever was not consumed.
class args {
 public:
  explicit args(std::vector<std::string> items) : items_(std::move(items)), used_(items_.size(), false) {}

  /// Whether -h/--help was given (anywhere).
  bool wants_help() const {
    for (const auto& a : items_)
      if (a == "--help" || a == "-h") return true;
    return false;
  }

  /// The value of `--name` (the last one wins; all are consumed), or nullopt.
  std::optional<std::string> value(std::string_view name) {
    std::vector<std::string> all = values(name);
    if (all.empty()) return std::nullopt;
    return std::move(all.back());
  }

  /// Every value of a repeatable `--name`, in order.
  std::vector<std::string> values(std::string_view name) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (used_[i]) continue;
      const std::string& a = items_[i];
      if (a == name) {
        if (i + 1 >= items_.size()) throw usage_error(std::string(name) + " needs a value");
        used_[i] = used_[i + 1] = true;
        out.push_back(items_[i + 1]);
        ++i;
      } else if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
        used_[i] = true;
        out.push_back(a.substr(name.size() + 1));
      }
    }
    return out;
  }

  /// Whether the boolean `--name` was given.
  bool flag(std::string_view name) {
    bool found = false;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (!used_[i] && items_[i] == name) used_[i] = found = true;
    return found;
  }

  /// The remaining arguments that do not start with "-" ("-" alone counts as positional),
  /// consumed. Call after every value()/flag().
  std::vector<std::string> positionals() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (used_[i]) continue;
      if (items_[i] == "-" || items_[i].empty() || items_[i][0] != '-') {
        used_[i] = true;
        out.push_back(items_[i]);
      }
    }
    return out;
  }

  /// Throws usage_error naming the first argument nobody consumed.
  void finish() const {
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (!used_[i]) {
        if (!items_[i].empty() && items_[i][0] == '-') throw usage_error("unknown option " + items_[i]);
        throw usage_error("unexpected argument \"" + items_[i] + "\"");
      }
  }

 private:
  std::vector<std::string> items_;
  std::vector<bool> used_;
};

/// A non-empty environment variable, or nullopt.
inline std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

/// Parses a whole decimal number in [min, max]; `what` names it in the error.
inline long long parse_integer(std::string_view text, long long min, long long max, std::string_view what) {
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.size() > 18)
    throw urlmint::error(urlmint::errc::invalid_argument,
                         std::string(what) + " \"" + std::string(text) + "\" is not a whole number");
  long long v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      throw urlmint::error(urlmint::errc::invalid_argument,
                           std::string(what) + " \"" + std::string(text) + "\" is not a whole number");
    v = v * 10 + (c - '0');
  }
  if (negative) v = -v;
  if (v < min || v > max)
    throw urlmint::error(urlmint::errc::invalid_argument, std::string(what) + " " + std::to_string(v) +
                                                               " is out of range; use " + std::to_string(min) +
                                                               " to " + std::to_string(max));
  return v;
}

/// The --expires-in value, checked against S3's 1..604800 s.
inline std::chrono::seconds parse_expires_in(std::string_view text) {
  return std::chrono::seconds(
      parse_integer(text, 1, urlmint::sigv4::max_presign_expiry_seconds, "--expires-in (seconds, at most 7 days)"));
}

/// The signing time: --now YYYYMMDDTHHMMSSZ when given (reproducible output), else the clock.
inline urlmint::time_point signing_time(const std::optional<std::string>& now) {
  if (!now) return urlmint::clock::now();
  const auto t = urlmint::parse_amz_date(*now);
  if (!t)
    throw urlmint::error(urlmint::errc::invalid_argument,
                         "--now \"" + *now + "\" is not a UTC time like 20130524T000000Z (YYYYMMDDTHHMMSSZ)");
  return *t;
}

/// The region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1.
std::string resolve_region(const std::optional<std::string>& flag, const std::optional<std::string>& profile);

/// Credentials the way the AWS CLI finds them (see providers in credentials_cli.cpp).
urlmint::credentials resolve_credentials(const std::optional<std::string>& profile);
/// The same chain behind a caching providers::provider, which refreshes temporary credentials
/// before they expire (for commands that sign for a long time, such as --batch).
urlmint::credentials_source resolve_credentials_source(const std::optional<std::string>& profile);

/// Options every S3 command shares.
struct s3_common {
  urlmint::s3::config config;
  std::optional<std::string> profile;
  urlmint::time_point now;
  bool now_given = false;  ///< --now was given (else `now` is the clock at start-up)
  bool debug = false;
};

/// Consumes --region, --endpoint-url, --addressing-style, --profile, --now and --debug.
/// The endpoint: --endpoint-url, else providers::configured_endpoint("s3", ...).
inline s3_common parse_s3_common(args& a) {
  s3_common c;
  c.profile = a.value("--profile");
  if (!c.profile) c.profile = env("AWS_PROFILE");
  c.config.region = resolve_region(a.value("--region"), c.profile);
  // --endpoint-url, then AWS's standard endpoint settings (AWS_ENDPOINT_URL_S3, services, ...).
  if (auto e = urlmint::providers::configured_endpoint("s3", a.value("--endpoint-url"), c.profile))
    c.config.endpoint_url = *e;
  if (auto s = a.value("--addressing-style")) c.config.style = urlmint::s3::parse_addressing_style(*s);
  const auto now_text = a.value("--now");
  c.now = signing_time(now_text);
  c.now_given = now_text.has_value();
  c.debug = a.flag("--debug");
  if (!c.config.endpoint_url.empty()) (void)urlmint::s3::parse_endpoint(c.config.endpoint_url);
  return c;
}

/// The AWS CLI's transport flags: --cli-connect-timeout, --cli-read-timeout (seconds, 0: no
/// limit, default 60), --ca-bundle FILE (over AWS_CA_BUNDLE, over ca_bundle in the config
/// profile: botocore's order) and --no-verify-ssl (warned about on stderr each time).
struct transport_flags {
  long long connect_timeout_s = 60;
  long long read_timeout_s = 60;
  std::string ca_bundle;
  bool no_verify_ssl = false;

  /// Sets the fields of a urlmint::curl::options (a template so this header needs no curl).
  template <typename Options>
  void apply(Options& o, const char* command) const {
    o.connect_timeout = std::chrono::seconds(connect_timeout_s);
    o.read_timeout = std::chrono::seconds(read_timeout_s);
    o.ca_file = ca_bundle;
    o.verify_tls = !no_verify_ssl;
    if (no_verify_ssl)
      std::fprintf(stderr,
                   "urlmint %s: warning: --no-verify-ssl: the server's TLS certificate is not checked, so anyone on "
                   "the network path can read and change this transfer\n",
                   command);
  }
};

/// A whole number of seconds for `flag`, 0..max; anything else is a usage error naming it.
inline long long parse_seconds_flag(const std::string& text, const char* flag, long long max = 86400 * 365) {
  try {
    return parse_integer(text, 0, max, flag);
  } catch (const urlmint::error& e) {
    throw usage_error(e.what());
  }
}

/// The ca_bundle setting of the profile in the config file, or "".
std::string config_ca_bundle(const std::optional<std::string>& profile);

/// The AWS CLI's transfer settings from the profile's `s3 =` section of the config file
/// (max_concurrent_requests, multipart_threshold, multipart_chunksize; sizes as the AWS CLI
/// reads them: bytes, or 8MB / 8MiB / 1GB, 1024-based). Unset ones stay nullopt.
struct s3_transfer_settings {
  std::optional<unsigned> max_concurrent_requests;
  std::optional<std::uint64_t> multipart_threshold;
  std::optional<std::uint64_t> multipart_chunksize;
};
s3_transfer_settings config_s3_settings(const std::optional<std::string>& profile);

/// Consumes the transport flags.
inline transport_flags parse_transport_flags(args& a, const std::optional<std::string>& profile) {
  transport_flags f;
  if (auto v = a.value("--cli-connect-timeout")) f.connect_timeout_s = parse_seconds_flag(*v, "--cli-connect-timeout");
  if (auto v = a.value("--cli-read-timeout")) f.read_timeout_s = parse_seconds_flag(*v, "--cli-read-timeout");
  f.no_verify_ssl = a.flag("--no-verify-ssl");
  if (auto v = a.value("--ca-bundle")) f.ca_bundle = *v;
  else if (auto e = env("AWS_CA_BUNDLE")) f.ca_bundle = *e;
  else f.ca_bundle = config_ca_bundle(profile);
  return f;
}

/// Help lines for the transport flags.
inline constexpr const char* transport_flags_help =
    "  --cli-connect-timeout S  seconds to wait for a connection (default 60, 0: no limit)\n"
    "  --cli-read-timeout S     a transfer that moves no byte for S seconds is retried, then fails\n"
    "                           (default 60, 0: no limit); one that keeps moving is never cut\n"
    "  --ca-bundle FILE         trust the CAs in this PEM file (over AWS_CA_BUNDLE, over ca_bundle in\n"
    "                           the config profile)\n"
    "  --no-verify-ssl          do not check the server's TLS certificate (warns on stderr)\n";

/// `text` with every secret form of `token` (raw, percent-encoded) and every
/// x-amz-security-token / X-Amz-Security-Token value replaced by <redacted>.
std::string redact_token(std::string text, std::string_view token);

/// Parses "Name: value" (--header).
inline urlmint::sigv4::header parse_header_arg(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    throw usage_error("--header \"" + text + "\" must look like 'Name: value'");
  std::string name = text.substr(0, colon);
  for (char c : name)
    if (c == ' ' || c == '\t') throw usage_error("--header name \"" + name + "\" contains whitespace");
  return {name, urlmint::sigv4::canonical_header_value(text.substr(colon + 1))};
}

/// Parses "name=value" (--query, --metadata); the value may be empty.
inline urlmint::sigv4::query_param parse_pair_arg(const std::string& text, std::string_view flag) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw usage_error(std::string(flag) + " \"" + text + "\" must look like name=value");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

/// Prints the two SigV4 intermediates users compare with S3's 403 body (secrets never appear
/// in them: the canonical request holds only the access key id and, for temporary
/// credentials, the session token, which is redacted here).
void print_debug_steps(const urlmint::sigv4::signing_steps& steps, const urlmint::credentials& creds);

// Commands, one function each; `words` are the command words already consumed.
int cmd_s3_presign(args& a);
int cmd_s3_cp(args& a);
int cmd_s3_put_lifecycle(args& a);
int cmd_s3_presign_post(args& a);
int cmd_s3_presign_multipart(args& a);
int cmd_s3_complete_multipart(args& a);
int cmd_s3_verify(args& a);
int cmd_cloudfront_url(args& a);
int cmd_cloudfront_sign(args& a);
int cmd_cloudfront_cookies(args& a);
int cmd_cloudfront_create_invalidation(args& a);
int cmd_cloudfront_oac_policy(args& a);
int cmd_cloudfront_setup(args& a);
int cmd_cloudfront_doctor(args& a);

}  // namespace urlmint_cli

#endif  // URLMINT_TOOLS_CLI_HPP
