#ifndef URLMINT_CHECKSUMS_HPP
#define URLMINT_CHECKSUMS_HPP

// S3's additional checksums: CRC32, CRC32C, CRC64NVME, SHA1 and SHA256 behind one streaming
// interface (checksums::hasher), the base64 of the big-endian digest S3 puts in
// x-amz-checksum-<alg>, and the CRC combine that turns per-part CRCs into a whole-object one.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
//
// The CRCs run on hardware kernels picked at run time from cpuid, so the library needs no
// global -m flags: CRC32C on SSE4.2's crc32 instruction (three interleaved streams), CRC32 and
// CRC64NVME by PCLMULQDQ folding (four 128-bit lanes). Everywhere else, and for short inputs,
// a portable slice-by-8 table kernel gives the same values.

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t, std::uint64_t
#include <cstring>      // std::memcpy
#include <optional>     // std::optional
#include <string>
#include <string_view>

#include <openssl/evp.h>  // EVP_DigestInit_ex, EVP_sha1

#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>  // _mm_crc32_u64, _mm_clmulepi64_si128 (enabled per function by target attributes)
#define URLMINT_DETAIL_X86_CRC 1
#else
#define URLMINT_DETAIL_X86_CRC 0
#endif

namespace urlmint {
namespace checksums {

/// The checksum algorithms S3 accepts in x-amz-checksum-<alg> (the AWS CLI's
/// --checksum-algorithm values).
enum class algorithm { crc32 = 1, crc32c, crc64nvme, sha1, sha256 };

/// What S3 calls an algorithm in each place it appears.
struct algorithm_info {
  algorithm id;
  std::string_view name;         ///< "CRC32": --checksum-algorithm and x-amz-checksum-algorithm
  std::string_view header;       ///< "x-amz-checksum-crc32"
  std::string_view xml_element;  ///< "ChecksumCRC32" in CompleteMultipartUpload's <Part>
  std::size_t digest_size;       ///< bytes of the raw digest (4, 4, 8, 20, 32)
};

inline constexpr std::array<algorithm_info, 5> all_algorithms{{
    {algorithm::crc32, "CRC32", "x-amz-checksum-crc32", "ChecksumCRC32", 4},
    {algorithm::crc32c, "CRC32C", "x-amz-checksum-crc32c", "ChecksumCRC32C", 4},
    {algorithm::crc64nvme, "CRC64NVME", "x-amz-checksum-crc64nvme", "ChecksumCRC64NVME", 8},
    {algorithm::sha1, "SHA1", "x-amz-checksum-sha1", "ChecksumSHA1", 20},
    {algorithm::sha256, "SHA256", "x-amz-checksum-sha256", "ChecksumSHA256", 32},
}};

/// The names and sizes of `a`.
inline const algorithm_info& info(algorithm a) noexcept { return all_algorithms[static_cast<int>(a) - 1]; }

/// The algorithm named `name` (case-insensitive, as the AWS CLI accepts "crc32c"), or nothing.
inline std::optional<algorithm> parse_algorithm(std::string_view name) noexcept {
  for (const auto& i : all_algorithms)
    if (ascii_iequals(name, i.name)) return i.id;
  return std::nullopt;
}

/// Like parse_algorithm, but an unknown name is errc::invalid_argument naming the choices.
inline algorithm algorithm_from_name(std::string_view name) {
  if (auto a = parse_algorithm(name)) return *a;
  throw error(errc::invalid_argument, "checksums: unknown checksum algorithm \"" + std::string(name) +
                                          "\"; use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256");
}

/// Which kernel computes a CRC. `automatic` is the fastest the CPU has; the others exist so
/// tests and benchmarks can compare them (`hardware` falls back to portable where absent).
enum class kernel { automatic, portable, hardware };

namespace detail {

// The three CRCs as S3 defines them: reflected, initial value and final XOR all ones.
// `reflected_poly` is the generator polynomial bit-reversed (x^0 in the top bit).
template <class T>
struct crc_model {
  T reflected_poly;
};
inline constexpr crc_model<std::uint32_t> crc32_model{0xEDB88320u};        // 0x04C11DB7, ISO-HDLC
inline constexpr crc_model<std::uint32_t> crc32c_model{0x82F63B78u};       // 0x1EDC6F41, Castagnoli
inline constexpr crc_model<std::uint64_t> crc64nvme_model{0x9A6C9329AC4BC9B5ull};  // 0xAD93D23594C93659

// a(x) * b(x) mod P(x), both reflected (x^0 in the top bit); `a` must be non-zero.
template <class T>
constexpr T multiply_mod(T a, T b, T reflected_poly) noexcept {
  T m = T(1) << (sizeof(T) * 8 - 1);
  T p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ reflected_poly : b >> 1;
  }
  return p;
}

// x^(8 * bytes) mod P(x), reflected: the operator "append `bytes` zero bytes".
template <class T>
constexpr T x_pow_bytes(std::uint64_t bytes, T reflected_poly) noexcept {
  T result = T(1) << (sizeof(T) * 8 - 1);  // x^0
  T power = T(1) << (sizeof(T) * 8 - 2);   // x^1
  for (int i = 0; i < 3; ++i) power = multiply_mod(power, power, reflected_poly);  // x^8: one byte
  for (; bytes != 0; bytes >>= 1) {
    if (bytes & 1) result = multiply_mod(power, result, reflected_poly);
    power = multiply_mod(power, power, reflected_poly);
  }
  return result;
}

// Slice-by-8 tables: t[0] is the classic byte table, t[k][b] the CRC of byte b followed by k
// zero bytes. Built once at first use (no constexpr: every TU would pay for it at compile time).
template <class T>
struct slice8_tables {
  T t[8][256];
  explicit slice8_tables(T reflected_poly) noexcept {
    for (unsigned b = 0; b < 256; ++b) {
      T c = b;
      for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ reflected_poly : c >> 1;
      t[0][b] = c;
    }
    for (unsigned b = 0; b < 256; ++b)
      for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
};

template <class T, const crc_model<T>& Model>
const slice8_tables<T>& tables_for() noexcept {
  static const slice8_tables<T> tables(Model.reflected_poly);
  return tables;
}

inline std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The raw CRC register update (no initial value or final XOR) over `size` bytes, portable.
template <class T>
T crc_update_portable(const slice8_tables<T>& tab, T crc, const unsigned char* p, std::size_t size) noexcept {
  const auto& t = tab.t;
  while (size >= 8) {
    const std::uint64_t v = load_le64(p) ^ static_cast<std::uint64_t>(crc);
    // The register (32 or 64 bits) is consumed whole by the eight bytes.
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
          t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    size -= 8;
  }
  while (size-- > 0) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if URLMINT_DETAIL_X86_CRC

// Whether this CPU has the instructions, asked once.
inline bool cpu_has_sse42() noexcept {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
inline bool cpu_has_pclmul() noexcept {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

// "Append n zero bytes" to a raw CRC32C register as four table lookups (Mark Adler's
// crc32c.c): what merges the three interleaved streams.
struct crc32c_shift_table {
  std::uint32_t t[4][256];
  explicit crc32c_shift_table(std::size_t bytes) noexcept {
    const std::uint32_t op = x_pow_bytes<std::uint32_t>(bytes, crc32c_model.reflected_poly);
    for (int k = 0; k < 4; ++k)
      for (std::uint32_t b = 0; b < 256; ++b)
        t[k][b] = multiply_mod<std::uint32_t>(op, b << (8 * k), crc32c_model.reflected_poly);
  }
  std::uint32_t shift(std::uint32_t crc) const noexcept {
    return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
  }
};

inline constexpr std::size_t crc32c_long_block = 8192;
inline constexpr std::size_t crc32c_short_block = 256;

inline const crc32c_shift_table& crc32c_long_shift() noexcept {
  static const crc32c_shift_table table(crc32c_long_block);
  return table;
}
inline const crc32c_shift_table& crc32c_short_shift() noexcept {
  static const crc32c_shift_table table(crc32c_short_block);
  return table;
}

// Three streams of `block` bytes each through the crc32 instruction (latency 3, throughput 1),
// merged with the shift table; returns the raw register after 3 * block bytes.
__attribute__((target("sse4.2"))) inline std::uint64_t crc32c_three_way(std::uint64_t crc0, const unsigned char*& p,
                                                                         std::size_t block,
                                                                         const crc32c_shift_table& shift) noexcept {
  std::uint64_t crc1 = 0;
  std::uint64_t crc2 = 0;
  const unsigned char* end = p + block;
  for (; p < end; p += 8) {
    std::uint64_t a, b, c;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + block, 8);
    std::memcpy(&c, p + 2 * block, 8);
    crc0 = _mm_crc32_u64(crc0, a);
    crc1 = _mm_crc32_u64(crc1, b);
    crc2 = _mm_crc32_u64(crc2, c);
  }
  p += 2 * block;
  crc0 = shift.shift(static_cast<std::uint32_t>(crc0)) ^ crc1;
  return shift.shift(static_cast<std::uint32_t>(crc0)) ^ crc2;
}

__attribute__((target("sse4.2"))) inline std::uint32_t crc32c_update_sse42(std::uint32_t crc, const unsigned char* p,
                                                                            std::size_t size) noexcept {
  std::uint64_t c = crc;
  while (size >= 3 * crc32c_long_block) {
    c = crc32c_three_way(c, p, crc32c_long_block, crc32c_long_shift());
    size -= 3 * crc32c_long_block;
  }
  while (size >= 3 * crc32c_short_block) {
    c = crc32c_three_way(c, p, crc32c_short_block, crc32c_short_shift());
    size -= 3 * crc32c_short_block;
  }
  for (; size >= 8; p += 8, size -= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
  }
  std::uint32_t c32 = static_cast<std::uint32_t>(c);
  for (; size > 0; ++p, --size) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

// PCLMULQDQ folding for a reflected CRC of up to 64 bits (Intel, "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ"). A 128-bit lane holding the message bits h(x)*x^64 +
// l(x) is moved D bits forward as h*(x^(D+63) mod P) + l*(x^(D-1) mod P); the -1 makes up for
// the reflected carry-less product landing one bit low. The folded 16 bytes then go through the
// table kernel from register 0, which is their remainder times x^W: the CRC register.
template <class T>
struct fold_constants {
  std::uint64_t by4_lo, by4_hi;  // D = 512: four lanes, 64 bytes per step
  std::uint64_t by1_lo, by1_hi;  // D = 128: one lane into the next
};

inline constexpr std::uint64_t reverse_bits64(std::uint64_t v) noexcept {
  std::uint64_t r = 0;
  for (int i = 0; i < 64; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

// x^n mod P as the 64-bit reflected value the folding multiplies by (x^0 in bit 63).
template <class T>
constexpr std::uint64_t fold_constant(int n, T reflected_poly) noexcept {
  const int width = sizeof(T) * 8;
  T normal_poly = 0;  // P without its x^width term, x^0 in bit 0
  for (int i = 0; i < width; ++i)
    if (reflected_poly & (T(1) << i)) normal_poly |= T(1) << (width - 1 - i);
  T r = 1;  // x^0, normal representation
  for (int i = 0; i < n; ++i) {
    const bool carry = (r >> (width - 1)) & 1;
    r = static_cast<T>(r << 1);
    if (carry) r ^= normal_poly;
  }
  return reverse_bits64(static_cast<std::uint64_t>(r));
}

template <class T>
constexpr fold_constants<T> make_fold_constants(T reflected_poly) noexcept {
  return {fold_constant<T>(512 + 63, reflected_poly), fold_constant<T>(512 - 1, reflected_poly),
          fold_constant<T>(128 + 63, reflected_poly), fold_constant<T>(128 - 1, reflected_poly)};
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i fold_lane(__m128i lane, __m128i k) noexcept {
  return _mm_xor_si128(_mm_clmulepi64_si128(lane, k, 0x00), _mm_clmulepi64_si128(lane, k, 0x11));
}

template <class T>
__attribute__((target("pclmul,sse4.1"))) T crc_update_pclmul(const slice8_tables<T>& tab, const fold_constants<T>& k,
                                                             T crc, const unsigned char* p, std::size_t size) noexcept {
  if (size < 64) return crc_update_portable(tab, crc, p, size);
  const __m128i k4 = _mm_set_epi64x(static_cast<long long>(k.by4_hi), static_cast<long long>(k.by4_lo));
  const __m128i k1 = _mm_set_epi64x(static_cast<long long>(k.by1_hi), static_cast<long long>(k.by1_lo));
  const auto load = [](const unsigned char* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); };
  __m128i x0 = _mm_xor_si128(load(p), _mm_set_epi64x(0, static_cast<long long>(crc)));
  __m128i x1 = load(p + 16);
  __m128i x2 = load(p + 32);
  __m128i x3 = load(p + 48);
  p += 64;
  size -= 64;
  for (; size >= 64; p += 64, size -= 64) {
    x0 = _mm_xor_si128(fold_lane(x0, k4), load(p));
    x1 = _mm_xor_si128(fold_lane(x1, k4), load(p + 16));
    x2 = _mm_xor_si128(fold_lane(x2, k4), load(p + 32));
    x3 = _mm_xor_si128(fold_lane(x3, k4), load(p + 48));
  }
  x1 = _mm_xor_si128(fold_lane(x0, k1), x1);
  x2 = _mm_xor_si128(fold_lane(x1, k1), x2);
  x3 = _mm_xor_si128(fold_lane(x2, k1), x3);
  for (; size >= 16; p += 16, size -= 16) x3 = _mm_xor_si128(fold_lane(x3, k1), load(p));
  unsigned char folded[16];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(folded), x3);
  crc = crc_update_portable(tab, T(0), folded, sizeof folded);
  return crc_update_portable(tab, crc, p, size);
}

inline constexpr fold_constants<std::uint32_t> crc32_fold = make_fold_constants(crc32_model.reflected_poly);
inline constexpr fold_constants<std::uint64_t> crc64nvme_fold = make_fold_constants(crc64nvme_model.reflected_poly);

#endif  // URLMINT_DETAIL_X86_CRC

}  // namespace detail

/// Whether `k` can run CRC `a` on this CPU (kernel::portable always can; SHA is never a CRC).
inline bool kernel_available(algorithm a, kernel k) noexcept {
  if (k != kernel::hardware) return a == algorithm::crc32 || a == algorithm::crc32c || a == algorithm::crc64nvme;
#if URLMINT_DETAIL_X86_CRC
  if (a == algorithm::crc32c) return detail::cpu_has_sse42();
  if (a == algorithm::crc32 || a == algorithm::crc64nvme) return detail::cpu_has_pclmul();
#endif
  return false;
}

/// Continues CRC32 (ISO-HDLC, as zlib's crc32) `crc` over `size` bytes; start from 0.
inline std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t size,
                           kernel k = kernel::automatic) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& tab = detail::tables_for<std::uint32_t, detail::crc32_model>();
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_pclmul())
    return ~detail::crc_update_pclmul(tab, detail::crc32_fold, ~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(tab, ~crc, p, size);
}

/// Continues CRC32C (Castagnoli, as iSCSI and S3) `crc` over `size` bytes; start from 0.
inline std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size,
                            kernel k = kernel::automatic) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_sse42()) return ~detail::crc32c_update_sse42(~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(detail::tables_for<std::uint32_t, detail::crc32c_model>(), ~crc, p, size);
}

/// Continues CRC-64/NVME (S3's CRC64NVME) `crc` over `size` bytes; start from 0.
inline std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size,
                               kernel k = kernel::automatic) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& tab = detail::tables_for<std::uint64_t, detail::crc64nvme_model>();
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_pclmul())
    return ~detail::crc_update_pclmul(tab, detail::crc64nvme_fold, ~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(tab, ~crc, p, size);
}

