#ifndef URLMINT_TOOLS_CLI_HPP
#define URLMINT_TOOLS_CLI_HPP

// Argument parsing and the conventions every urlmint command shares: exit codes, one-line
// errors on stderr, nothing on stdout when a command fails.

#include <cstdio>    // std::fputs
#include <cstdlib>   // std::getenv
#include <initializer_list>
#include <utility>   // std::pair
#include <optional>  // std::optional
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <urlmint/providers.hpp>
#include <urlmint/s3_settings.hpp>
#include <urlmint/urlmint.hpp>

namespace urlmint {
namespace s3 {
class client;
struct client_options;
}  // namespace s3
}  // namespace urlmint

namespace urlmint_cli {

// The one exit-status rule of every command (main() applies it; --help and the README state it).
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;  // an operation was attempted and failed (server, network, file, credentials)
inline constexpr int exit_usage = 2;  // the command line is wrong: unknown command or option, missing,
                                      // malformed or out-of-range value (usage_error, errc::invalid_argument)

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

  /// Every value of the flags in `names`, in command-line order, as (flag, value) pairs: for
  /// options whose order matters across names (--exclude / --include).
  std::vector<std::pair<std::string, std::string>> ordered_values(std::initializer_list<std::string_view> names) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (used_[i]) continue;
      for (std::string_view name : names) {
        const std::string& a = items_[i];
        if (a == name) {
          if (i + 1 >= items_.size()) throw usage_error(std::string(name) + " needs a value");
          used_[i] = used_[i + 1] = true;
          out.emplace_back(std::string(name), items_[i + 1]);
          ++i;
          break;
        }
        if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
          used_[i] = true;
          out.emplace_back(std::string(name), a.substr(name.size() + 1));
          break;
        }
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

/// Runs a lookup that reads ~/.aws/config or credentials files: a malformed file makes it fail
/// (exit 1), it is not a mistake on the command line, which is what errc::invalid_argument
/// (exit 2) means to main().
template <class F>
auto from_config_files(F&& lookup) {
  try {
    return lookup();
  } catch (const urlmint::error& e) {
    if (e.code() != urlmint::errc::invalid_argument) throw;
    throw urlmint::error(urlmint::errc::io, e.what());
  }
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
  const auto endpoint_flag = a.value("--endpoint-url");
  if (auto e = from_config_files([&] { return urlmint::providers::configured_endpoint("s3", endpoint_flag, c.profile); }))
    c.config.endpoint_url = *e;
  // use_dualstack_endpoint, use_fips_endpoint, the `s3 =` block (accelerate, addressing style, ...).
  urlmint::providers::s3_settings(c.profile).apply_to(c.config);
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

/// Flags whose values are one of a fixed set: validated by choice() and offered by the shell
/// completion (completion.cpp), from this one table.
struct choice_flag {
  const char* flag;
  std::vector<const char*> values;
};
inline const std::vector<choice_flag>& choice_flags() {
  static const std::vector<choice_flag> table = {
      // The S3 canned ACLs, as the AWS CLI's --acl lists them.
      {"--acl", {"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
                 "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"}},
      {"--output", {"text", "json"}},
      {"--addressing-style", {"auto", "path", "virtual"}},
      {"--method", {"GET", "PUT", "HEAD", "DELETE"}},
      {"--sse", {"AES256", "aws:kms"}},
      {"--storage-class", {"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                           "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"}},
      {"--hash-algorithm", {"SHA1", "SHA256"}},
  };
  return table;
}

/// The value of a choice flag (see choice_flags()), checked: a value outside the set is a
/// usage error listing the set.
inline std::optional<std::string> choice(args& a, std::string_view flag) {
  auto v = a.value(flag);
  if (!v) return v;
  for (const auto& c : choice_flags()) {
    if (flag != c.flag) continue;
    std::string list;
    for (const char* allowed : c.values) {
      if (*v == allowed) return v;
      list += (list.empty() ? "" : ", ") + std::string(allowed);
    }
    throw usage_error(std::string(flag) + " \"" + v->substr(0, 64) + "\" is not one of " + list);
  }
  return v;
}

/// What a command prints: the AWS CLI's --quiet, --only-show-errors, --dryrun and --output.
struct output_options {
  bool quiet = false;             ///< nothing on stdout (errors still go to stderr)
  bool only_show_errors = false;  ///< only errors and warnings
  bool dryrun = false;            ///< print what would be done, touch nothing
  bool json = false;              ///< --output json
  bool no_progress = false;
  /// Whether operation lines ("upload: a to s3://b/a") are printed.
  bool show_operations() const { return !quiet && !only_show_errors; }
  /// Whether the progress line is drawn (stderr only, and only when it is a terminal).
  bool show_progress() const;
};

/// Consumes --quiet, --only-show-errors, --dryrun, --no-progress and --output (text|json).
inline output_options parse_output_options(args& a) {
  output_options o;
  o.quiet = a.flag("--quiet");
  o.only_show_errors = a.flag("--only-show-errors");
  o.dryrun = a.flag("--dryrun");
  o.no_progress = a.flag("--no-progress");
  o.json = choice(a, "--output").value_or("text") == "json";
  return o;
}

/// Whether `text` matches the glob `pattern` as Python's fnmatch.fnmatchcase does: * (any run,
/// '/' included), ?, [abc], [a-z], [!abc]; an unclosed [ is literal.
bool glob_match(std::string_view pattern, std::string_view text);

/// The AWS CLI's --exclude / --include (awscli/customizations/s3/filters.py): every path starts
/// included; each rule, in command-line order, whose pattern (joined to the source root)
/// matches the path sets it excluded or included, so later rules win.
class path_filter {
 public:
  /// `rules` are ("--exclude"|"--include", GLOB) pairs; `root` is the source directory
  /// (absolute) or "BUCKET/PREFIX".
  path_filter(std::vector<std::pair<std::string, std::string>> rules, const std::string& root);
  /// Whether `path` (root-joined: "/abs/dir/a.png", "BUCKET/KEY") is copied.
  bool included(const std::string& path) const;

 private:
  std::vector<std::pair<bool, std::string>> rules_;  // (include?, root-joined pattern)
};

/// Parses an S3 URI given on the command line; a malformed one is a usage error.
inline urlmint::s3::s3_uri s3_uri_arg(const std::string& text) {
  try {
    return urlmint::s3::parse_s3_uri(text);
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
/// The Content-Type for a file name's extension, or "application/octet-stream" (s3_transfer.cpp).
std::string guess_content_type(const std::string& path);


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

/// One row of the command table (main.cpp): the table drives dispatch, --help, the man page
/// (--help-man) and shell completion (completion.cpp), so they cannot disagree.
struct command {
  const char* group;
  const char* name;
  int (*run)(args&);
  const char* summary;
};
const std::vector<command>& command_table();
/// The top-level --help text.
std::string usage_text();
/// What `urlmint GROUP COMMAND --help` prints, captured (completion.cpp).
std::string command_help(const command& c);

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
int cmd_s3_ls(args& a);
int cmd_s3_rm(args& a);
int cmd_s3_mb(args& a);
int cmd_s3_rb(args& a);
int cmd_completion(args& a);
/// Recursive `s3 cp DIR s3://B/P/` or `s3 cp s3://B/P/ DIR` (s3_recursive.cpp); consumes
/// --exclude, --include, --jobs and the two positionals.
int run_recursive_cp(args& a, const urlmint::s3::put_options& put, bool guess_type, const s3_common& common,
                     const urlmint::s3::client_options& client_opts, const output_options& out);
/// Prints the man page (roff) built from the --help texts (completion.cpp).
int print_man_page();

}  // namespace urlmint_cli

#endif  // URLMINT_TOOLS_CLI_HPP
