#ifndef URLMINT_MULTIPART_HPP
#define URLMINT_MULTIPART_HPP

// S3 multipart upload, sans-IO: the four requests (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload) signed or presigned, the Complete XML body,
// the UploadId out of Create's answer, and a part plan for a size. Nothing here sends a byte;
// s3_client.hpp does that over curl.hpp, and a browser can do it with presigned part URLs.
// Needs only libcrypto. https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html

#include <openssl/evp.h>  // EVP_md5 for Content-MD5

#include <chrono>     // std::chrono::seconds
#include <cstdint>    // std::uint64_t
#include <optional>   // std::optional
#include <string>
#include <string_view>
#include <utility>    // std::move
#include <vector>

#include "checksum_algorithm.hpp"
#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "s3.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace multipart {

/// Smallest part S3 accepts, in bytes, for every part but the last: 5 MiB.
inline constexpr std::uint64_t min_part_size = 5ull * 1024 * 1024;
/// Largest part, in bytes: 5 GiB.
inline constexpr std::uint64_t max_part_size = 5ull * 1024 * 1024 * 1024;
/// Most parts one upload may have.
inline constexpr int max_parts = 10000;
/// Largest object a multipart upload can build, in bytes: 5 TiB.
inline constexpr std::uint64_t max_object_size = 5ull * 1024 * 1024 * 1024 * 1024;

/// Incremental MD5, for the Content-MD5 header S3 uses as an integrity check (not security).
class md5 {
 public:
  md5() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1)
      throw error(errc::crypto, "md5: OpenSSL could not start an MD5 digest: " + detail::openssl_errors());
  }
  /// Hashes `size` more bytes.
  void update(const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx_.get(), data, size) != 1)
      throw error(errc::crypto, "md5: OpenSSL MD5 update failed: " + detail::openssl_errors());
  }
  void update(std::string_view data) { update(data.data(), data.size()); }
  /// Base64 of the 16-byte digest, as Content-MD5 carries it. Call once.
  std::string finish_base64() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1)
      throw error(errc::crypto, "md5: OpenSSL MD5 final failed: " + detail::openssl_errors());
    return base64_encode(out, len);
  }

 private:
  detail::unique_evp_md_ctx ctx_;
};

/// Content-MD5 of `data`: base64 of its MD5 digest (RFC 1864).
URLMINT_DECL std::string content_md5(std::string_view data);

/// One uploaded part as CompleteMultipartUpload lists it.
struct completed_part {
  int part_number = 0;  ///< 1..10000
  std::string etag;     ///< the ETag header UploadPart returned, quotes included
  std::string checksum; ///< base64 x-amz-checksum-<alg> the part was sent with (uploads with a checksum)

  completed_part() = default;
  completed_part(int number, std::string part_etag, std::string part_checksum = {})
      : part_number(number), etag(std::move(part_etag)), checksum(std::move(part_checksum)) {}
};

/// One part of a plan: which bytes of the source it carries.
struct part_range {
  int part_number = 0;       ///< 1-based
  std::uint64_t offset = 0;  ///< first byte, from the start of the object
  std::uint64_t size = 0;    ///< bytes
};

/// Splits `total_size` bytes into parts of `part_size` bytes (the last one shorter), raising
/// the part size when needed so there are at most 10000 parts. A zero-byte object is one
/// empty part. Throws errc::invalid_argument when part_size is below 5 MiB or above 5 GiB,
/// or the object is larger than 5 TiB.
URLMINT_DECL std::vector<part_range> plan_parts(std::uint64_t total_size, std::uint64_t part_size);

/// Throws errc::invalid_argument unless 1 <= part_number <= 10000.
URLMINT_DECL void validate_part_number(int part_number);

/// Throws errc::invalid_argument when the upload id is empty (it comes from
/// CreateMultipartUpload's answer; see parse_upload_id).
URLMINT_DECL void validate_upload_id(std::string_view upload_id);

// ---------------------------------------------------------------------------------------------
// XML: S3's answers are small, flat and machine-written, so a tag search plus entity decoding
// is enough; no XML library is needed.

/// Decodes the five predefined XML entities and numeric character references (&#NN; &#xNN;).
/// Unknown entities are kept as written.
URLMINT_DECL std::string xml_unescape(std::string_view text);

