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

#include "checksum_algorithm.hpp"
#include "config.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"

namespace urlmint {
namespace checksums {

/// Which kernel computes a CRC. `automatic` is the fastest the CPU has; the others exist so
/// tests and benchmarks can compare them (`hardware` falls back to portable where absent).
enum class kernel { automatic, portable, hardware };

/// Whether `k` can run CRC `a` on this CPU (kernel::portable always can; SHA is never a CRC).
URLMINT_DECL bool kernel_available(algorithm a, kernel k) noexcept;

/// Continues CRC32 (ISO-HDLC, as zlib's crc32) `crc` over `size` bytes; start from 0.
URLMINT_DECL std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t size,
                           kernel k = kernel::automatic) noexcept;

/// Continues CRC32C (Castagnoli, as iSCSI and S3) `crc` over `size` bytes; start from 0.
URLMINT_DECL std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size,
                            kernel k = kernel::automatic) noexcept;

/// Continues CRC-64/NVME (S3's CRC64NVME) `crc` over `size` bytes; start from 0.
URLMINT_DECL std::uint64_t crc64nvme(std::uint64_t crc, const void* data, std::size_t size,
                               kernel k = kernel::automatic) noexcept;

/// The CRC of A followed by B from crc(A), crc(B) and B's length in bytes (zlib's
/// crc32_combine), for `a` one of the CRCs: how per-part CRCs make a whole-object one.
URLMINT_DECL std::uint64_t crc_combine(algorithm a, std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t size_b);

/// The raw big-endian digest of CRC value `crc` (4 bytes for CRC32/CRC32C, 8 for CRC64NVME).
URLMINT_DECL std::string crc_digest(algorithm a, std::uint64_t crc);

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
URLMINT_DECL std::string digest_of(algorithm a, std::string_view data);

/// The x-amz-checksum-<alg> value of `data`: base64 of the raw big-endian digest.
URLMINT_DECL std::string base64_of(algorithm a, std::string_view data);

/// A multipart upload's composite checksum: the checksum of the parts' raw digests
/// concatenated, then "-" and the part count (S3's COMPOSITE type; for CRC32, CRC32C, SHA1,
/// SHA256). `part_digests` holds the raw digests in part order.
URLMINT_DECL std::string composite_base64(algorithm a, const std::string& concatenated_part_digests, std::size_t parts);

}  // namespace checksums
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/checksums.ipp"
#endif

#endif  // URLMINT_CHECKSUMS_HPP
