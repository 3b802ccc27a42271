#ifndef URLMINT_TESTS_PROVIDERS_SUPPORT_HPP
#define URLMINT_TESTS_PROVIDERS_SUPPORT_HPP

// Fakes shared by the credential tests: a temp directory, an environment map, a recording HTTP
// transport. Nothing here touches the network or the real environment.

#include <unistd.h>  // mkdtemp

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <urlmint/providers.hpp>

namespace p = urlmint::providers;

namespace test_support {

inline const urlmint::time_point t0 = *p::parse_iso8601("2026-11-25T12:00:00Z");
inline const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline const std::string token = "SESSION-TOKEN-SECRET";

// A throwaway directory for shared files and token files.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/urlmint-providers-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = path + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

// A fake environment: only the variables given, plus shared files that do not exist unless set.
struct fake_env {
  std::map<std::string, std::string> vars;
  explicit fake_env(const temp_dir& dir, std::map<std::string, std::string> v = {}) : vars(std::move(v)) {
    vars.emplace("HOME", dir.path);
    vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  }
  p::environment fn() const {
    return [vars = vars](const std::string& name) -> std::optional<std::string> {
      const auto it = vars.find(name);
      if (it == vars.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
  }
};

// A fake transport: records requests, answers from a function. Never touches the network.
struct fake_transport {
  std::vector<p::http_request> requests;
  std::function<p::http_response(const p::http_request&)> answer;
  p::transport fn() {
    return [this](const p::http_request& r) {
      requests.push_back(r);
      return answer(r);
    };
  }
};

inline std::string metadata_json(const std::string& expiration) {
  return "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"ASIAMETADATA\", \"SecretAccessKey\": \"" +
         secret + "\", \"Token\": \"" + token + "\", \"Expiration\": \"" + expiration + "\"}";
}

inline std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const urlmint::error& e) {
    return e.what();
  }
  return "(no error)";
}

inline p::chain_options options_for(const fake_env& env) {
  p::chain_options o;
  o.env = env.fn();
  return o;
}

}  // namespace test_support

#endif  // URLMINT_TESTS_PROVIDERS_SUPPORT_HPP
