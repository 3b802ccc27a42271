// SigV4 from arbitrary requests: a key, extra query parameters and extra headers taken from
// the input are presigned for S3, the canonical request has its fixed shape, and the verifier
// (an independent parse of the URL) accepts the URL with the same headers.

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_support.hpp"

#include <urlmint/verify.hpp>

namespace {

// Header names from the input, restricted to the token bytes SigV4 clients actually send.
std::string header_name(FuzzedDataProvider& in) {
  std::string raw = in.ConsumeRandomLengthString(24);
  std::string out;
  for (char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    out += "abcdefghijklmnopqrstuvwxyz0123456789-ABCXYZ"[u % 43];
  }
  return out.empty() ? "x" : out;
}

bool collides_with_auth_param(const std::string& name) {
  const std::string lower = urlmint::sigv4::lowercase(name);
  return lower.compare(0, 6, "x-amz-") == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  static const urlmint::credentials creds("ASIAEXAMPLETEMPORARY", urlmint_fuzz::secret, urlmint_fuzz::token);
  const urlmint::time_point now = urlmint::from_unix_seconds(in.ConsumeIntegralInRange<std::int64_t>(0, 9000000000));
  urlmint::s3::presign_options opts;
  opts.method = in.PickValueInArray({"GET", "PUT", "HEAD", "DELETE"});
  opts.expires_in = std::chrono::seconds(in.ConsumeIntegralInRange<int>(1, 604800));
  const int nq = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < nq; ++i) {
    std::string name = in.ConsumeRandomLengthString(32);
    std::string value = in.ConsumeRandomLengthString(64);
    if (name.empty() || collides_with_auth_param(name)) continue;
    opts.query.push_back({name, value});
  }
  const int nh = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < nh; ++i) {
    std::string name = header_name(in);
    std::string value = in.ConsumeRandomLengthString(64);
    if (urlmint::sigv4::lowercase(name) == "host") continue;
    opts.headers.push_back({name, value});
  }
  urlmint::s3::config cfg;
  if (in.ConsumeBool()) cfg.endpoint_url = "http://127.0.0.1:9000";
  const std::string key = in.ConsumeRemainingBytesAsString();
  try {
    const auto steps = urlmint::s3::presign_steps(creds, cfg, "examplebucket", key, opts, now);
    std::size_t lines = 0;
    for (char c : steps.canonical_request) lines += c == '\n';
    // METHOD, URI, QUERY, one line per distinct header, the blank line, SIGNED_HEADERS, PAYLOAD.
    std::size_t distinct = 1;
    for (char c : steps.signed_headers) distinct += c == ';';
    urlmint_fuzz::require(lines == 5 + distinct, "canonical request has 6 + headers lines");
    urlmint_fuzz::require(steps.string_to_sign.size() == 16 + 1 + 16 + 1 + steps.scope.size() + 1 + 64,
                          "string to sign has its fixed shape");

    const std::string url = urlmint::s3::presign(creds, cfg, "examplebucket", key, opts, now);
    urlmint::verify::options v;
    v.method = opts.method;
    v.headers = opts.headers;
    const auto r = urlmint::verify::verify_presigned(url, creds, now, v);
    if (!r.valid()) std::fprintf(stderr, "verifier: %s\nurl: %s\n", r.message.c_str(), url.c_str());
    urlmint_fuzz::require(r.valid(), "the verifier accepts what the signer mints");
    urlmint_fuzz::require(r.canonical_request == steps.canonical_request, "signer and verifier agree on the request");
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), urlmint_fuzz::as_text(data, size)), "clean signing error");
  }
  return 0;
}
