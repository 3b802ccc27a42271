// urlmint s3 presign-post, presign-multipart and complete-multipart: browser uploads.
// presign-post only signs; the two multipart commands send the Create, Complete and Abort
// requests themselves (the parts go from the browser straight to S3 with presigned URLs).

#include <algorithm>  // std::sort
#include <cstdio>     // std::printf
#include <fstream>    // std::ifstream
#include <iostream>   // std::cin, for --parts-file -
#include <sstream>    // std::ostringstream
#include <string>
#include <vector>

#include <urlmint/curl.hpp>
#include <urlmint/multipart.hpp>
#include <urlmint/post.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* presign_post_help =
    "usage: urlmint s3 presign-post s3://BUCKET/KEY [options]\n"
    "       urlmint s3 presign-post s3://BUCKET/PREFIX/ [options]\n"
    "\n"
    "Prints a presigned POST form as JSON: {\"url\": ..., \"fields\": {...}}. A browser uploads with\n"
    "an HTML form (multipart/form-data) that sends every field, in order, then the file as \"file\".\n"
    "A KEY ending in '/' (or in ${filename}) is a prefix: any key under it is allowed and the key\n"
    "field is PREFIX${filename}, which S3 completes with the uploaded file's name.\n"
    "\n"
    "  --expires-in SECONDS        policy validity, 1..604800 (7 days); default 3600\n"
    "  --max-size BYTES            largest file allowed (content-length-range)\n"
    "  --min-size BYTES            smallest file allowed (default 0 when --max-size is given)\n"
    "  --content-type T            exact Content-Type (sent as a field)\n"
    "  --content-type-prefix P     Content-Type must start with P, e.g. image/ (the page sets it)\n"
    "  --acl A                     canned ACL, e.g. public-read\n"
    "  --success-action-status S   200, 201 (S3 answers with XML) or 204 (S3's default)\n"
    "  --metadata name=value       x-amz-meta-NAME field and condition (repeatable)\n"
    "  --condition name=value      another exact condition, e.g. Cache-Control=max-age=60 (repeatable)\n"
    "  --starts-with name=prefix   another starts-with condition (repeatable; empty prefix: any value)\n"
    "  --field name=value          another field to send; it must meet a condition (repeatable)\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --now YYYYMMDDTHHMMSSZ\n"
    "\n"
    "Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, then the AWS CLI's files.\n";

constexpr const char* presign_multipart_help =
    "usage: urlmint s3 presign-multipart s3://BUCKET/KEY --parts N [options]\n"
    "       urlmint s3 presign-multipart s3://BUCKET/KEY --size BYTES [--part-size BYTES] [options]\n"
    "\n"
    "Starts a multipart upload (a signed CreateMultipartUpload request) and prints JSON with the\n"
    "upload_id and one presigned PUT URL per part: {\"bucket\", \"key\", \"upload_id\", \"parts\":\n"
    "[{\"part_number\", \"url\"[, \"offset\", \"size\"]}]}. The browser PUTs each part's bytes to its URL\n"
    "and keeps the ETag response header; then run 'urlmint s3 complete-multipart'.\n"
    "Every part but the last must be at least 5 MiB; at most 10000 parts.\n"
    "\n"
    "  --parts N              number of part URLs, 1..10000\n"
    "  --size BYTES           the file's size: plan the parts (offsets and sizes in the output)\n"
    "  --part-size BYTES      with --size: bytes per part, 5 MiB..5 GiB (default 8 MiB)\n"
    "  --upload-id ID         presign parts of an upload that already exists (no request is sent)\n"
    "  --expires-in SECONDS   validity of the part URLs, 1..604800 (7 days); default 3600\n"
    "  --content-type T       the object's Content-Type (set when the upload is created)\n"
    "  --metadata name=value  x-amz-meta-NAME of the object (repeatable)\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --now YYYYMMDDTHHMMSSZ\n";

