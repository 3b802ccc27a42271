#include <catch2/catch.hpp>

#include <cstdint>  // std::uint64_t
#include <random>   // std::mt19937_64
#include <string>
#include <vector>

#include <urlmint/checksums.hpp>

namespace cs = urlmint::checksums;

namespace {

// The CRC definitions bit by bit: reflected, initial value and final XOR all ones. Independent
// of the library's tables and folding constants.
template <class T>
T bitwise_crc(T reflected_poly, const unsigned char* p, std::size_t n) {
  T crc = ~T(0);
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? (crc >> 1) ^ reflected_poly : crc >> 1;
  }
  return ~crc;
}

std::uint64_t reference(cs::algorithm a, const unsigned char* p, std::size_t n) {
  switch (a) {
    case cs::algorithm::crc32: return bitwise_crc<std::uint32_t>(0xEDB88320u, p, n);
    case cs::algorithm::crc32c: return bitwise_crc<std::uint32_t>(0x82F63B78u, p, n);
    default: return bitwise_crc<std::uint64_t>(0x9A6C9329AC4BC9B5ull, p, n);
  }
}

std::uint64_t compute(cs::algorithm a, std::uint64_t crc, const void* p, std::size_t n, cs::kernel k) {
  switch (a) {
    case cs::algorithm::crc32: return cs::crc32(static_cast<std::uint32_t>(crc), p, n, k);
    case cs::algorithm::crc32c: return cs::crc32c(static_cast<std::uint32_t>(crc), p, n, k);
    default: return cs::crc64nvme(crc, p, n, k);
  }
}

std::string hex(const std::string& raw) { return urlmint::hex_encode(raw); }

}  // namespace

TEST_CASE("CRCs give the published check values of \"123456789\" with every kernel", "[checksums]") {
  const std::string check = "123456789";
  for (auto k : {cs::kernel::portable, cs::kernel::hardware, cs::kernel::automatic}) {
    CAPTURE(static_cast<int>(k));
    CHECK(cs::crc32(0, check.data(), check.size(), k) == 0xCBF43926u);
    CHECK(cs::crc32c(0, check.data(), check.size(), k) == 0xE3069283u);
    CHECK(cs::crc64nvme(0, check.data(), check.size(), k) == 0xAE8B14860A799888ull);
  }
  CHECK(cs::crc32(0, "", 0) == 0);
  CHECK(cs::crc64nvme(0, "", 0) == 0);
}

TEST_CASE("hardware kernels are present on this build machine's CPU", "[checksums]") {
  // Not a requirement of the library (it falls back), but the tests below only prove the
  // hardware kernels where they run; say so when they do not.
  if (!cs::kernel_available(cs::algorithm::crc32c, cs::kernel::hardware) ||
      !cs::kernel_available(cs::algorithm::crc64nvme, cs::kernel::hardware))
    WARN("no SSE4.2/PCLMULQDQ here: only the portable kernel is tested");
  CHECK(cs::kernel_available(cs::algorithm::crc32, cs::kernel::portable));
  CHECK_FALSE(cs::kernel_available(cs::algorithm::sha256, cs::kernel::hardware));
}

