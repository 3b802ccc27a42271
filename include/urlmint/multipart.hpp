#ifndef URLMINT_MULTIPART_HPP
#define URLMINT_MULTIPART_HPP

// S3 multipart upload, sans-IO: the four requests (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload) signed or presigned, the Complete XML body,
// the UploadId out of Create's answer, and a part plan for a size. Nothing here sends a byte;
// s3_client.hpp does that over curl.hpp, and a browser can do it with presigned part URLs.
// Needs only libcrypto. https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html

#include <openssl/evp.h>  // EVP_md5 for Content-MD5

#include <algorithm>  // std::max
#include <chrono>     // std::chrono::seconds
#include <cstdint>    // std::uint64_t
#include <optional>   // std::optional
#include <string>
#include <string_view>
#include <utility>    // std::move
#include <vector>

#include "checksums.hpp"
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
inline std::string content_md5(std::string_view data) {
  md5 h;
  h.update(data);
  return h.finish_base64();
}

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
inline std::vector<part_range> plan_parts(std::uint64_t total_size, std::uint64_t part_size) {
  if (part_size < min_part_size || part_size > max_part_size)
    throw error(errc::invalid_argument, "multipart: part size " + std::to_string(part_size) +
                                            " bytes is out of range; S3 parts are 5 MiB to 5 GiB");
  if (total_size > max_object_size)
    throw error(errc::invalid_argument, "multipart: " + std::to_string(total_size) +
                                            " bytes is larger than S3's 5 TiB object limit");
  const std::uint64_t needed = (total_size + max_parts - 1) / max_parts;
  part_size = std::max(part_size, needed);
  std::vector<part_range> parts;
  std::uint64_t offset = 0;
  int number = 1;
  do {
    const std::uint64_t size = std::min(part_size, total_size - offset);
    parts.push_back({number++, offset, size});
    offset += size;
  } while (offset < total_size);
  return parts;
}

/// Throws errc::invalid_argument unless 1 <= part_number <= 10000.
inline void validate_part_number(int part_number) {
  if (part_number < 1 || part_number > max_parts)
    throw error(errc::invalid_argument, "multipart: part number " + std::to_string(part_number) +
                                            " is out of range; S3 part numbers are 1 to 10000");
}

/// Throws errc::invalid_argument when the upload id is empty (it comes from
/// CreateMultipartUpload's answer; see parse_upload_id).
inline void validate_upload_id(std::string_view upload_id) {
  if (upload_id.empty())
    throw error(errc::invalid_argument, "multipart: upload id is empty; pass the UploadId CreateMultipartUpload returned");
}

// ---------------------------------------------------------------------------------------------
// XML: S3's answers are small, flat and machine-written, so a tag search plus entity decoding
// is enough; no XML library is needed.

/// Decodes the five predefined XML entities and numeric character references (&#NN; &#xNN;).
/// Unknown entities are kept as written.
inline std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += text[i];
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    std::optional<unsigned long> code;
    if (entity == "amp") code = '&';
    else if (entity == "lt") code = '<';
    else if (entity == "gt") code = '>';
    else if (entity == "quot") code = '"';
    else if (entity == "apos") code = '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      unsigned long v = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0 || v > 0x10FFFF) {
          ok = false;
          break;
        }
        v = v * (hex ? 16 : 10) + static_cast<unsigned long>(d);
      }
      if (ok && v <= 0x10FFFF) code = v;
    }
    if (!code) {
      out += text[i];
      continue;
    }
    const unsigned long cp = *code;
    append_utf8(out, static_cast<std::uint32_t>(cp));
    i = semi;
  }
  return out;
}

/// The decoded text of the first <tag>...</tag> element in `xml` (attributes on the opening
/// tag allowed; "<tag/>" gives ""), or nullopt when there is none.
inline std::optional<std::string> xml_element_text(std::string_view xml, std::string_view tag) {
  std::size_t pos = 0;
  const std::string open = "<" + std::string(tag);
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    const std::size_t after = pos + open.size();
    if (after >= xml.size()) return std::nullopt;
    const char next = xml[after];
    if (next != '>' && next != ' ' && next != '/' && next != '\t' && next != '\r' && next != '\n') {
      pos = after;  // a longer tag name sharing this prefix
      continue;
    }
    const auto gt = xml.find('>', after);
    if (gt == std::string_view::npos) return std::nullopt;
    if (xml[gt - 1] == '/') return std::string();
    const std::string close = "</" + std::string(tag) + ">";
    const auto end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return xml_unescape(xml.substr(gt + 1, end - gt - 1));
  }
  return std::nullopt;
}

