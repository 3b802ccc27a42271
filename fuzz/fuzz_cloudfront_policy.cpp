// CloudFront dates and policies: parse_when on arbitrary text (the --date-less-than and
// --date-greater-than formats), then a custom policy from fuzzed parts. A policy either fails
// validation with a clean error or serializes to JSON that quotes the resource verbatim, and
// the canned policy has its fixed shape.

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_support.hpp"

#include <urlmint/cloudfront.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  namespace cf = urlmint::cloudfront;
  const std::string when_text = in.ConsumeRandomLengthString(40);
  const std::string start_text = in.ConsumeRandomLengthString(40);
  const std::string ip = in.ConsumeRandomLengthString(24);
  const bool with_ip = in.ConsumeBool();
  const std::string resource = in.ConsumeRemainingBytesAsString();

  const std::optional<urlmint::time_point> when = cf::parse_when(when_text);
  const std::optional<urlmint::time_point> start = cf::parse_when(start_text);
  if (!when) return 0;
  cf::policy p;
  p.resource = resource;
  p.date_less_than = *when;
  p.date_greater_than = start;
  if (with_ip) p.ip_address = ip;
  try {
    cf::validate(p);
    const std::string json = cf::policy_json(p);
    urlmint_fuzz::require(json.find("\"Resource\":\"" + resource + "\"") != std::string::npos,
                          "the policy quotes the resource verbatim");
    urlmint_fuzz::require(json.front() == '{' && json.back() == '}', "the policy is one JSON object");
    const std::string canned = cf::canned_policy_json(resource, *when);
    urlmint_fuzz::require(canned.compare(0, 27, "{\"Statement\":[{\"Resource\":\"") == 0, "canned policy shape");
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), urlmint_fuzz::as_text(data, size)),
                          "clean one-line policy error");
  }
  return 0;
}
