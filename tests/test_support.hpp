#ifndef URLMINT_TESTS_TEST_SUPPORT_HPP
#define URLMINT_TESTS_TEST_SUPPORT_HPP

// Helpers shared by the tests: reading vector files and the tiny JSON and HTTP-request
// formats of tests/data (the AWS SigV4 test suite's format).

#include <dirent.h>  // opendir: the vector folders are walked at run time

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <urlmint/urlmint.hpp>

namespace test_support {

inline std::string data_dir() { return URLMINT_TEST_DATA_DIR; }

// The suites' context.json timestamps, "2015-08-30T12:36:00Z", as a time_point.
inline urlmint::time_point iso_time(const std::string& text) {
  std::string basic;
  for (char c : text)
    if (c != '-' && c != ':') basic += c;
  return *urlmint::parse_amz_date(basic);
}

inline std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> subdirectories(const std::string& path) {
  std::vector<std::string> out;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (read_file(path + "/" + name + "/context.json")) out.push_back(name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Finds "key": in flat-enough JSON and returns the raw value (string unquoted, no escapes
// handled beyond \" and \\ because the vector files use none).
inline std::optional<std::string> json_value(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\"";
  auto pos = json.find(needle);
  if (pos == std::string::npos) return std::nullopt;
  pos = json.find(':', pos + needle.size());
  if (pos == std::string::npos) return std::nullopt;
  ++pos;
  while (pos < json.size() && (json[pos] == ' ' || json[pos] == '\n' || json[pos] == '\t')) ++pos;
  if (pos < json.size() && json[pos] == '"') {
    std::string out;
    for (++pos; pos < json.size() && json[pos] != '"'; ++pos) {
      if (json[pos] == '\\' && pos + 1 < json.size()) ++pos;
      out += json[pos];
    }
    return out;
  }
  const auto end = json.find_first_of(",}\n", pos);
  std::string raw = json.substr(pos, end - pos);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\r')) raw.pop_back();
  return raw;
}

struct parsed_request {
  std::string method;
  std::string path;  // as written in the request line (before '?')
  std::vector<urlmint::sigv4::query_param> query;  // decoded
  std::vector<urlmint::sigv4::header> headers;
  std::string body;
};

// The suite's request.txt: request line, headers ("Name:value"; a line starting with
// whitespace continues the previous header and counts as another value of it, as the suite's
// own runner reads it), a blank line, the body.
inline parsed_request parse_request(const std::string& text) {
  parsed_request r;
  std::size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos > text.size()) return false;
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    line = text.substr(pos, nl - pos);
    pos = nl + 1;
    return true;
  };
  std::string line;
  next_line(line);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  r.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string qs = target.substr(q + 1);
    std::size_t start = 0;
    while (start <= qs.size()) {
      auto amp = qs.find('&', start);
      if (amp == std::string::npos) amp = qs.size();
      std::string pair = qs.substr(start, amp - start);
      if (!pair.empty()) {
        const auto eq = pair.find('=');
        r.query.push_back({*urlmint::percent_decode(pair.substr(0, eq)),
                           eq == std::string::npos ? "" : *urlmint::percent_decode(pair.substr(eq + 1))});
      }
      start = amp + 1;
    }
  }
  while (next_line(line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.push_back({r.headers.back().name, line});
      continue;
    }
    const auto colon = line.find(':');
    r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  if (pos < text.size()) r.body = text.substr(pos);
  return r;
}

}  // namespace test_support

#endif  // URLMINT_TESTS_TEST_SUPPORT_HPP
