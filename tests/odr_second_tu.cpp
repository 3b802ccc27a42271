// A second translation unit including every libcrypto-only header: if anything in a header is
// not inline, the link of s3_test fails with a duplicate symbol.
#include <urlmint/urlmint.hpp>

// Signing must need libcrypto alone: the umbrella may never reach libcurl's header.
#ifdef CURLINC_CURL_H
#error "urlmint.hpp pulled in <curl/curl.h>; only curl.hpp and the headers built on it may"
#endif

std::string urlmint_odr_second_tu_presign() {
  urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  return urlmint::s3::presign_get_object(c, {}, "examplebucket", "test.txt", std::chrono::seconds(86400),
                                         *urlmint::parse_amz_date("20130524T000000Z"));
}
