#include <urlmint/client.hpp>

#include <cstdio>

int main() {
  // Builds a client (no request is sent) and prints a presigned URL through its signer.
  const urlmint::curl::global curl_global;
  urlmint::s3::client client(urlmint::credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                             {});
  urlmint::s3::presign_options options;
  options.expires_in = std::chrono::seconds(86400);
  std::puts(client.signer().presign("examplebucket", "test.txt", options, *urlmint::parse_amz_date("20130524T000000Z"))
                .c_str());
}
