// The documents `urlmint cloudfront setup` reads from the network or the disk: a bucket policy
// merged with the OAC statement (which either fails with a clean one-line error or gives a
// policy that grants the distribution, merges again unchanged, and round-trips through the JSON
// writer), an env file with its CLOUDFRONT_DOMAIN line set (idempotent, other lines kept), and
// CloudFront's XML answers (parsed without crashing, whatever the bytes).

#include "fuzz_support.hpp"

#include <urlmint/cloudfront_setup.hpp>

namespace {

namespace cf = urlmint::cloudfront;

constexpr std::string_view arn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

void policy(std::string_view text) {
  cf::policy_merge m;
  try {
    m = cf::merge_oac_statement(text, "chart-bucket", arn);
  } catch (const urlmint::error& e) {
    const std::string_view msg = e.what();
    urlmint_fuzz::require(msg.find('\n') == std::string_view::npos, "one-line policy error");
    urlmint_fuzz::require(e.code() == urlmint::errc::invalid_argument, "a bad policy is invalid_argument");
    return;
  }
  urlmint_fuzz::require(cf::policy_allows_distribution(m.policy, "chart-bucket", arn), "the merge grants the ARN");
  const cf::policy_merge again = cf::merge_oac_statement(m.policy, "chart-bucket", arn);
  urlmint_fuzz::require(!again.changed && again.policy == m.policy, "a second merge changes nothing");
  if (m.changed)
    urlmint_fuzz::require(cf::json::write(cf::json::parse(m.policy)) == m.policy, "the written JSON round-trips");
}

void env_file(std::string_view text) {
  const std::string once = cf::set_env_line(text, "CLOUDFRONT_DOMAIN", "d1.cloudfront.net");
  urlmint_fuzz::require(cf::set_env_line(once, "CLOUDFRONT_DOMAIN", "d1.cloudfront.net") == once,
                        "setting the line twice is setting it once");
  urlmint_fuzz::require(once.find("CLOUDFRONT_DOMAIN=d1.cloudfront.net") != std::string::npos, "the line is there");
}

void answers(std::string_view text) {
  const cf::list_page page = cf::parse_list_page(text, "DistributionSummary");
  for (auto item : page.items) {
    const cf::distribution d = cf::parse_distribution(item);
    (void)cf::find_bucket_origin(d, "chart-bucket", "eu-west-1", true);
  }
  (void)cf::parse_distribution(cf::detail::xml_root(text));
  (void)cf::parse_origin_access_control(cf::detail::xml_root(text));
  (void)cf::parse_key_group(cf::detail::xml_root(text));
  (void)cf::parse_public_key(cf::detail::xml_root(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = urlmint_fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: policy(text); break;
    case 1: env_file(text); break;
    default: answers(text); break;
  }
  return 0;
}
