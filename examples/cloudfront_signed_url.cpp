// The seed's CloudFront URL, public and signed: https://DOMAIN/KEY for a public distribution,
// and a signed URL valid for 7 days for a private one.
//   example_cloudfront_signed_url private_key.pem K2JCJMDEHXQW5F
#include <urlmint/urlmint.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) try {
  const char* domain = std::getenv("CLOUDFRONT_DOMAIN");  // e.g. "https://d111111abcdef8.cloudfront.net/"
  const std::string url = urlmint::cloudfront::object_url(domain != nullptr ? domain : "d111111abcdef8.cloudfront.net",
                                                          "charts/20251226_123456_abc12345.png");
  std::printf("%s\n", url.c_str());
  if (argc < 3) return 0;

  // Parse the key once and keep the signer: it is thread-safe and reusable.
  const urlmint::cloudfront::signer signer(argv[2], urlmint::cloudfront::private_key::from_file(argv[1]),
                                           urlmint::cloudfront::hash_algorithm::sha256);
  const auto expires = urlmint::clock::now() + std::chrono::hours(24 * 7);
  std::printf("%s\n", signer.sign_url(url, expires).c_str());
} catch (const urlmint::error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
