// What the AWS CLI's caches and config hand to urlmint: credential_process command lines split
// shell-style (a word list re-quoted and split again is the same list), JSON strings written as
// json.dumps writes them (they parse back to the same text), cache documents with nested
// objects (every nested value parses again), and nested INI settings ("s3 =\n  endpoint_url =
// ..."): no crash, and errors stay one line.

#include "fuzz_support.hpp"

#include <string>
#include <vector>

#include <urlmint/providers.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = urlmint::providers;
  const std::string_view text = urlmint_fuzz::as_text(data, size);

  if (const auto words = p::split_command_line(text)) {
    std::string requoted;
    for (const auto& w : *words) {
      requoted += '\'';
      for (char c : w) requoted += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
      requoted += "' ";
    }
    const auto again = p::split_command_line(requoted);
    urlmint_fuzz::require(again && *again == *words, "re-quoted words split back to themselves");
  }

  const std::string quoted = p::python_json_string(text);
  for (char c : quoted)
    urlmint_fuzz::require(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f,
                          "json.dumps output is printable ASCII");
  const p::json_object doc = p::parse_json_object("{\"k\": " + quoted + "}", "fuzz");
  if (urlmint::is_valid_utf8(text))
    urlmint_fuzz::require(doc.at("k").text.reveal() == text, "a JSON string parses back to its text");

  try {
    const p::json_object parsed = p::parse_json_object(text, "fuzz");
    for (const auto& m : parsed) {
      if (m.second.type != p::json_member::kind::nested || m.second.text.reveal().front() != '{') continue;
      urlmint_fuzz::require(p::json_object_member(parsed, m.first).has_value(), "a nested object parses again");
    }
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "one-line JSON error");
  }

  try {
    (void)p::nested_setting(text, "endpoint_url", "fuzz");
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "one-line nested-setting error");
  }
  return 0;
}
