#include <catch2/catch.hpp>

#include <urlmint/crypto.hpp>

TEST_CASE("SHA-256 matches FIPS 180-2's examples", "[crypto]") {
  CHECK(urlmint::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(urlmint::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  urlmint::sha256 h;
  for (char c : std::string("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) h.push_back(c);
  const auto d = h.finish();
  CHECK(urlmint::hex_encode(d.data(), d.size()) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231's test cases", "[crypto]") {
  // RFC 4231 test case 2 (short key) and 6 (key longer than the block size).
  auto hex = [](const urlmint::sha256_digest& d) { return urlmint::hex_encode(d.data(), d.size()); };
  CHECK(hex(urlmint::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string long_key(131, '\xaa');
  CHECK(hex(urlmint::hmac_sha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  SECTION("incremental MAC equals one-shot") {
    urlmint::hmac_sha256_key key("Jefe");
    auto inner = key.begin();
    inner.update("what do ya ");
    inner.update("want for nothing?");
    CHECK(hex(key.finish(inner)) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}

TEST_CASE("constant_time_equal compares contents and lengths", "[crypto]") {
  CHECK(urlmint::constant_time_equal("abc", "abc"));
  CHECK_FALSE(urlmint::constant_time_equal("abc", "abd"));
  CHECK_FALSE(urlmint::constant_time_equal("abc", "ab"));
}
