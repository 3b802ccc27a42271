// Mint a presigned GET URL valid for 7 days, the seed's fallback when no CloudFront domain is set.
#include <urlmint/urlmint.hpp>

#include <cstdio>

int main() try {
  urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  urlmint::s3::config cfg;
  cfg.region = "us-west-2";
  urlmint::s3::signer signer(creds, cfg);  // keep it: it caches the day's signing key

  urlmint::s3::presign_options opts;
  opts.expires_in = std::chrono::hours(24 * 7);
  std::printf("%s\n", signer.presign("chart-bucket", "charts/20251226_123456.png", opts).c_str());
} catch (const urlmint::error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