constexpr const char* complete_multipart_help =
    "usage: urlmint s3 complete-multipart s3://BUCKET/KEY --upload-id ID --parts-file FILE\n"
    "       urlmint s3 complete-multipart s3://BUCKET/KEY --upload-id ID --part N=ETAG ...\n"
    "       urlmint s3 complete-multipart s3://BUCKET/KEY --upload-id ID --abort\n"
    "\n"
    "Completes a multipart upload from its parts' ETags (or aborts it, freeing the stored parts)\n"
    "and prints JSON {\"bucket\", \"key\", \"etag\"}. The parts file is JSON, either\n"
    "presign-multipart's output with an \"etag\" (and optionally \"size\") added to each part, or the\n"
    "AWS CLI's {\"Parts\": [{\"PartNumber\": 1, \"ETag\": \"...\"}]}; a bare array of parts works too.\n"
    "When sizes are given, every part but the last must be at least 5 MiB.\n"
    "\n"
    "  --upload-id ID       the upload, from presign-multipart\n"
    "  --parts-file FILE    the parts as JSON ('-' reads stdin)\n"
    "  --part N=ETAG        one part (repeatable), instead of --parts-file\n"
    "  --abort              abort the upload instead of completing it\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --now YYYYMMDDTHHMMSSZ\n";

// ---------------------------------------------------------------------------------------------
// A small JSON reader for the parts file: objects, arrays, strings (with \u escapes), numbers,
// true/false/null. Enough for machine-written files of a few hundred kilobytes.

struct json_value {
  enum class kind { null, boolean, number, string, array, object } type = kind::null;
  std::string text;  // string contents, or the number as written
  bool flag = false;
  std::vector<json_value> items;
  std::vector<std::pair<std::string, json_value>> members;

  const json_value* get(std::string_view name) const {
    for (const auto& m : members)
      if (m.first == name) return &m.second;
    return nullptr;
  }
};

class json_reader {
 public:
  explicit json_reader(std::string_view text) : text_(text) {}

  json_value document() {
    json_value v = value(0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw urlmint::error(urlmint::errc::invalid_argument,
                         "parts file: not valid JSON at byte " + std::to_string(pos_) + ": " + why);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  json_value value(int depth) {
    if (depth > 32) fail("nested too deeply");
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    json_value v;
    const char c = text_[pos_];
    if (c == '{') {
      v.type = json_value::kind::object;
      ++pos_;
      skip_space();
      if (consume("}")) return v;
      do {
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a member name");
        std::string name = string();
        skip_space();
        if (!consume(":")) fail("expected ':'");
        v.members.emplace_back(std::move(name), value(depth + 1));
        skip_space();
      } while (consume(","));
      if (!consume("}")) fail("expected ',' or '}'");
    } else if (c == '[') {
      v.type = json_value::kind::array;
      ++pos_;
      skip_space();
      if (consume("]")) return v;
      do {
        v.items.push_back(value(depth + 1));
        skip_space();
      } while (consume(","));
      if (!consume("]")) fail("expected ',' or ']'");
    } else if (c == '"') {
      v.type = json_value::kind::string;
      v.text = string();
    } else if (consume("true")) {
      v.type = json_value::kind::boolean;
      v.flag = true;
    } else if (consume("false")) {
      v.type = json_value::kind::boolean;
    } else if (consume("null")) {
      v.type = json_value::kind::null;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = json_value::kind::number;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && std::string_view("+-.eE0123456789").find(text_[pos_]) != std::string_view::npos)
        ++pos_;
      v.text.assign(text_.substr(start, pos_ - start));
    } else {
      fail("unexpected character");
    }
    return v;
  }

  unsigned hex4() {
    if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = urlmint::detail::hex_value(text_[pos_++]);
      if (d < 0) fail("bad \\u escape");
      v = v * 16 + static_cast<unsigned>(d);
    }
    return v;
  }

  std::string string() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (!consume("\\u")) fail("lone surrogate");
            const unsigned low = hex4();
            if (low < 0xdc00 || low > 0xdfff) fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          urlmint::append_utf8(out, static_cast<std::uint32_t>(cp));
          break;
        }
        default:
          fail("unknown escape");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

struct parsed_part {
  urlmint::multipart::completed_part part;
  std::optional<std::uint64_t> size;
};

