// urlmint s3 cp (upload then print the shareable URL, or download) and s3 put-lifecycle.

#include <unistd.h>  // isatty

#include <cerrno>   // errno
#include <chrono>   // std::chrono::steady_clock
#include <cstring>  // std::strerror
#include <cstdio>   // std::fwrite, std::rename
#include <string>
#include <vector>

#include <urlmint/credential_formats.hpp>  // providers::parse_iso8601
#include <urlmint/publish.hpp>
#include <urlmint/s3_client.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* cp_help =
    "usage: urlmint s3 cp FILE|- s3://BUCKET/KEY [options]   upload, then print the shareable URL\n"
    "       urlmint s3 cp s3://BUCKET/KEY FILE|-   [options]   download\n"
    "       urlmint s3 cp DIR s3://BUCKET/PREFIX/ --recursive  upload a tree\n"
    "       urlmint s3 cp s3://BUCKET/PREFIX/ DIR --recursive  download a tree\n"
    "\n"
    "An upload prints https://DOMAIN/KEY when a CloudFront domain is configured (--cloudfront-domain\n"
    "or CLOUDFRONT_DOMAIN), else a presigned GET URL valid --expires-in seconds (default 604800, 7 days).\n"
    "A KEY ending in '/' (or none) gets the file's name. Files of 8 MiB or more go up in parallel parts;\n"
    "objects larger than the part size come down in parallel ranges. A file upload or a download\n"
    "buffers no part (about 0.5 MiB per request in flight); a stdin upload holds up to\n"
    "max_concurrent_requests x the part size (80 MiB at the defaults).\n"
    "A recursive copy prints one line per file, as the AWS CLI does ('upload: DIR/a.png to\n"
    "s3://BUCKET/PREFIX/a.png'), runs --jobs transfers at once and exits 1 if any file failed.\n"
    "\n"
    "  --recursive              copy every file under DIR, or every object under PREFIX\n"
    "  --exclude GLOB           skip files matching GLOB (relative to DIR or PREFIX; * also matches /)\n"
    "  --include GLOB           copy files matching GLOB after all; later --exclude/--include win\n"
    "  --jobs N                 files in flight at once with --recursive, 1..64; default\n"
    "                           max_concurrent_requests (10), the requests the AWS CLI keeps in flight\n"
    "  --content-type T         default: guessed from the extension (png, jpg, svg, pdf, json, csv, html, ...)\n"
    "  --cache-control V        e.g. max-age=31536000\n"
    "  --content-disposition V  e.g. 'inline; filename=\"chart.png\"'\n"
    "  --content-encoding V     e.g. gzip\n"
    "  --content-language V     e.g. en-US\n"
    "  --expires DATE           the Expires header: an HTTP date ('Wed, 21 Oct 2026 07:28:00 GMT') or\n"
    "                           ISO 8601 (2026-10-21T07:28:00Z)\n"
    "  --acl ACL                canned ACL: private, public-read, public-read-write, authenticated-read,\n"
    "                           aws-exec-read, bucket-owner-read, bucket-owner-full-control, log-delivery-write\n"
    "  --metadata name=value    user metadata, sent as x-amz-meta-name (repeatable)\n"
    "  --storage-class C        e.g. STANDARD_IA\n"
    "  --sse AES256|aws:kms     server-side encryption; --sse-kms-key-id ID for a KMS key\n"
    "  --cloudfront-domain D    print https://D/KEY (overrides CLOUDFRONT_DOMAIN)\n"
    "  --expires-in SECONDS     validity of the presigned URL, 1..604800; default 604800\n"
    "  --multipart-threshold N  bytes from which uploads go in parts (default 8388608)\n"
    "  --part-size N            bytes per part and per download range (default 8388608, at least 5242880)\n"
    "                           Defaults come from the config profile's s3 = section when set there:\n"
    "                           multipart_threshold, multipart_chunksize, max_concurrent_requests\n"
    "                           (parts, download ranges or --recursive files in flight; default 10)\n"
    "  --unsigned-payload       do not hash the body (https:// endpoints only; pair it with --checksum-algorithm)\n"
    "  --no-overwrite           upload only if no object has the key (If-None-Match: *); else exit 1, nothing changed\n"
    "  --if-match ETAG          replace the object only while it has this ETag (If-Match)\n"
    "  --checksum-mode ENABLED  download: ask for the object's x-amz-checksum-* and verify it (exit 1, no file)\n"
    "  --checksum-algorithm A   CRC32, CRC32C, CRC64NVME, SHA1 or SHA256: send x-amz-checksum-A (per part for\n"
    "                           multipart uploads); none is sent unless asked (an unsigned payload\n"
    "                           gets Content-MD5; a signed one is checked by its SHA-256)\n"
    "  --expected-size BYTES    the size of a stdin stream, if known: picks a part size that keeps a\n"
    "                           very large stream under 10,000 parts\n"
    "  --dryrun                 print '(dryrun) upload: FILE to s3://...' for each file; send nothing\n"
    "  --quiet                  print nothing but errors (not even the URL)\n"
    "  --only-show-errors       print only errors and warnings\n"
    "  --output text|json       an upload's result as the URL (text) or {\"bucket\", \"key\", \"url\", \"etag\"}\n"
    "  --no-progress            no progress bar (shown on stderr only when it is a terminal)\n"
    "%s"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --now T, --debug\n"
    "                           as for 'urlmint s3 presign'\n"
    "\n"
    "A download is written to a temporary file beside FILE and renamed over it only once its bytes\n"
    "match the object (size, MD5 ETag, x-amz-checksum-*); an existing directory receives DIR/<name>.\n";

