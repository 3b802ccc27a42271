#ifndef URLMINT_CHECKSUM_ALGORITHM_HPP
#define URLMINT_CHECKSUM_ALGORITHM_HPP

// The names of S3's additional checksums: what request options (s3.hpp, multipart.hpp) need to
// say which checksum a request carries. Computing them is checksums.hpp, whose hardware
// kernels signing-only code does not need to parse.

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string_view>

#include "config.hpp"

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
URLMINT_DECL const algorithm_info& info(algorithm a) noexcept;

/// The algorithm named `name` (case-insensitive, as the AWS CLI accepts "crc32c"), or nothing.
URLMINT_DECL std::optional<algorithm> parse_algorithm(std::string_view name) noexcept;

/// Like parse_algorithm, but an unknown name is errc::invalid_argument naming the choices.
URLMINT_DECL algorithm algorithm_from_name(std::string_view name);

}  // namespace checksums
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/checksum_algorithm.ipp"
#endif

#endif  // URLMINT_CHECKSUM_ALGORITHM_HPP
