// How the CLI finds credentials and the region (the AWS CLI's chain, in providers.hpp), and
// prints signing steps for --debug.

#include <fcntl.h>    // open: /dev/tty
#include <termios.h>  // tcgetattr, tcsetattr: no echo while the MFA code is typed
#include <unistd.h>   // read, write, close

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

}  // namespace

urlmint::credentials resolve_credentials(const std::optional<std::string>& profile) {
  urlmint::providers::chain_options o;
  // The AWS CLI skips the environment keys only for --profile, not for AWS_PROFILE; the
  // caller merged the two, so a profile equal to AWS_PROFILE is taken as coming from it.
  const auto env_profile = env("AWS_PROFILE");
  if (profile && (!env_profile || *env_profile != *profile)) o.profile = profile;
  o.http = urlmint::providers::curl_transport();
  o.mfa_code = prompt_mfa_code;
  return urlmint::providers::resolve_credentials(o, urlmint::clock::now()).creds;
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