constexpr const char* lifecycle_help =
    "usage: urlmint s3 put-lifecycle s3://BUCKET --prefix PREFIX --expire-days N [--id ID] [options]\n"
    "\n"
    "Sets the bucket's lifecycle configuration to one rule: objects under PREFIX expire N days after\n"
    "they were written (PutBucketLifecycleConfiguration, with the Content-MD5 S3 requires). It\n"
    "replaces the bucket's existing lifecycle rules.\n"
    "\n"
    "  --prefix P         e.g. charts/ (empty: the whole bucket)\n"
    "  --expire-days N    1 or more\n"
    "  --id ID            rule id (default expire-PREFIX)\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P as for 'urlmint s3 presign'\n";

std::string lowercase_extension(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return urlmint::sigv4::lowercase(path.substr(dot + 1));
}

}  // namespace

/// The Content-Type for a file name's extension, or "application/octet-stream".
std::string guess_content_type(const std::string& path) {
  static const struct {
    const char* ext;
    const char* type;
  } types[] = {
      {"png", "image/png"},          {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},          {"webp", "image/webp"},       {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},       {"avif", "image/avif"},       {"pdf", "application/pdf"},
      {"json", "application/json"},  {"csv", "text/csv"},          {"html", "text/html"},
      {"htm", "text/html"},          {"txt", "text/plain"},        {"css", "text/css"},
      {"js", "text/javascript"},     {"xml", "application/xml"},   {"zip", "application/zip"},
      {"gz", "application/gzip"},    {"tar", "application/x-tar"}, {"mp4", "video/mp4"},
      {"webm", "video/webm"},        {"mp3", "audio/mpeg"},        {"wasm", "application/wasm"},
      {"md", "text/markdown"},       {"parquet", "application/vnd.apache.parquet"},
  };
  const std::string ext = lowercase_extension(path);
  for (const auto& t : types)
    if (ext == t.ext) return t.type;
  return "application/octet-stream";
}

namespace {

// A one-line progress bar on stderr: bytes, rate and ETA, redrawn at most 10 times a second.
class progress_bar {
 public:
  explicit progress_bar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  ~progress_bar() {
    if (drawn_) std::fputc('\n', stderr);
  }
  urlmint::s3::progress_function callback() {
    if (!enabled_) return nullptr;
    return [this](std::uint64_t done, std::uint64_t total) { draw(done, total, false); };
  }
  void finish(std::uint64_t total) {
    if (enabled_ && drawn_) draw(total, total, true);
  }

 private:
  static std::string size_text(double bytes) {
    char buf[32];
    if (bytes >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    else if (bytes >= 1024.0 * 1024) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024));
    else if (bytes >= 1024.0) std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
    else std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    return buf;
  }
  void draw(std::uint64_t done, std::uint64_t total, bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::string line = "\r" + size_text(static_cast<double>(done));
    if (total > 0) {
      line += " / " + size_text(static_cast<double>(total));
      char pct[16];
      std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total)));
      line += pct;
    }
    line += "  " + size_text(rate) + "/s";
    if (total > 0 && rate > 0 && done < total) {
      char eta[32];
      std::snprintf(eta, sizeof eta, "  ETA %.0fs", static_cast<double>(total - done) / rate);
      line += eta;
    }
    line += "   ";
    std::fputs(line.c_str(), stderr);
  }

  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// With --debug, a signature mismatch also shows what the server signed, to diff with ours,