/// The CRC of A followed by B from crc(A), crc(B) and B's length in bytes (zlib's
/// crc32_combine), for `a` one of the CRCs: how per-part CRCs make a whole-object one.
inline std::uint64_t crc_combine(algorithm a, std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t size_b) {
  switch (a) {
    case algorithm::crc32:
    case algorithm::crc32c: {
      const std::uint32_t poly =
          a == algorithm::crc32 ? detail::crc32_model.reflected_poly : detail::crc32c_model.reflected_poly;
      return detail::multiply_mod<std::uint32_t>(detail::x_pow_bytes<std::uint32_t>(size_b, poly),
                                                 static_cast<std::uint32_t>(crc_a), poly) ^
             static_cast<std::uint32_t>(crc_b);
    }
    case algorithm::crc64nvme: {
      const std::uint64_t poly = detail::crc64nvme_model.reflected_poly;
      return detail::multiply_mod<std::uint64_t>(detail::x_pow_bytes<std::uint64_t>(size_b, poly), crc_a, poly) ^ crc_b;
    }
    default:
      throw error(errc::invalid_argument, "checksums: " + std::string(info(a).name) +
                                              " is not a CRC and cannot be combined; use CRC32, CRC32C or CRC64NVME");
  }
}

/// The raw big-endian digest of CRC value `crc` (4 bytes for CRC32/CRC32C, 8 for CRC64NVME).
inline std::string crc_digest(algorithm a, std::uint64_t crc) {
  std::string out;
  for (std::size_t i = info(a).digest_size; i-- > 0;) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

/// Any of the algorithms, fed incrementally. Copyable for the CRCs; SHA state is copied too.
class hasher {
 public:
  explicit hasher(algorithm a, kernel k = kernel::automatic) : alg_(a), kernel_(k) {
    if (a == algorithm::sha1) {
      sha1_.reset(EVP_MD_CTX_new());
      if (!sha1_ || EVP_DigestInit_ex(sha1_.get(), EVP_sha1(), nullptr) != 1)
        throw error(errc::crypto, "checksums: SHA1 is not available from OpenSSL: " + urlmint::detail::openssl_errors());
    }
  }
  hasher(const hasher& other) : alg_(other.alg_), kernel_(other.kernel_), crc_(other.crc_), sha256_(other.sha256_) {
    if (other.sha1_) {
      sha1_.reset(EVP_MD_CTX_new());
      if (!sha1_ || EVP_MD_CTX_copy_ex(sha1_.get(), other.sha1_.get()) != 1)
        throw error(errc::crypto, "checksums: copying a SHA1 state failed: " + urlmint::detail::openssl_errors());
    }
  }
  hasher& operator=(const hasher& other) {
    if (this != &other) *this = hasher(other);
    return *this;
  }
  hasher(hasher&&) noexcept = default;
  hasher& operator=(hasher&&) noexcept = default;

  /// The algorithm.
  algorithm id() const noexcept { return alg_; }

  /// Feeds `size` more bytes.
  void update(const void* data, std::size_t size) {
    switch (alg_) {
      case algorithm::crc32: crc_ = checksums::crc32(static_cast<std::uint32_t>(crc_), data, size, kernel_); break;
      case algorithm::crc32c: crc_ = checksums::crc32c(static_cast<std::uint32_t>(crc_), data, size, kernel_); break;
      case algorithm::crc64nvme: crc_ = checksums::crc64nvme(crc_, data, size, kernel_); break;
      case algorithm::sha1:
        if (EVP_DigestUpdate(sha1_.get(), data, size) != 1)
          throw error(errc::crypto, "checksums: SHA1 update failed: " + urlmint::detail::openssl_errors());
        break;
      case algorithm::sha256: sha256_.update(data, size); break;
    }
  }
  void update(std::string_view data) { update(data.data(), data.size()); }

  /// The CRC so far (0 for the SHAs).
  std::uint64_t crc() const noexcept { return crc_; }

  /// The raw digest, big-endian for the CRCs (S3's byte order). Leaves this hasher as it was,
  /// so a running checksum can be read and continued.
  std::string digest() const {
    std::string out;
    switch (alg_) {
      case algorithm::crc32:
      case algorithm::crc32c:
      case algorithm::crc64nvme:
        out = crc_digest(alg_, crc_);
        break;
      case algorithm::sha1: {
        hasher copy(*this);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        if (EVP_DigestFinal_ex(copy.sha1_.get(), md, &size) != 1)
          throw error(errc::crypto, "checksums: SHA1 final failed: " + urlmint::detail::openssl_errors());
        out.assign(reinterpret_cast<const char*>(md), size);
        break;
      }
      case algorithm::sha256: {
        sha256 copy = sha256_;
        const sha256_digest d = copy.finish();
        out.assign(reinterpret_cast<const char*>(d.data()), d.size());
        break;
      }
    }
    return out;
  }

  /// base64(digest()): the value of x-amz-checksum-<alg>.
  std::string base64() const { return base64_encode(digest()); }

 private:
  algorithm alg_;
  kernel kernel_;
  std::uint64_t crc_ = 0;
  sha256 sha256_;
  urlmint::detail::unique_evp_md_ctx sha1_;
};

/// The raw digest of `data` under `a` (big-endian for the CRCs).
inline std::string digest_of(algorithm a, std::string_view data) {
  hasher h(a);
  h.update(data);
  return h.digest();
}

/// The x-amz-checksum-<alg> value of `data`: base64 of the raw big-endian digest.
inline std::string base64_of(algorithm a, std::string_view data) { return base64_encode(digest_of(a, data)); }

/// A multipart upload's composite checksum: the checksum of the parts' raw digests
/// concatenated, then "-" and the part count (S3's COMPOSITE type; for CRC32, CRC32C, SHA1,
/// SHA256). `part_digests` holds the raw digests in part order.
inline std::string composite_base64(algorithm a, const std::string& concatenated_part_digests, std::size_t parts) {
  return base64_of(a, concatenated_part_digests) + "-" + std::to_string(parts);
}

}  // namespace checksums
}  // namespace urlmint

#endif  // URLMINT_CHECKSUMS_HPP