/// The decoded text of the first <tag>...</tag> element in `xml` (attributes on the opening
/// tag allowed; "<tag/>" gives ""), or nullopt when there is none.
URLMINT_DECL std::optional<std::string> xml_element_text(std::string_view xml, std::string_view tag);

/// The UploadId of an InitiateMultipartUploadResult body. Throws errc::service when the body
/// is an S3 <Error> or has no UploadId (the message quotes the start of the body).
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
URLMINT_DECL std::string parse_upload_id(std::string_view xml);

/// The CompleteMultipartUpload request body for `parts` (sorted by part number here, as S3
/// requires ascending order). Throws errc::invalid_argument for no parts, a duplicate or
/// out-of-range part number, or an empty ETag.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
/// With `checksum`, each part also lists the checksum it was uploaded with (<ChecksumCRC32>, ...).
URLMINT_DECL std::string complete_body(const std::vector<completed_part>& parts,
                                 std::optional<checksums::algorithm> checksum = std::nullopt);

/// Whether a 200 answer to CompleteMultipartUpload really is an error: S3 may send the 200
/// status first and an <Error> body later, so the status alone proves nothing.
URLMINT_DECL bool complete_result_is_error(std::string_view body);

// ---------------------------------------------------------------------------------------------
// The requests, header-signed (sent by s3_client.hpp) or presigned (sent by a browser).

/// The unsigned query of UploadPart.
URLMINT_DECL std::vector<sigv4::query_param> upload_part_query(std::string_view upload_id, int part_number);

/// CreateMultipartUpload (POST /KEY?uploads), carrying the object's headers (Content-Type,
/// Cache-Control, metadata, ...): they are set at creation, not per part. With
/// opts.checksum it announces the algorithm (x-amz-checksum-algorithm) and S3's checksum type:
/// FULL_OBJECT for CRC64NVME (the only type S3 allows it), COMPOSITE for the others. The
/// write conditions (If-None-Match, If-Match) belong to sign_complete, not here.
URLMINT_DECL sigv4::signed_request sign_create(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                         std::string_view key, const s3::put_options& opts, time_point now,
                                         sigv4::signing_key_cache* cache = nullptr);

/// UploadPart with any integrity headers to sign: Content-MD5, or x-amz-checksum-<alg>.
URLMINT_DECL sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::vector<sigv4::header> headers,
                                              time_point now, sigv4::signing_key_cache* cache = nullptr);

/// UploadPart (PUT /KEY?partNumber=N&uploadId=ID) of a body with hex SHA-256 `payload_hash`;
/// `content_md5` (base64, may be empty) is signed and must be sent as Content-MD5.
URLMINT_DECL sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::string_view content_md5_,
                                              time_point now, sigv4::signing_key_cache* cache = nullptr);

/// A presigned UploadPart URL (PUT, UNSIGNED-PAYLOAD) valid for `expires_in` (1..604800 s):
/// what a browser needs to upload one part without credentials.
URLMINT_DECL std::string presign_upload_part(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                       std::string_view key, std::string_view upload_id, int part_number,
                                       std::chrono::seconds expires_in, time_point now,
                                       sigv4::signing_key_cache* cache = nullptr);

/// CompleteMultipartUpload (POST /KEY?uploadId=ID) with `body` from complete_body().
/// `headers` adds signed headers: the write conditions (s3::condition_headers) and, for a
/// full-object checksum, x-amz-checksum-<alg> of the whole object with x-amz-checksum-type.
URLMINT_DECL sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           std::vector<sigv4::header> headers, time_point now,
                                           sigv4::signing_key_cache* cache = nullptr);

/// CompleteMultipartUpload without extra headers.
URLMINT_DECL sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           time_point now, sigv4::signing_key_cache* cache = nullptr);

/// AbortMultipartUpload (DELETE /KEY?uploadId=ID): frees the parts already stored.
URLMINT_DECL sigv4::signed_request sign_abort(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                        std::string_view key, std::string_view upload_id, time_point now,
                                        sigv4::signing_key_cache* cache = nullptr);

}  // namespace multipart
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/multipart.ipp"
#endif

#endif  // URLMINT_MULTIPART_HPP