// with the session token redacted.
[[noreturn]] void report(const urlmint::s3::service_error& e, bool debug, std::string_view token) {
  if (debug && !e.details().canonical_request.empty())
    std::fprintf(stderr, "--- server's CanonicalRequest ---\n%s\n--- server's StringToSign ---\n%s\n---\n",
                 redact_token(e.details().canonical_request, token).c_str(),
                 redact_token(e.details().string_to_sign, token).c_str());
  throw;
}

}  // namespace

bool output_options::show_progress() const { return !no_progress && !quiet && !only_show_errors && ::isatty(2) == 1; }

namespace {

// An HTTP date (RFC 7231 IMF-fixdate, "Wed, 21 Oct 2026 07:28:00 GMT") or ISO 8601, as the
// HTTP date S3 stores in Expires.
std::string expires_header(const std::string& text) {
  static const char* const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::optional<urlmint::time_point> t = urlmint::providers::parse_iso8601(text);
  if (!t && text.size() == 29 && text.compare(3, 2, ", ") == 0 && text.compare(25, 4, " GMT") == 0) {
    // "Wed, 21 Oct 2026 07:28:00 GMT": rebuild it as ISO 8601 and parse that.
    for (int m = 0; m < 12 && !t; ++m)
      if (text.compare(8, 3, months[m]) == 0) {
        char iso[32];
        std::snprintf(iso, sizeof iso, "%.4s-%02d-%.2sT%.8sZ", text.c_str() + 12, m + 1, text.c_str() + 5,
                      text.c_str() + 17);
        t = urlmint::providers::parse_iso8601(iso);
      }
  }
  if (!t)
    throw usage_error("--expires \"" + text.substr(0, 64) +
                      "\" is not a date; write an HTTP date ('Wed, 21 Oct 2026 07:28:00 GMT') or 2026-10-21T07:28:00Z");
  const std::int64_t secs = urlmint::to_unix_seconds(*t);
  const urlmint::civil_time c = urlmint::to_civil(secs);
  const std::int64_t day_index = ((secs >= 0 ? secs / 86400 : (secs - 86399) / 86400) % 7 + 7) % 7;
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[day_index], c.day, months[c.month - 1],
                c.year, c.hour, c.minute, c.second);
  return out;
}

// The object flags (the AWS CLI's names) into put_options.
urlmint::s3::put_options parse_put_options(args& a) {
  urlmint::s3::put_options put;
  if (auto v = a.value("--cache-control")) put.cache_control = *v;
  if (auto v = a.value("--content-disposition")) put.content_disposition = *v;
  if (auto v = a.value("--content-encoding")) put.content_encoding = *v;
  if (auto v = a.value("--content-language")) put.extra_headers.push_back({"Content-Language", *v});
  if (auto v = a.value("--expires")) put.extra_headers.push_back({"Expires", expires_header(*v)});
  if (auto v = choice(a, "--acl")) put.extra_headers.push_back({"x-amz-acl", *v});
  for (const auto& m : a.values("--metadata")) {
    const auto kv = parse_pair_arg(m, "--metadata");
    put.metadata.push_back({kv.name, kv.value});
  }
  if (auto v = a.value("--storage-class")) put.storage_class = *v;
  if (auto v = choice(a, "--sse")) put.extra_headers.push_back({"x-amz-server-side-encryption", *v});
  if (auto v = a.value("--sse-kms-key-id")) put.extra_headers.push_back({"x-amz-server-side-encryption-aws-kms-key-id", *v});
  return put;
}

}  // namespace

