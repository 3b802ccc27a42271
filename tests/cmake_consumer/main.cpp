#include <urlmint/urlmint.hpp>

#include <cstdio>

int main() {
  urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  std::puts(urlmint::s3::presign_get_object(creds, {}, "examplebucket", "test.txt", std::chrono::seconds(86400),
                                            *urlmint::parse_amz_date("20130524T000000Z"))
                .c_str());
}
