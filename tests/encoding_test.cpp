#include <catch2/catch.hpp>

#include <urlmint/encoding.hpp>

using urlmint::slash_encoding;

TEST_CASE("UriEncode keeps unreserved bytes and escapes the rest in uppercase", "[encoding]") {
  CHECK(urlmint::uri_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(urlmint::uri_encode("a b+c%d=e&f?g#h\"i'j") == "a%20b%2Bc%25d%3De%26f%3Fg%23h%22i%27j");
  CHECK(urlmint::uri_encode("caf\xC3\xA9") == "caf%C3%A9");
  SECTION("slash is %2F in query values and kept in S3 paths") {
    CHECK(urlmint::uri_encode("a/b") == "a%2Fb");
    CHECK(urlmint::uri_encode("/a//b/./../", slash_encoding::keep) == "/a//b/./../");
  }
  SECTION("a space is never '+'") { CHECK(urlmint::uri_encode(" ") == "%20"); }
  SECTION("every byte round-trips through percent_decode") {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    CHECK(*urlmint::percent_decode(urlmint::uri_encode(all)) == all);
  }
}

TEST_CASE("percent_decode rejects broken escapes and handles '+' as asked", "[encoding]") {
  CHECK(*urlmint::percent_decode("a%20b%2fc") == "a b/c");
  CHECK(*urlmint::percent_decode("a+b") == "a+b");
  CHECK(*urlmint::percent_decode("a+b", true) == "a b");
  CHECK_FALSE(urlmint::percent_decode("%"));
  CHECK_FALSE(urlmint::percent_decode("%2"));
  CHECK_FALSE(urlmint::percent_decode("%zz"));
}

TEST_CASE("hex is lowercase", "[encoding]") { CHECK(urlmint::hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10"); }

TEST_CASE("base64 matches RFC 4648's test vectors", "[encoding]") {
  // RFC 4648 section 10.
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(urlmint::base64_encode(plain[i]) == encoded[i]);
    CHECK(*urlmint::base64_decode(encoded[i]) == plain[i]);
  }
  CHECK_FALSE(urlmint::base64_decode("Zm9v!"));
  CHECK_FALSE(urlmint::base64_decode("Z"));
}

TEST_CASE("UTF-8 validation rejects overlongs, surrogates and truncation", "[encoding]") {
  CHECK(urlmint::is_valid_utf8("plain ascii"));
  CHECK(urlmint::is_valid_utf8("\xE1\x88\xB4 \xF0\x9F\x93\x88"));
  CHECK_FALSE(urlmint::is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(urlmint::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(urlmint::is_valid_utf8("\xE1\x88"));          // truncated
  CHECK_FALSE(urlmint::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(urlmint::is_valid_utf8("\xFF"));
}

TEST_CASE("append_utf8 writes one to four bytes per code point", "[encoding]") {
  std::string out;
  for (std::uint32_t cp : {0x41u, 0xE9u, 0x1234u, 0x1F4C8u}) urlmint::append_utf8(out, cp);
  CHECK(out == "A\xC3\xA9\xE1\x88\xB4\xF0\x9F\x93\x88");
  CHECK(urlmint::is_valid_utf8(out));
}

TEST_CASE("xml_escape escapes the five XML specials and nothing else", "[encoding]") {
  CHECK(urlmint::xml_escape("<a href=\"x\">&'/charts/*") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;/charts/*");
}

TEST_CASE("ascii_iequals ignores ASCII case only", "[encoding]") {
  CHECK(urlmint::ascii_iequals("X-Amz-Date", "x-amz-date"));
  CHECK_FALSE(urlmint::ascii_iequals("x-amz-date", "x-amz-dat"));
  CHECK_FALSE(urlmint::ascii_iequals("\xC3\xA9", "\xC3\x89"));
}
