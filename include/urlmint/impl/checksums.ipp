#ifndef URLMINT_IMPL_CHECKSUMS_IPP
#define URLMINT_IMPL_CHECKSUMS_IPP

// Definitions for checksums.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../checksums.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>  // _mm_crc32_u64 (SSE4.2; enabled per function by target attributes)
#include <wmmintrin.h>  // _mm_clmulepi64_si128 (PCLMUL): both far cheaper to parse than <immintrin.h>
#define URLMINT_DETAIL_X86_CRC 1
#else
#define URLMINT_DETAIL_X86_CRC 0
#endif

namespace urlmint {
namespace checksums {

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

URLMINT_DECL std::uint64_t load_le64(const unsigned char* p) noexcept;

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
URLMINT_DECL bool cpu_has_sse42() noexcept;
URLMINT_DECL bool cpu_has_pclmul() noexcept;

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

URLMINT_DECL const crc32c_shift_table& crc32c_long_shift() noexcept;
URLMINT_DECL const crc32c_shift_table& crc32c_short_shift() noexcept;

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

}  // namespace checksums
}  // namespace urlmint

namespace urlmint {
namespace checksums {

namespace detail {

URLMINT_DECL std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

URLMINT_DECL bool cpu_has_sse42() noexcept {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}

URLMINT_DECL bool cpu_has_pclmul() noexcept {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

URLMINT_DECL const crc32c_shift_table& crc32c_long_shift() noexcept {
  static const crc32c_shift_table table(crc32c_long_block);
  return table;
}

URLMINT_DECL const crc32c_shift_table& crc32c_short_shift() noexcept {
  static const crc32c_shift_table table(crc32c_short_block);
  return table;
}
}  // namespace detail

URLMINT_DECL bool kernel_available(algorithm a, kernel k) noexcept {
  if (k != kernel::hardware) return a == algorithm::crc32 || a == algorithm::crc32c || a == algorithm::crc64nvme;
#if URLMINT_DETAIL_X86_CRC
  if (a == algorithm::crc32c) return detail::cpu_has_sse42();
  if (a == algorithm::crc32 || a == algorithm::crc64nvme) return detail::cpu_has_pclmul();
#endif
  return false;
}

URLMINT_DECL std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t size,
                           kernel k) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& tab = detail::tables_for<std::uint32_t, detail::crc32_model>();
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_pclmul())
    return ~detail::crc_update_pclmul(tab, detail::crc32_fold, ~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(tab, ~crc, p, size);
}

URLMINT_DECL std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size,
                            kernel k) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_sse42()) return ~detail::crc32c_update_sse42(~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(detail::tables_for<std::uint32_t, detail::crc32c_model>(), ~crc, p, size);
}

URLMINT_DECL std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size,
                               kernel k) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& tab = detail::tables_for<std::uint64_t, detail::crc64nvme_model>();
#if URLMINT_DETAIL_X86_CRC
  if (k != kernel::portable && detail::cpu_has_pclmul())
    return ~detail::crc_update_pclmul(tab, detail::crc64nvme_fold, ~crc, p, size);
#endif
  (void)k;
  return ~detail::crc_update_portable(tab, ~crc, p, size);
}

URLMINT_DECL std::uint64_t crc_combine(algorithm a, std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t size_b) {
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

URLMINT_DECL std::string crc_digest(algorithm a, std::uint64_t crc) {
  std::string out;
  for (std::size_t i = info(a).digest_size; i-- > 0;) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

URLMINT_DECL std::string digest_of(algorithm a, std::string_view data) {
  hasher h(a);
  h.update(data);
  return h.digest();
}

URLMINT_DECL std::string base64_of(algorithm a, std::string_view data) { return base64_encode(digest_of(a, data)); }

URLMINT_DECL std::string composite_base64(algorithm a, const std::string& concatenated_part_digests, std::size_t parts) {
  return base64_of(a, concatenated_part_digests) + "-" + std::to_string(parts);
}
}  // namespace checksums
}  // namespace urlmint

#endif  // URLMINT_IMPL_CHECKSUMS_IPP