/// The UploadId of an InitiateMultipartUploadResult body. Throws errc::service when the body
/// is an S3 <Error> or has no UploadId (the message quotes the start of the body).
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
inline std::string parse_upload_id(std::string_view xml) {
  if (xml.find("<Error>") != std::string_view::npos) {
    const auto code = xml_element_text(xml, "Code");
    throw error(errc::service, "multipart: CreateMultipartUpload failed with " + code.value_or("an error") + ": " +
                                   xml_element_text(xml, "Message").value_or(""));
  }
  auto id = xml_element_text(xml, "UploadId");
  if (!id || id->empty())
    throw error(errc::service, "multipart: CreateMultipartUpload's answer has no UploadId; the server said: \"" +
                                   std::string(xml.substr(0, 200)) + "\"");
  return *id;
}

/// The CompleteMultipartUpload request body for `parts` (sorted by part number here, as S3
/// requires ascending order). Throws errc::invalid_argument for no parts, a duplicate or
/// out-of-range part number, or an empty ETag.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
/// With `checksum`, each part also lists the checksum it was uploaded with (<ChecksumCRC32>, ...).
inline std::string complete_body(std::vector<completed_part> parts,
                                 std::optional<checksums::algorithm> checksum = std::nullopt) {
  if (parts.empty())
    throw error(errc::invalid_argument, "multipart: no parts to complete; upload at least one part first");
  std::sort(parts.begin(), parts.end(),
            [](const completed_part& a, const completed_part& b) { return a.part_number < b.part_number; });
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    validate_part_number(parts[i].part_number);
    if (i > 0 && parts[i].part_number == parts[i - 1].part_number)
      throw error(errc::invalid_argument,
                  "multipart: part " + std::to_string(parts[i].part_number) + " is listed twice; list each part once");
    if (parts[i].etag.empty())
      throw error(errc::invalid_argument, "multipart: part " + std::to_string(parts[i].part_number) +
                                              " has no ETag; use the ETag header UploadPart returned");
    xml += "<Part><PartNumber>" + std::to_string(parts[i].part_number) + "</PartNumber><ETag>" +
           xml_escape(parts[i].etag) + "</ETag>";
    if (checksum) {
      if (parts[i].checksum.empty())
        throw error(errc::invalid_argument, "multipart: part " + std::to_string(parts[i].part_number) + " has no " +
                                                std::string(checksums::info(*checksum).name) +
                                                " checksum; every part of the upload needs one");
      const std::string element(checksums::info(*checksum).xml_element);
      xml += "<" + element + ">" + xml_escape(parts[i].checksum) + "</" + element + ">";
    }
    xml += "</Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

/// Whether a 200 answer to CompleteMultipartUpload really is an error: S3 may send the 200
/// status first and an <Error> body later, so the status alone proves nothing.
inline bool complete_result_is_error(std::string_view body) {
  return body.find("<Error>") != std::string_view::npos &&
         body.find("<CompleteMultipartUploadResult") == std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// The requests, header-signed (sent by s3_client.hpp) or presigned (sent by a browser).

/// The unsigned query of UploadPart.
inline std::vector<sigv4::query_param> upload_part_query(std::string_view upload_id, int part_number) {
  validate_upload_id(upload_id);
  validate_part_number(part_number);
  return {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
}

/// CreateMultipartUpload (POST /KEY?uploads), carrying the object's headers (Content-Type,
/// Cache-Control, metadata, ...): they are set at creation, not per part. With
/// opts.checksum it announces the algorithm (x-amz-checksum-algorithm) and S3's checksum type:
/// FULL_OBJECT for CRC64NVME (the only type S3 allows it), COMPOSITE for the others. The
/// write conditions (If-None-Match, If-Match) belong to sign_complete, not here.
inline sigv4::signed_request sign_create(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                         std::string_view key, const s3::put_options& opts, time_point now,
                                         sigv4::signing_key_cache* cache = nullptr) {
  s3::validate_key(key);
  std::vector<sigv4::header> headers = s3::put_headers(opts);
  if (opts.checksum) {
    headers.push_back({"x-amz-checksum-algorithm", std::string(checksums::info(*opts.checksum).name)});
    headers.push_back({"x-amz-checksum-type", *opts.checksum == checksums::algorithm::crc64nvme ? "FULL_OBJECT" : "COMPOSITE"});
  }
  return s3::sign_request(creds, cfg, "POST", bucket, key, {{"uploads", ""}}, std::move(headers),
                          sigv4::empty_payload_sha256, now, cache);
}

/// UploadPart with any integrity headers to sign: Content-MD5, or x-amz-checksum-<alg>.
inline sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::vector<sigv4::header> headers,
                                              time_point now, sigv4::signing_key_cache* cache = nullptr) {
  s3::validate_key(key);
  return s3::sign_request(creds, cfg, "PUT", bucket, key, upload_part_query(upload_id, part_number),
                          std::move(headers), payload_hash, now, cache);
}

/// UploadPart (PUT /KEY?partNumber=N&uploadId=ID) of a body with hex SHA-256 `payload_hash`;
/// `content_md5` (base64, may be empty) is signed and must be sent as Content-MD5.
inline sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::string_view content_md5_,
                                              time_point now, sigv4::signing_key_cache* cache = nullptr) {
  std::vector<sigv4::header> headers;
  if (!content_md5_.empty()) headers.push_back({"Content-MD5", std::string(content_md5_)});
  return sign_upload_part(creds, cfg, bucket, key, upload_id, part_number, payload_hash, std::move(headers), now, cache);
}

/// A presigned UploadPart URL (PUT, UNSIGNED-PAYLOAD) valid for `expires_in` (1..604800 s):
/// what a browser needs to upload one part without credentials.
inline std::string presign_upload_part(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                       std::string_view key, std::string_view upload_id, int part_number,
                                       std::chrono::seconds expires_in, time_point now,
                                       sigv4::signing_key_cache* cache = nullptr) {
  s3::presign_options o;
  o.method = "PUT";
  o.expires_in = expires_in;
  o.query = upload_part_query(upload_id, part_number);
  return s3::presign(creds, cfg, bucket, key, o, now, cache);
}

/// CompleteMultipartUpload (POST /KEY?uploadId=ID) with `body` from complete_body().
/// `headers` adds signed headers: the write conditions (s3::condition_headers) and, for a
/// full-object checksum, x-amz-checksum-<alg> of the whole object with x-amz-checksum-type.
inline sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           std::vector<sigv4::header> headers, time_point now,
                                           sigv4::signing_key_cache* cache = nullptr) {
  s3::validate_key(key);
  validate_upload_id(upload_id);
  headers.insert(headers.begin(), {"Content-Type", "application/xml"});
  return s3::sign_request(creds, cfg, "POST", bucket, key, {{"uploadId", std::string(upload_id)}}, std::move(headers),
                          sha256_hex(body), now, cache);
}

/// CompleteMultipartUpload without extra headers.
inline sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           time_point now, sigv4::signing_key_cache* cache = nullptr) {
  return sign_complete(creds, cfg, bucket, key, upload_id, body, {}, now, cache);
}

/// AbortMultipartUpload (DELETE /KEY?uploadId=ID): frees the parts already stored.
inline sigv4::signed_request sign_abort(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                        std::string_view key, std::string_view upload_id, time_point now,
                                        sigv4::signing_key_cache* cache = nullptr) {
  s3::validate_key(key);
  validate_upload_id(upload_id);
  return s3::sign_request(creds, cfg, "DELETE", bucket, key, {{"uploadId", std::string(upload_id)}}, {},
                          sigv4::empty_payload_sha256, now, cache);
}

}  // namespace multipart
}  // namespace urlmint

#endif  // URLMINT_MULTIPART_HPP
