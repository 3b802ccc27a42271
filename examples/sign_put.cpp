// Sign an upload with the seed's headers; any HTTP client can send the result.
#include <urlmint/urlmint.hpp>

#include <cstdio>
#include <string>

int main() try {
  urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const std::string body = "\x89PNG...";
  urlmint::s3::put_options put;
  put.content_type = "image/png";
  put.cache_control = "max-age=31536000";
  const auto request = urlmint::s3::sign_put_object(creds, {}, "chart-bucket", "charts/chart.png", put,
                                                    urlmint::sha256_hex(body), urlmint::clock::now());
  std::printf("%s %s\n", request.method.c_str(), request.url.c_str());
  for (const auto& h : request.headers) std::printf("%s: %s\n", h.name.c_str(), h.value.c_str());
} catch (const urlmint::error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
