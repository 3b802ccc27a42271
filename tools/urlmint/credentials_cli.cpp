// How the CLI finds credentials and the region (the AWS CLI's chain, in providers.hpp), and
// prints signing steps for --debug.

#include <fcntl.h>    // open: /dev/tty
#include <termios.h>  // tcgetattr, tcsetattr: no echo while the MFA code is typed
#include <unistd.h>   // read, write, close

#include <cstdio>
#include <cstring>  // std::strlen
#include <string>

#include <urlmint/providers_curl.hpp>

#include "cli.hpp"

namespace urlmint_cli {
std::string resolve_region(const std::optional<std::string>& flag, const std::optional<std::string>& profile) {
  // An explicit but empty --region is a mistake (an unset shell variable), not a request for
  // the default region.
  if (flag && flag->empty())
    throw urlmint::error(urlmint::errc::invalid_argument, "--region is empty; give a region such as us-east-1");
  return from_config_files([&] { return urlmint::providers::resolve_region(flag, profile); });
}

namespace {

// The AWS CLI's MFA prompt (getpass on the controlling terminal): "Enter MFA code for SERIAL: ",
// the code typed without echo. Reads /dev/tty, so it works with stdin and stdout redirected.
std::string prompt_mfa_code(const std::string& serial) {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    throw urlmint::error(urlmint::errc::invalid_credentials,
                         "the role needs an MFA code from " + serial +
                             " (mfa_serial) but there is no terminal to ask on; run urlmint in a terminal, or use "
                             "credentials from 'aws sts get-session-token' meanwhile");
  const std::string prompt = "Enter MFA code for " + serial + ": ";
  termios saved{};
  const bool is_tty = ::tcgetattr(fd, &saved) == 0;
  if (is_tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  bool ok = ::write(fd, prompt.data(), prompt.size()) == static_cast<ssize_t>(prompt.size());
  std::string code;
  char c;
  ssize_t n = 0;
  while (ok && (n = ::read(fd, &c, 1)) == 1 && c != '\n') code += c;
  if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &saved);
  ::close(fd);
  if (!ok || n < 0 || (n == 0 && code.empty()))
    throw urlmint::error(urlmint::errc::invalid_credentials, "no MFA code was entered for " + serial);
  if (!code.empty() && code.back() == '\r') code.pop_back();
  return code;
}

urlmint::providers::chain_options chain_for(const std::optional<std::string>& profile) {
  urlmint::providers::chain_options o;
  // The AWS CLI skips the environment keys only for --profile, not for AWS_PROFILE; the
  // caller merged the two, so a profile equal to AWS_PROFILE is taken as coming from it.
  const auto env_profile = env("AWS_PROFILE");
  if (profile && (!env_profile || *env_profile != *profile)) o.profile = profile;
  o.http = urlmint::providers::curl_transport();
  o.mfa_code = prompt_mfa_code;
  return o;
}

}  // namespace

urlmint::credentials resolve_credentials(const std::optional<std::string>& profile) {
  return from_config_files([&] { return urlmint::providers::resolve_credentials(chain_for(profile), urlmint::clock::now()).creds; });
}

urlmint::credentials_source resolve_credentials_source(const std::optional<std::string>& profile) {
  return std::make_shared<urlmint::providers::provider>(chain_for(profile));
}

std::string redact_token(std::string text, std::string_view token) {
  if (!token.empty()) {
    // The token appears percent-encoded in a canonical query and raw in canonical headers.
    for (const std::string& form : {std::string(token), urlmint::uri_encode(token)})
      for (std::size_t pos; (pos = text.find(form)) != std::string::npos;) text.replace(pos, form.size(), "<redacted>");
  }
  // Whatever token a server echoes: the header line's value and the query parameter's value.
  for (const std::string_view name : {std::string_view("x-amz-security-token:"), std::string_view("X-Amz-Security-Token=")}) {
    for (std::size_t pos = 0; (pos = text.find(name, pos)) != std::string::npos;) {
      const std::size_t start = pos + name.size();
      std::size_t end = text.find_first_of(name.back() == ':' ? "\n" : "&\n", start);
      if (end == std::string::npos) end = text.size();
      text.replace(start, end - start, "<redacted>");
      pos = start + 10;
    }
  }
  return text;
}

namespace {
// The AWS CLI's human_readable_to_bytes: "8388608", "8MB", "8MiB" (KB/MB/GB/TB are 1024-based).
std::uint64_t human_size(const std::string& text, const std::string& what) {
  std::string v = urlmint::sigv4::lowercase(text);
  std::uint64_t multiplier = 1;
  static const struct {
    const char* suffix;
    std::uint64_t factor;
  } suffixes[] = {{"kib", 1ull << 10}, {"mib", 1ull << 20}, {"gib", 1ull << 30}, {"tib", 1ull << 40},
                  {"kb", 1ull << 10},  {"mb", 1ull << 20},  {"gb", 1ull << 30},  {"tb", 1ull << 40}};
  for (const auto& s : suffixes) {
    const std::size_t n = std::strlen(s.suffix);
    if (v.size() > n && v.compare(v.size() - n, n, s.suffix) == 0) {
      v.resize(v.size() - n);
      multiplier = s.factor;
      break;
    }
  }
  return static_cast<std::uint64_t>(parse_integer(v, 1, (5LL << 40) / static_cast<long long>(multiplier), what)) *
         multiplier;
}
}  // namespace

s3_transfer_settings config_s3_settings(const std::optional<std::string>& profile) {
  s3_transfer_settings out;
  const auto files = urlmint::providers::load_shared_files();
  if (!files.config_file) return out;
  const auto* s = urlmint::providers::config_section(*files.config_file, urlmint::providers::profile_name(profile));
  if (s == nullptr) return out;
  const auto* nested = s->find("s3");
  if (nested == nullptr) return out;
  // "s3 =\n  max_concurrent_requests = 20\n  multipart_chunksize = 16MB": one setting a line.
  const std::string text(nested->reveal());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const auto trim = [](std::string x) {
      while (!x.empty() && (x.front() == ' ' || x.front() == '\t')) x.erase(0, 1);
      while (!x.empty() && (x.back() == ' ' || x.back() == '\t' || x.back() == '\r')) x.pop_back();
      return x;
    };
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    const std::string what = "s3." + key + " in " + files.config_path;
    if (key == "max_concurrent_requests")
      out.max_concurrent_requests = static_cast<unsigned>(parse_integer(value, 1, 1000, what));
    else if (key == "multipart_threshold")
      out.multipart_threshold = human_size(value, what);
    else if (key == "multipart_chunksize")
      out.multipart_chunksize = human_size(value, what);
  }
  return out;
}

std::string config_ca_bundle(const std::optional<std::string>& profile) {
  const auto files = urlmint::providers::load_shared_files();
  if (!files.config_file) return {};
  const auto* s = urlmint::providers::config_section(*files.config_file, urlmint::providers::profile_name(profile));
  if (s == nullptr) return {};
  const auto* v = s->find("ca_bundle");
  return v == nullptr ? std::string() : std::string(v->reveal());
}

void print_debug_steps(const urlmint::sigv4::signing_steps& steps, const urlmint::credentials& creds) {
  const std::string_view token = creds.session_token.reveal();
  std::fprintf(stderr, "--- canonical request ---\n%s\n--- string to sign ---\n%s\n--- end ---\n",
               redact_token(steps.canonical_request, token).c_str(), steps.string_to_sign.c_str());
}

}  // namespace urlmint_cli