int cmd_s3_cp(args& a) {
  if (a.wants_help()) {
    std::printf(cp_help, transport_flags_help);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  urlmint::s3::put_options put = parse_put_options(a);
  auto content_type = a.value("--content-type");
  auto cloudfront_domain = a.value("--cloudfront-domain");
  const auto expires = a.value("--expires-in");
  urlmint::s3::client_options opts;
  // The AWS CLI's `s3 =` settings from the config profile; the flags below override them.
  const s3_transfer_settings configured = config_s3_settings(common.profile);
  if (configured.max_concurrent_requests) opts.max_parallel_parts = *configured.max_concurrent_requests;
  if (configured.multipart_threshold) opts.multipart_threshold = *configured.multipart_threshold;
  if (configured.multipart_chunksize)
    opts.part_size = std::max<std::uint64_t>(*configured.multipart_chunksize, urlmint::multipart::min_part_size);
  if (auto v = a.value("--multipart-threshold"))
    opts.multipart_threshold = static_cast<std::uint64_t>(parse_integer(*v, 1, 5LL << 30, "--multipart-threshold"));
  if (auto v = a.value("--part-size"))
    opts.part_size = static_cast<std::uint64_t>(parse_integer(*v, 5LL << 20, 5LL << 30, "--part-size (bytes)"));
  opts.unsigned_payload = a.flag("--unsigned-payload");
  const bool no_overwrite = a.flag("--no-overwrite");
  if (no_overwrite) put.if_none_match = "*";
  const auto if_match = a.value("--if-match");
  if (if_match) {
    if (no_overwrite) throw usage_error("--no-overwrite and --if-match exclude each other; give one");
    if (if_match->empty()) throw usage_error("--if-match needs an ETag");
    put.if_match = *if_match;
  }
  if (auto v = a.value("--checksum-mode")) {
    if (!urlmint::ascii_iequals(*v, "ENABLED")) throw usage_error("--checksum-mode must be ENABLED");
    opts.checksum_mode = true;
  }
  if (auto v = a.value("--checksum-algorithm")) {
    const auto alg = urlmint::checksums::parse_algorithm(*v);
    if (!alg) throw usage_error("--checksum-algorithm must be CRC32, CRC32C, CRC64NVME, SHA1 or SHA256");
    put.checksum = *alg;
  }
  const transport_flags transport = parse_transport_flags(a, common.profile);
  std::uint64_t expected_size = 0;  // used by the stdin upload below
  if (auto v = a.value("--expected-size")) {
    try {
      expected_size = static_cast<std::uint64_t>(parse_integer(*v, 0, 50LL << 40, "--expected-size (bytes)"));
    } catch (const urlmint::error& e) {
      throw usage_error(e.what());
    }
  }
  const output_options out = parse_output_options(a);
  if (a.flag("--recursive")) {
    transport.apply(opts.http, "s3 cp");
    if (content_type) put.content_type = *content_type;
    return run_recursive_cp(a, put, !content_type, common, opts, out);
  }
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 2) throw usage_error("needs a source and a destination");
  const bool upload = pos[1].rfind("s3://", 0) == 0;
  const bool download = pos[0].rfind("s3://", 0) == 0;
  if (upload == download)
    throw usage_error(upload ? "copies between two S3 locations are not supported; download then upload"
                             : "one of the two arguments must be s3://BUCKET/KEY");

  progress_bar bar(out.show_progress() && !out.dryrun);
  opts.progress = bar.callback();
  transport.apply(opts.http, "s3 cp");

  if (download) {
    const auto uri = s3_uri_arg(pos[0]);
    if (uri.key.empty()) throw usage_error("the S3 source needs a key: s3://BUCKET/KEY");
    const std::string target = pos[1] == "-" ? pos[1] : urlmint::transfer::local_destination(pos[1], uri.key);
    if (out.dryrun) {
      if (out.show_operations()) std::printf("(dryrun) download: %s to %s\n", pos[0].c_str(), target.c_str());
      return exit_ok;
    }
    const urlmint::credentials creds = resolve_credentials(common.profile);
    const std::string token(creds.session_token.reveal());
    urlmint::s3::client client(creds, common.config, opts);
    try {
      if (target == "-") {
        client.get_object_to(uri.bucket, uri.key, [](const char* d, std::size_t n) {
          if (std::fwrite(d, 1, n, stdout) != n) throw urlmint::error(urlmint::errc::io, "s3 cp: writing stdout failed");
        });
        if (std::fflush(stdout) != 0) throw urlmint::error(urlmint::errc::io, "s3 cp: writing stdout failed");
        return exit_ok;
      }
      client.download_file(uri.bucket, uri.key, target);
      return exit_ok;
    } catch (const urlmint::s3::service_error& e) {
      report(e, common.debug, token);
    }
  }

  const auto uri = s3_uri_arg(pos[1]);
  std::string key = uri.key;
  if (key.empty() || key.back() == '/') {
    if (pos[0] == "-") throw usage_error("uploading stdin needs a key: s3://BUCKET/KEY");
    key += base_name(pos[0]);
  }
  put.content_type = content_type ? *content_type : guess_content_type(key);
  if (out.dryrun) {
    if (pos[0] != "-") (void)urlmint::s3::check_readable_file(pos[0]);
    if (out.show_operations())
      std::printf("(dryrun) upload: %s to s3://%s/%s\n", pos[0].c_str(), uri.bucket.c_str(), key.c_str());
    return exit_ok;
  }
  const urlmint::credentials creds = resolve_credentials(common.profile);
  const std::string token(creds.session_token.reveal());
  urlmint::publish::config cfg;
  cfg.bucket = uri.bucket;
  cfg.s3 = common.config;
  if (cloudfront_domain) cfg.cloudfront_domain = *cloudfront_domain;
  else if (auto d = env("CLOUDFRONT_DOMAIN")) cfg.cloudfront_domain = *d;
  if (expires) cfg.presign_expiry = parse_expires_in(*expires);
  urlmint::publish::publisher publisher(creds, cfg, opts);
  try {
    urlmint::publish::result r;
    if (pos[0] == "-") {
      // Streamed with bounded memory: one PUT below the threshold, multipart above it.
      std::uint64_t sent = 0;
      r.upload = publisher.s3_client().put_object(uri.bucket, key, [&sent](char* buf, std::size_t cap) {
        const std::size_t n = std::fread(buf, 1, cap, stdin);
        if (n == 0 && std::ferror(stdin)) throw urlmint::error(urlmint::errc::io, "s3 cp: reading stdin failed");
        sent += n;
        return n;
      }, put, expected_size);
      r.url = urlmint::publish::share_url(creds, cfg, key, common.now).url;
      bar.finish(sent);
    } else {
      r = publisher.publish_file(key, pos[0], put, common.now);
      bar.finish(urlmint::s3::check_readable_file(pos[0]));
    }
    if (out.json && out.show_operations())
      std::printf("{\"bucket\": %s, \"key\": %s, \"url\": %s, \"etag\": %s}\n", urlmint::post::json_quote(uri.bucket).c_str(),
                  urlmint::post::json_quote(key).c_str(), urlmint::post::json_quote(r.url).c_str(),
                  urlmint::post::json_quote(r.upload.etag).c_str());
    else if (out.show_operations())
      std::printf("%s\n", r.url.c_str());
  } catch (const urlmint::s3::service_error& e) {
    if (e.code() == urlmint::errc::precondition_failed) {
      const std::string where = "s3://" + uri.bucket + "/" + key;
      if (no_overwrite) throw urlmint::error(e.code(), where + " already exists (--no-overwrite)");
      if (if_match)
        throw urlmint::error(e.code(), where + " no longer has ETag " + urlmint::s3::quoted_etag(*if_match) +
                                           " or does not exist (--if-match)");
    }
    report(e, common.debug, token);
  }
  return exit_ok;
}