// The parts of a parts file, in either accepted shape.
std::vector<parsed_part> parts_from_json(const std::string& text) {
  const json_value doc = json_reader(text).document();
  const json_value* list = &doc;
  if (doc.type == json_value::kind::object) {
    list = doc.get("parts");
    if (list == nullptr) list = doc.get("Parts");
    if (list == nullptr)
      throw urlmint::error(urlmint::errc::invalid_argument, "parts file: no \"parts\" (or \"Parts\") array");
  }
  if (list->type != json_value::kind::array)
    throw urlmint::error(urlmint::errc::invalid_argument, "parts file: \"parts\" is not an array");
  std::vector<parsed_part> out;
  for (const auto& item : list->items) {
    const std::string where = "parts file: part " + std::to_string(out.size() + 1);
    if (item.type != json_value::kind::object)
      throw urlmint::error(urlmint::errc::invalid_argument, where + " is not an object");
    const json_value* number = item.get("part_number");
    if (number == nullptr) number = item.get("PartNumber");
    const json_value* etag = item.get("etag");
    if (etag == nullptr) etag = item.get("ETag");
    if (number == nullptr || number->type != json_value::kind::number)
      throw urlmint::error(urlmint::errc::invalid_argument, where + " has no numeric \"part_number\" (or \"PartNumber\")");
    if (etag == nullptr || etag->type != json_value::kind::string || etag->text.empty())
      throw urlmint::error(urlmint::errc::invalid_argument,
                           where + " has no \"etag\" (or \"ETag\"); add the ETag header its PUT answered");
    parsed_part p;
    p.part.part_number = static_cast<int>(parse_integer(number->text, 1, urlmint::multipart::max_parts, where + " number"));
    p.part.etag = etag->text;
    const json_value* size = item.get("size");
    if (size == nullptr) size = item.get("Size");
    if (size != nullptr && size->type == json_value::kind::number)
      p.size = static_cast<std::uint64_t>(parse_integer(size->text, 0, 5497558138880LL, where + " size"));
    out.push_back(std::move(p));
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw urlmint::error(urlmint::errc::io, "cannot read parts file \"" + path + "\"; check the path");
  ss << in.rdbuf();
  return ss.str();
}

// "S3 answered HTTP 403 AccessDenied: message" from an error answer (the body's Code and
// Message; never the request, which could carry a token).
urlmint::error service_error(std::string_view operation, const urlmint::curl::response& r) {
  std::string what = std::string(operation) + ": the server answered HTTP " + std::to_string(r.status);
  if (auto code = urlmint::multipart::xml_element_text(r.body, "Code")) what += " " + *code;
  if (auto message = urlmint::multipart::xml_element_text(r.body, "Message"))
    if (!message->empty()) what += ": " + message->substr(0, 200);
  return urlmint::error(r.status == 403 ? urlmint::errc::signature_mismatch : urlmint::errc::service, what);
}

urlmint::s3::s3_uri object_uri(args& a, std::string_view usage) {
  const auto positional = a.positionals();
  a.finish();
  if (positional.size() != 1) throw usage_error("expected one " + std::string(usage));
  urlmint::s3::s3_uri uri = urlmint::s3::parse_s3_uri(positional[0]);
  return uri;
}

}  // namespace

