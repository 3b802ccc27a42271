#ifndef URLMINT_IMPL_MULTIPART_IPP
#define URLMINT_IMPL_MULTIPART_IPP

// Definitions for multipart.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../multipart.hpp"

namespace urlmint {
namespace multipart {

URLMINT_DECL std::string content_md5(std::string_view data) {
  md5 h;
  h.update(data);
  return h.finish_base64();
}

URLMINT_DECL std::vector<part_range> plan_parts(std::uint64_t total_size, std::uint64_t part_size) {
  if (part_size < min_part_size || part_size > max_part_size)
    throw error(errc::invalid_argument, "multipart: part size " + std::to_string(part_size) +
                                            " bytes is out of range; S3 parts are 5 MiB to 5 GiB");
  if (total_size > max_object_size)
    throw error(errc::invalid_argument, "multipart: " + std::to_string(total_size) +
                                            " bytes is larger than S3's 5 TiB object limit");
  const std::uint64_t needed = (total_size + max_parts - 1) / max_parts;
  if (needed > part_size) part_size = needed;
  std::vector<part_range> parts;
  std::uint64_t offset = 0;
  int number = 1;
  do {
    const std::uint64_t size = total_size - offset < part_size ? total_size - offset : part_size;
    parts.push_back({number++, offset, size});
    offset += size;
  } while (offset < total_size);
  return parts;
}

URLMINT_DECL void validate_part_number(int part_number) {
  if (part_number < 1 || part_number > max_parts)
    throw error(errc::invalid_argument, "multipart: part number " + std::to_string(part_number) +
                                            " is out of range; S3 part numbers are 1 to 10000");
}

URLMINT_DECL void validate_upload_id(std::string_view upload_id) {
  if (upload_id.empty())
    throw error(errc::invalid_argument, "multipart: upload id is empty; pass the UploadId CreateMultipartUpload returned");
}

URLMINT_DECL std::string xml_unescape(std::string_view text) {
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

URLMINT_DECL std::optional<std::string> xml_element_text(std::string_view xml, std::string_view tag) {
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

URLMINT_DECL std::string parse_upload_id(std::string_view xml) {
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

URLMINT_DECL std::string complete_body(const std::vector<completed_part>& parts,
                                 std::optional<checksums::algorithm> checksum) {
  if (parts.empty())
    throw error(errc::invalid_argument, "multipart: no parts to complete; upload at least one part first");
  // Part numbers are 1..10,000: placing each at its number orders them (and finds a repeat)
  // without a sort.
  std::vector<const completed_part*> by_number(static_cast<std::size_t>(max_parts) + 1, nullptr);
  for (const completed_part& part : parts) {
    validate_part_number(part.part_number);
    const completed_part*& slot = by_number[static_cast<std::size_t>(part.part_number)];
    if (slot != nullptr)
      throw error(errc::invalid_argument,
                  "multipart: part " + std::to_string(part.part_number) + " is listed twice; list each part once");
    slot = &part;
  }
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const completed_part* part : by_number) {
    if (part == nullptr) continue;
    if (part->etag.empty())
      throw error(errc::invalid_argument, "multipart: part " + std::to_string(part->part_number) +
                                              " has no ETag; use the ETag header UploadPart returned");
    xml += "<Part><PartNumber>" + std::to_string(part->part_number) + "</PartNumber><ETag>" +
           xml_escape(part->etag) + "</ETag>";
    if (checksum) {
      if (part->checksum.empty())
        throw error(errc::invalid_argument, "multipart: part " + std::to_string(part->part_number) + " has no " +
                                                std::string(checksums::info(*checksum).name) +
                                                " checksum; every part of the upload needs one");
      const std::string element(checksums::info(*checksum).xml_element);
      xml += "<" + element + ">" + xml_escape(part->checksum) + "</" + element + ">";
    }
    xml += "</Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

URLMINT_DECL bool complete_result_is_error(std::string_view body) {
  return body.find("<Error>") != std::string_view::npos &&
         body.find("<CompleteMultipartUploadResult") == std::string_view::npos;
}

URLMINT_DECL std::vector<sigv4::query_param> upload_part_query(std::string_view upload_id, int part_number) {
  validate_upload_id(upload_id);
  validate_part_number(part_number);
  return {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
}

URLMINT_DECL sigv4::signed_request sign_create(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                         std::string_view key, const s3::put_options& opts, time_point now,
                                         sigv4::signing_key_cache* cache) {
  s3::validate_key(key);
  std::vector<sigv4::header> headers = s3::put_headers(opts);
  if (opts.checksum) {
    headers.push_back({"x-amz-checksum-algorithm", std::string(checksums::info(*opts.checksum).name)});
    headers.push_back({"x-amz-checksum-type", *opts.checksum == checksums::algorithm::crc64nvme ? "FULL_OBJECT" : "COMPOSITE"});
  }
  return s3::sign_request(creds, cfg, "POST", bucket, key, {{"uploads", ""}}, std::move(headers),
                          sigv4::empty_payload_sha256, now, cache);
}

URLMINT_DECL sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::vector<sigv4::header> headers,
                                              time_point now, sigv4::signing_key_cache* cache) {
  s3::validate_key(key);
  return s3::sign_request(creds, cfg, "PUT", bucket, key, upload_part_query(upload_id, part_number),
                          std::move(headers), payload_hash, now, cache);
}

URLMINT_DECL sigv4::signed_request sign_upload_part(const credentials& creds, const s3::config& cfg,
                                              std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::string_view payload_hash, std::string_view content_md5_,
                                              time_point now, sigv4::signing_key_cache* cache) {
  std::vector<sigv4::header> headers;
  if (!content_md5_.empty()) headers.push_back({"Content-MD5", std::string(content_md5_)});
  return sign_upload_part(creds, cfg, bucket, key, upload_id, part_number, payload_hash, std::move(headers), now, cache);
}

URLMINT_DECL std::string presign_upload_part(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                       std::string_view key, std::string_view upload_id, int part_number,
                                       std::chrono::seconds expires_in, time_point now,
                                       sigv4::signing_key_cache* cache) {
  s3::presign_options o;
  o.method = "PUT";
  o.expires_in = expires_in;
  o.query = upload_part_query(upload_id, part_number);
  return s3::presign(creds, cfg, bucket, key, o, now, cache);
}

URLMINT_DECL sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           std::vector<sigv4::header> headers, time_point now,
                                           sigv4::signing_key_cache* cache) {
  s3::validate_key(key);
  validate_upload_id(upload_id);
  headers.insert(headers.begin(), {"Content-Type", "application/xml"});
  return s3::sign_request(creds, cfg, "POST", bucket, key, {{"uploadId", std::string(upload_id)}}, std::move(headers),
                          sha256_hex(body), now, cache);
}

URLMINT_DECL sigv4::signed_request sign_complete(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id, std::string_view body,
                                           time_point now, sigv4::signing_key_cache* cache) {
  return sign_complete(creds, cfg, bucket, key, upload_id, body, {}, now, cache);
}

URLMINT_DECL sigv4::signed_request sign_abort(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                        std::string_view key, std::string_view upload_id, time_point now,
                                        sigv4::signing_key_cache* cache) {
  s3::validate_key(key);
  validate_upload_id(upload_id);
  return s3::sign_request(creds, cfg, "DELETE", bucket, key, {{"uploadId", std::string(upload_id)}}, {},
                          sigv4::empty_payload_sha256, now, cache);
}
}  // namespace multipart
}  // namespace urlmint

#endif  // URLMINT_IMPL_MULTIPART_IPP