int cmd_s3_put_lifecycle(args& a) {
  if (a.wants_help()) {
    std::fputs(lifecycle_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const auto prefix = a.value("--prefix");
  const auto days = a.value("--expire-days");
  const auto id = a.value("--id");
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 1) throw usage_error("needs one bucket, s3://BUCKET");
  if (!days) throw usage_error("--expire-days is required");
  const auto uri = urlmint::s3::parse_s3_uri(pos[0]);
  if (!uri.key.empty()) throw usage_error("lifecycle rules belong to a bucket: write s3://BUCKET and --prefix");
  const int n = static_cast<int>(parse_integer(*days, 1, 36500, "--expire-days"));
  const std::string xml = urlmint::s3::lifecycle_expiration_xml(prefix.value_or(""), n, id.value_or(""));
  urlmint::curl::global curl_global;
  const urlmint::credentials creds = resolve_credentials(common.profile);
  urlmint::s3::client client(creds, common.config);
  try {
    client.put_bucket_lifecycle(uri.bucket, xml);
  } catch (const urlmint::s3::service_error& e) {
    report(e, common.debug, creds.session_token.reveal());
  }
  std::printf("s3://%s: objects under \"%s\" now expire %d days after they are written\n", uri.bucket.c_str(),
              prefix.value_or("").c_str(), n);
  return exit_ok;
}

}  // namespace urlmint_cli