int cmd_s3_presign_post(args& a) {
  if (a.wants_help()) {
    std::fputs(presign_post_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  urlmint::post::post_options o;
  if (auto e = a.value("--expires-in")) o.expires_in = parse_expires_in(*e);
  if (auto m = a.value("--max-size")) o.max_bytes = static_cast<std::uint64_t>(parse_integer(*m, 0, 5497558138880LL, "--max-size"));
  if (auto m = a.value("--min-size")) o.min_bytes = static_cast<std::uint64_t>(parse_integer(*m, 0, 5497558138880LL, "--min-size"));
  const auto exact_type = a.value("--content-type");
  const auto type_prefix = a.value("--content-type-prefix");
  if (exact_type && type_prefix) throw usage_error("give --content-type or --content-type-prefix, not both");
  if (exact_type) o.content_type = *exact_type;
  if (type_prefix) {
    o.content_type = *type_prefix;
    o.content_type_is_prefix = true;
  }
  if (auto acl = a.value("--acl")) o.acl = *acl;
  if (auto s = a.value("--success-action-status")) o.success_action_status = *s;
  for (const auto& m : a.values("--metadata")) {
    const auto p = parse_pair_arg(m, "--metadata");
    o.metadata.push_back({p.name, p.value});
  }
  for (const auto& c : a.values("--condition")) {
    const auto p = parse_pair_arg(c, "--condition");
    o.conditions.push_back(urlmint::post::condition::exact(p.name, p.value));
  }
  for (const auto& c : a.values("--starts-with")) {
    const auto p = parse_pair_arg(c, "--starts-with");
    o.conditions.push_back(urlmint::post::condition::starts_with(p.name, p.value));
  }
  for (const auto& f : a.values("--field")) {
    const auto p = parse_pair_arg(f, "--field");
    o.fields.push_back({p.name, p.value});
  }
  const urlmint::s3::s3_uri uri = object_uri(a, "s3://BUCKET/KEY or s3://BUCKET/PREFIX/");
  o.key_is_prefix = uri.key.empty() || uri.key.back() == '/';

  const urlmint::credentials creds = resolve_credentials(common.profile);
  const auto form = urlmint::post::presign_post(creds, common.config, uri.bucket, uri.key, o, common.now);
  if (common.debug) {
    // The policy names the session token of temporary credentials; --debug output is for
    // pasting into bug reports, so it is redacted there (the form itself needs it).
    std::string policy = form.policy_json;
    const std::string_view token = creds.session_token.reveal();
    for (auto at = token.empty() ? std::string::npos : policy.find(token); at != std::string::npos;
         at = policy.find(token, at))
      policy.replace(at, token.size(), "<redacted>");
    std::fprintf(stderr, "--- policy ---\n%s\n", policy.c_str());
  }
  std::printf("%s\n", urlmint::post::to_json(form).c_str());
  return exit_ok;
}

int cmd_s3_presign_multipart(args& a) {
  if (a.wants_help()) {
    std::fputs(presign_multipart_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  std::chrono::seconds expires_in(3600);
  if (auto e = a.value("--expires-in")) expires_in = parse_expires_in(*e);
  const auto parts_text = a.value("--parts");
  const auto size_text = a.value("--size");
  const auto part_size_text = a.value("--part-size");
  auto upload_id = a.value("--upload-id");
  urlmint::s3::put_options put;
  if (auto t = a.value("--content-type")) put.content_type = *t;
  for (const auto& m : a.values("--metadata")) {
    const auto p = parse_pair_arg(m, "--metadata");
    put.metadata.push_back({p.name, p.value});
  }
  const urlmint::s3::s3_uri uri = object_uri(a, "s3://BUCKET/KEY");
  if (parts_text.has_value() == size_text.has_value()) throw usage_error("give either --parts N or --size BYTES");
  if (part_size_text && !size_text) throw usage_error("--part-size needs --size");
  if (upload_id && (!put.content_type.empty() || !put.metadata.empty()))
    throw usage_error("--content-type and --metadata apply when the upload is created, not with --upload-id");
  urlmint::s3::validate_key(uri.key);

  // Check the plan before creating anything, so bad input leaves no upload behind.
  std::vector<urlmint::multipart::part_range> plan;
  long long count = 0;
  if (size_text) {
    const auto size = static_cast<std::uint64_t>(parse_integer(*size_text, 0, 5497558138880LL, "--size"));
    std::uint64_t part_size = 8ull * 1024 * 1024;
    if (part_size_text)
      part_size = static_cast<std::uint64_t>(parse_integer(*part_size_text, 1, 5368709120LL, "--part-size"));
    plan = urlmint::multipart::plan_parts(size, part_size);
    count = static_cast<long long>(plan.size());
  } else {
    // A wide range here so check_part_count below gives the one S3-specific message.
    count = parse_integer(*parts_text, -1000000000LL, 1000000000LL, "--parts");
  }
  urlmint::post::check_part_count(count);

  const urlmint::credentials creds = resolve_credentials(common.profile);
  if (!upload_id) {
    urlmint::curl::global curl_global;
    urlmint::curl::client http;
    const auto req = urlmint::multipart::sign_create(creds, common.config, uri.bucket, uri.key, put, common.now);
    const auto r = http.send(req);
    if (r.status != 200) throw service_error("CreateMultipartUpload", r);
    upload_id = urlmint::multipart::parse_upload_id(r.body);
  }
  const auto parts =
      plan.empty() ? urlmint::post::presign_parts(creds, common.config, uri.bucket, uri.key, *upload_id, count,
                                                  expires_in, common.now)
                   : urlmint::post::presign_parts(creds, common.config, uri.bucket, uri.key, *upload_id, plan,
                                                  expires_in, common.now);
  std::printf("%s\n", urlmint::post::parts_to_json(uri.bucket, uri.key, *upload_id, parts).c_str());
  return exit_ok;
}

int cmd_s3_complete_multipart(args& a) {
  if (a.wants_help()) {
    std::fputs(complete_multipart_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const auto upload_id = a.value("--upload-id");
  const auto parts_file = a.value("--parts-file");
  const auto part_args = a.values("--part");
  const bool abort = a.flag("--abort");
  const urlmint::s3::s3_uri uri = object_uri(a, "s3://BUCKET/KEY");
  if (!upload_id) throw usage_error("--upload-id is missing; pass the upload_id presign-multipart printed");
  urlmint::multipart::validate_upload_id(*upload_id);
  urlmint::s3::validate_key(uri.key);
  if (abort && (parts_file || !part_args.empty())) throw usage_error("--abort takes no parts");
  if (!abort && parts_file.has_value() == !part_args.empty())
    throw usage_error("give the parts with --parts-file FILE or with --part N=ETAG, not both and not neither");

  std::vector<urlmint::multipart::completed_part> parts;
  if (!abort) {
    std::vector<parsed_part> parsed;
    if (parts_file) {
      parsed = parts_from_json(read_all(*parts_file));
    } else {
      for (const auto& p : part_args) {
        const auto pair = parse_pair_arg(p, "--part");
        parsed.push_back({{static_cast<int>(parse_integer(pair.name, 1, urlmint::multipart::max_parts, "--part number")),
                           pair.value},
                          std::nullopt});
      }
    }
    urlmint::post::check_part_count(static_cast<long long>(parsed.size()));
    std::sort(parsed.begin(), parsed.end(),
              [](const parsed_part& x, const parsed_part& y) { return x.part.part_number < y.part.part_number; });
    const bool all_sized = std::all_of(parsed.begin(), parsed.end(), [](const parsed_part& p) { return p.size.has_value(); });
    if (all_sized) {
      std::vector<std::uint64_t> sizes;
      for (const auto& p : parsed) sizes.push_back(*p.size);
      urlmint::post::check_part_sizes(sizes);
    }
    for (auto& p : parsed) parts.push_back(std::move(p.part));
  }

  const urlmint::credentials creds = resolve_credentials(common.profile);
  urlmint::curl::global curl_global;
  urlmint::curl::client http;
  if (abort) {
    const auto r = http.send(urlmint::multipart::sign_abort(creds, common.config, uri.bucket, uri.key, *upload_id,
                                                            common.now));
    if (r.status != 204 && r.status != 200) throw service_error("AbortMultipartUpload", r);
    std::printf("{\"bucket\": %s, \"key\": %s, \"upload_id\": %s, \"aborted\": true}\n",
                urlmint::post::json_quote(uri.bucket).c_str(), urlmint::post::json_quote(uri.key).c_str(),
                urlmint::post::json_quote(*upload_id).c_str());
    return exit_ok;
  }
  const std::string body = urlmint::multipart::complete_body(parts);
  const auto r = http.send(
      urlmint::multipart::sign_complete(creds, common.config, uri.bucket, uri.key, *upload_id, body, common.now), body);
  if (r.status != 200 || urlmint::multipart::complete_result_is_error(r.body))
    throw service_error("CompleteMultipartUpload", r);
  const std::string etag = urlmint::multipart::xml_element_text(r.body, "ETag").value_or("");
  std::printf("{\"bucket\": %s, \"key\": %s, \"etag\": %s, \"parts\": %zu}\n",
              urlmint::post::json_quote(uri.bucket).c_str(), urlmint::post::json_quote(uri.key).c_str(),
              urlmint::post::json_quote(etag).c_str(), parts.size());
  return exit_ok;
}

}  // namespace urlmint_cli