TEST_CASE("CRCs equal the bitwise definition for random data of many lengths and alignments", "[checksums]") {
  std::mt19937_64 rng(20261202);
  std::vector<unsigned char> buffer(70000 + 64);
  for (auto& b : buffer) b = static_cast<unsigned char>(rng());
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (std::size_t n : {511, 512, 513, 767, 768, 769, 1023, 4095, 4096, 24575, 24576, 24577, 24576 + 768 + 13, 49152 + 5,
                        65536, 70000})
    lengths.push_back(n);
  for (auto a : {cs::algorithm::crc32, cs::algorithm::crc32c, cs::algorithm::crc64nvme}) {
    for (auto k : {cs::kernel::portable, cs::kernel::hardware}) {
      for (std::size_t n : lengths) {
        for (std::size_t align : {0, 1, 3, 8, 13}) {
          const unsigned char* p = buffer.data() + align;
          const std::uint64_t want = reference(a, p, n);
          const std::uint64_t got = compute(a, 0, p, n, k);
          if (got != want) {
            CAPTURE(cs::info(a).name, static_cast<int>(k), n, align);
            REQUIRE(got == want);
          }
        }
      }
      // Streaming: any split gives the one-shot value.
      for (std::size_t split : {0, 1, 7, 64, 100, 4097, 30000}) {
        const std::size_t n = 65536;
        const std::uint64_t first = compute(a, 0, buffer.data(), split, k);
        const std::uint64_t both = compute(a, first, buffer.data() + split, n - split, k);
        CAPTURE(cs::info(a).name, static_cast<int>(k), split);
        REQUIRE(both == reference(a, buffer.data(), n));
      }
    }
  }
}

TEST_CASE("crc_combine joins the CRCs of two pieces", "[checksums]") {
  std::mt19937_64 rng(7);
  std::string data(100000, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (auto a : {cs::algorithm::crc32, cs::algorithm::crc32c, cs::algorithm::crc64nvme}) {
    for (std::size_t split : {0, 1, 5000, 99999, 100000}) {
      const auto whole = compute(a, 0, data.data(), data.size(), cs::kernel::automatic);
      const auto left = compute(a, 0, data.data(), split, cs::kernel::automatic);
      const auto right = compute(a, 0, data.data() + split, data.size() - split, cs::kernel::automatic);
      CAPTURE(cs::info(a).name, split);
      CHECK(cs::crc_combine(a, left, right, data.size() - split) == whole);
    }
  }
  CHECK_THROWS_AS(cs::crc_combine(cs::algorithm::sha1, 1, 2, 3), urlmint::error);
}

TEST_CASE("hasher gives S3's base64 of the big-endian digest for each algorithm", "[checksums]") {
  // Values from Python: base64(crc.to_bytes(n, "big")) and hashlib.
  const std::string text = "123456789";
  CHECK(cs::base64_of(cs::algorithm::crc32, text) == "y/Q5Jg==");
  CHECK(cs::base64_of(cs::algorithm::crc32c, text) == "4waSgw==");
  CHECK(cs::base64_of(cs::algorithm::crc64nvme, text) == "rosUhgp5mIg=");
  CHECK(hex(cs::digest_of(cs::algorithm::sha1, "abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(cs::base64_of(cs::algorithm::sha256, "") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  SECTION("streaming and reading midway do not change the result") {
    for (const auto& i : cs::all_algorithms) {
      cs::hasher h(i.id);
      h.update("1234");
      CHECK(h.digest().size() == i.digest_size);
      h.update("56789");
      CAPTURE(i.name);
      CHECK(h.base64() == cs::base64_of(i.id, text));
      cs::hasher copy = h;
      copy.update("0");
      CHECK(copy.base64() == cs::base64_of(i.id, "1234567890"));
    }
  }
}

TEST_CASE("algorithm names parse like the AWS CLI's --checksum-algorithm", "[checksums]") {
  CHECK(cs::parse_algorithm("crc32c") == cs::algorithm::crc32c);
  CHECK(cs::parse_algorithm("CRC64NVME") == cs::algorithm::crc64nvme);
  CHECK_FALSE(cs::parse_algorithm("MD5"));
  CHECK_THROWS_WITH(cs::algorithm_from_name("crc16"),
                    "checksums: unknown checksum algorithm \"crc16\"; use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256");
  CHECK(cs::info(cs::algorithm::sha256).header == "x-amz-checksum-sha256");
  CHECK(cs::info(cs::algorithm::crc64nvme).xml_element == "ChecksumCRC64NVME");
  CHECK(cs::composite_base64(cs::algorithm::crc32, std::string("\x01\x02\x03\x04", 4), 1).substr(8) == "-1");
}
