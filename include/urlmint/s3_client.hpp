#ifndef URLMINT_S3_CLIENT_HPP
#define URLMINT_S3_CLIENT_HPP

// S3 operations over curl.hpp: PutObject from memory and from a file (streamed), multipart
// upload with parallel parts, GetObject, HeadObject, DeleteObject, CreateBucket and
// PutBucketLifecycleConfiguration. Every attempt is signed afresh (s3.hpp, multipart.hpp), so a
// retry after backoff carries a current x-amz-date. S3's XML errors become s3::service_error
// with the code, message, request id, a region hint and the server's StringToSign and
// CanonicalRequest when it sends them. The pure parts (error parsing, backoff, lifecycle XML)
// are free functions so they can be tested without a server.

#include <fcntl.h>     // open
#include <sys/stat.h>  // fstat
#include <unistd.h>    // pread, close

#include <algorithm>   // std::min
#include <atomic>      // std::atomic
#include <cerrno>      // errno
#include <chrono>      // std::chrono::milliseconds
#include <cstdint>     // std::uint64_t
#include <cstring>     // std::strerror
#include <exception>   // std::exception_ptr
#include <functional>  // std::function
#include <memory>      // std::shared_ptr
#include <map>         // std::map: buckets' discovered regions
#include <mutex>       // std::mutex
#include <optional>    // std::optional
#include <random>      // std::random_device, std::mt19937_64
#include <string>
#include <string_view>
#include <thread>      // std::thread, std::this_thread::sleep_for
#include <vector>

#include "checksums.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "curl.hpp"
#include "error.hpp"
#include "multipart.hpp"
#include "s3.hpp"
#include "s3_errors.hpp"
#include "s3_listing.hpp"
#include "s3express_sessions.hpp"
#include "sigv4.hpp"
#include "time.hpp"
#include "transfer.hpp"

namespace urlmint {
namespace s3 {

// ---------------------------------------------------------------------------------------------
// Lifecycle.

/// A PutBucketLifecycleConfiguration body with one rule: expire objects under `prefix`
/// `days` days after creation (the seed's "charts/ for 30 days"). `days` must be >= 1.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
inline std::string lifecycle_expiration_xml(std::string_view prefix, int days, std::string_view rule_id = {}) {
  if (days < 1)
    throw error(errc::invalid_argument, "s3: lifecycle expiry of " + std::to_string(days) +
                                            " days is out of range; use 1 or more days");
  const std::string id = rule_id.empty() ? "expire-" + std::string(prefix.empty() ? "all" : prefix) : std::string(rule_id);
  return "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ID>" +
         urlmint::xml_escape(id.substr(0, 255)) + "</ID><Filter><Prefix>" + urlmint::xml_escape(prefix) +
         "</Prefix></Filter><Status>Enabled</Status><Expiration><Days>" + std::to_string(days) +
         "</Days></Expiration></Rule></LifecycleConfiguration>";
}

// ---------------------------------------------------------------------------------------------
// The client.

/// Bytes transferred so far and the total, in bytes. Called from the thread doing the work
/// (several threads during a multipart upload, one at a time).
using progress_function = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// Client settings.
struct client_options {
  curl::options http;                   ///< timeouts, TLS, user agent
  retry_policy retry;                   ///< retries of connection errors, timeouts, 5xx, SlowDown
  /// Bodies at least this large (bytes) go up as multipart uploads (the AWS CLI's
  /// multipart_threshold, 8 MiB). S3's single PUT limit is 5 GiB.
  std::uint64_t multipart_threshold = 8ull * 1024 * 1024;
  /// Bytes per part and per download range, 5 MiB..5 GiB (the AWS CLI's multipart_chunksize, 8 MiB).
  std::uint64_t part_size = 8ull * 1024 * 1024;
  /// Parts or ranges in flight at once, one connection each (the AWS CLI's
  /// max_concurrent_requests, 10). Memory: a file or in-memory upload and any download buffer
  /// no part (each worker hashes and sends through 256 KiB and curl's buffers, about
  /// 0.5 MiB per request in flight); a stream (put_object with a stream_reader) holds up to
  /// max_parallel_parts x part_size bytes (80 MiB at the defaults).
  unsigned max_parallel_parts = 10;
  /// Sign bodies as UNSIGNED-PAYLOAD instead of hashing them (https:// endpoints only; the
  /// body's integrity then rests on TLS and Content-MD5 or the put's checksum).
  bool unsigned_payload = false;
  progress_function progress;                     ///< optional
  /// The clock used to sign each attempt; empty means urlmint::clock::now.
  std::function<time_point()> now;
  /// Re-sign and retry once in the bucket's own region when S3 answers that the bucket is
  /// elsewhere (see redirect_region), and remember that region for the client's life.
  bool discover_region = true;
  /// GETs ask for the object's checksum (x-amz-checksum-mode: ENABLED; `--checksum-mode
  /// ENABLED`), which the download then verifies. Off by default: servers that lack S3's
  /// checksums may refuse the header, and urlmint sends no checksum header unless asked.
  bool checksum_mode = false;
  /// How to wait between attempts; empty means std::this_thread::sleep_for (tests shorten it).
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// What an upload produced.
struct put_result {
  std::string etag;        ///< as S3 returned it, quotes included
  bool multipart = false;  ///< whether it went up in parts
  int parts = 0;           ///< part count of a multipart upload
  int attempts = 0;        ///< HTTP attempts of a single PUT (1 when nothing was retried)
};

namespace detail {

struct file_descriptor {
  int fd = -1;
  explicit file_descriptor(int f) : fd(f) {}
  ~file_descriptor() {
    if (fd >= 0) ::close(fd);
  }
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
};

// Reads exactly `size` bytes at `offset` or throws errc::io (the file shrank or failed).
inline void pread_exact(int fd, char* out, std::size_t size, std::uint64_t offset, const std::string& path);

// Throws errc::io when the file has bytes past `size`: it grew, or it is a /proc-style file
// whose st_size is not its length. Uploading it would silently store a cut copy.
inline void check_file_ends(int fd, std::uint64_t size, const std::string& path) {
  char probe = 0;
  ssize_t n;
  do n = ::pread(fd, &probe, 1, static_cast<off_t>(size));
  while (n < 0 && errno == EINTR);
  if (n > 0)
    throw error(errc::io, "s3: \"" + path + "\" has more than the " + std::to_string(size) +
                              " bytes its size said (it changed size during the upload, or is a /proc-style file); "
                              "upload a copy, or pipe it: urlmint s3 cp - s3://BUCKET/KEY < FILE");
}

// Reads exactly `size` bytes at `offset` or throws errc::io (the file shrank or failed); when
// the read ends at `file_size`, also checks that the file ends there.
inline void pread_exact(int fd, char* out, std::size_t size, std::uint64_t offset, const std::string& path,
                        std::uint64_t file_size) {
  pread_exact(fd, out, size, offset, path);
  if (offset + size == file_size) check_file_ends(fd, file_size, path);
}

inline void pread_exact(int fd, char* out, std::size_t size, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw error(errc::io, "s3: reading \"" + path + "\" failed: " + std::strerror(errno));
    if (n == 0)
      throw error(errc::io, "s3: \"" + path + "\" became shorter while it was uploading; do not modify a file "
                                               "during its upload");
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace detail

/// Opens `path` for reading and returns its size; throws errc::io naming the cause and fix for
/// a missing or unreadable file, a directory, or anything that is not a regular file.
inline std::uint64_t check_readable_file(const std::string& path, int* fd_out = nullptr) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    std::string fix = e == ENOENT ? "check the path" : e == EACCES ? "check its permissions" : "check the file";
    throw error(errc::io, "s3: cannot read \"" + path + "\": " + std::strerror(e) + "; " + fix);
  }
  detail::file_descriptor guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw error(errc::io, "s3: cannot stat \"" + path + "\": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw error(errc::io, "s3: \"" + path + "\" is a directory; give the path of one file to upload");
  if (!S_ISREG(st.st_mode))
    throw error(errc::io, "s3: \"" + path + "\" is not a regular file; upload a file, or use - for stdin");
  if (fd_out != nullptr) {
    *fd_out = fd;
    guard.fd = -1;
  }
  return static_cast<std::uint64_t>(st.st_size);
}

/// Whether an upload's body needs Content-MD5 for the server to check the bytes it stores:
/// only when the payload goes unsigned. A signed payload's x-amz-content-sha256 is checked by
/// any server that checks the signature (S3 answers XAmzContentSHA256Mismatch; Swift's s3api
/// BadDigest, which the integration tests prove first), so MD5 (1.5 s of CPU per GiB here)
/// would check the same bytes twice; botocore sends no Content-MD5 either. Never for
/// directory buckets, which refuse Content-MD5.
inline bool content_md5_needed(std::string_view bucket, bool sign_payload) {
  return !sign_payload && !s3express::is_directory_bucket(bucket);
}

/// An S3 client: credentials, endpoint configuration, retry policy and one HTTP connection.
/// Not thread-safe (it owns one curl::client); use one per thread. Multipart uploads start
/// their own worker connections internally.
class client {
 public:
  /// Throws errc::invalid_credentials for incomplete fixed credentials. A rotating source (a
  /// providers::provider) is asked for each attempt's credentials, so a client kept for weeks
  /// keeps working while they rotate.
  client(credentials_source creds, config cfg, client_options opts = {})
      : signer_(std::move(creds), std::move(cfg)), opts_(with_share(std::move(opts))), http_(opts_.http) {
    // Directory buckets: one CreateSession per bucket, cached and renewed (s3express.hpp).
    signer_.use_sessions(std::make_shared<s3express::session_cache>(
        [this](std::string_view bucket, const credentials& base, time_point) { return create_session(bucket, base); }));
  }

  /// The signer (credentials, configuration and key cache), e.g. to presign a GET afterwards.
  const s3::signer& signer() const noexcept { return signer_; }
  /// The endpoint configuration.
  const config& configuration() const noexcept { return signer_.configuration(); }
  /// The configuration requests to `bucket` use: configuration() with the bucket's region
  /// when it was discovered (client_options::discover_region).
  config config_for(std::string_view bucket) const;
  /// The settings.
  const client_options& options() const noexcept { return opts_; }

  /// Builds one attempt's signed request at the given time.
  using request_builder = std::function<sigv4::signed_request(time_point)>;
  /// Makes one attempt's body (a fresh source per attempt, so a retry starts from the first byte).
  using body_factory = std::function<curl::body_source()>;

  /// A body_factory over `body` (which must outlive the request), for execute().
  static body_factory memory_body(std::string_view body) {
    return [body] {
      curl::body_source src;
      src.size = body.size();
      auto offset = std::make_shared<std::size_t>(0);
      src.read = [body, offset](char* buf, std::size_t cap) {
        const std::size_t n = std::min(cap, body.size() - *offset);
        std::memcpy(buf, body.data() + *offset, n);
        *offset += n;
        return n;
      };
      return src;
    };
  }

  /// Sends a request built by `build` with retries: connection errors, timeouts, 5xx and
  /// SlowDown are retried with backoff, re-signing each time. Returns a 2xx answer; throws
  /// service_error for any other final answer and errc::transport when every attempt failed
  /// to connect. `operation` names the request in messages, e.g. "PUT s3://bucket/key".
  curl::response execute(curl::client& http, const std::string& operation, const request_builder& build,
                         const body_factory& body = nullptr, const curl::progress_callback& progress = nullptr,
                         int* attempts_out = nullptr) {
    const int max_attempts = std::max(1, opts_.retry.max_attempts);
    for (int attempt = 1;; ++attempt) {
      if (attempts_out != nullptr) *attempts_out = attempt;
      const sigv4::signed_request req = build(opts_.now ? opts_.now() : clock::now());
      curl::response resp;
      try {
        if (body) resp = http.send(req, body(), progress);
        else resp = http.send(req, std::string_view());
      } catch (const error& e) {
        if (!is_retryable(e.code()) || attempt >= max_attempts) throw;
        wait(attempt);
        continue;
      }
      if (resp.status >= 200 && resp.status < 300) return resp;
      const error_details d = parse_error_response(resp.status, resp.headers, resp.body);
      if (is_retryable(resp.status, d.code) && attempt < max_attempts) {
        wait(attempt);
        continue;
      }
      if (learn_region(d, operation_bucket(operation))) continue;  // re-signed for the bucket's region
      throw make_service_error(d, operation, configuration());
    }
  }

  /// PutObject of `body` held in memory. Sends x-amz-content-sha256 (or UNSIGNED-PAYLOAD when
  /// options().unsigned_payload) and, where needed, Content-MD5 (content_md5_needed). Bodies
  /// above the multipart threshold go up in parts.
  /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
  put_result put_object(std::string_view bucket, std::string_view key, std::string_view body,
                        const put_options& opts = {}) {
    if (body.size() >= opts_.multipart_threshold && body.size() > multipart::min_part_size)
      return put_multipart(bucket, key, body.size(), opts, [body](std::uint64_t offset, std::size_t n, char* out) {
        std::memcpy(out, body.data() + offset, n);
      });
    transfer::upload_digests digests = digests_for(bucket, opts);
    digests.update(body.data(), body.size());
    return put_single(bucket, key, opts, digests, memory_body(body), body.size());
  }

  /// Reads up to `capacity` bytes into `buffer`; returns the count, 0 only at the end.
  using stream_reader = std::function<std::size_t(char* buffer, std::size_t capacity)>;

  /// PutObject of a stream of unknown length (stdin, a pipe) with bounded memory: up to
  /// options().multipart_threshold bytes are read first; a stream that ends there goes up as
  /// one PUT, a longer one as a multipart upload of options().part_size parts (larger when
  /// `expected_size` says the stream would pass 10,000 parts), max_parallel_parts in flight,
  /// aborted on any failure. Memory: about the threshold or part size x parts in flight.
  put_result put_object(std::string_view bucket, std::string_view key, const stream_reader& read,
                        const put_options& opts = {}, std::uint64_t expected_size = 0);

  /// PutObject of a file, streamed from disk and never buffered: a first pass computes the
  /// payload SHA-256 (or Content-MD5 unsigned, or the checksum asked for) through 256 KiB, the
  /// second sends the bytes read again with pread (from the page cache); a retry re-reads from
  /// the start. Files at least options().multipart_threshold bytes long go up as a multipart
  /// upload whose parts are hashed and sent the same way, each by its worker. Throws errc::io for
  /// a missing or unreadable file or a directory, before any request is sent.
  put_result put_file(std::string_view bucket, std::string_view key, const std::string& path,
                      const put_options& opts = {}) {
    int raw_fd = -1;
    const std::uint64_t size = check_readable_file(path, &raw_fd);
    auto fd = std::make_shared<detail::file_descriptor>(raw_fd);
    const byte_reader read = [fd, path, size](std::uint64_t offset, std::size_t n, char* out) {
      detail::pread_exact(fd->fd, out, n, offset, path, size);
    };
    if (size >= opts_.multipart_threshold && size > multipart::min_part_size)
      return put_multipart(bucket, key, size, opts, read);
    transfer::upload_digests digests = digests_for(bucket, opts);
    std::vector<char> buffer(hash_buffer_size);
    digest_range(digests, read, 0, size, buffer);
    detail::check_file_ends(fd->fd, size, path);  // also when size is 0 and nothing was read
    // Pass 2: the upload, re-read from the first byte on every attempt.
    return put_single(bucket, key, opts, digests, reader_body(read, 0, size), size);
  }

  /// GetObject into memory (not capped like other bodies: it is the object), verified as
  /// get_object_to does. Throws service_error for a missing key or bucket.
  curl::response get_object(std::string_view bucket, std::string_view key) {
    std::string body;
    curl::response resp = get_object_to(bucket, key, [&](const char* d, std::size_t n) { body.append(d, n); },
                                        [&] { body.clear(); });
    resp.body = std::move(body);
    return resp;
  }

  /// GetObject streamed to `sink`, verified (transfer::download_verifier: byte count against
  /// Content-Length or the HeadObject size, MD5 ETag of single-part objects, x-amz-checksum-*):
  /// a mismatch is errc::integrity. Returns the answer (headers, empty body). Without `restart`
  /// an attempt is retried only while no byte has reached the sink; with it (it must make the
  /// sink start over, e.g. truncate a file) a cut, stalled or corrupt attempt is retried too.
  curl::response get_object_to(std::string_view bucket, std::string_view key, const curl::body_sink& sink,
                               const std::function<void()>& restart = nullptr);

  /// GetObject into the local file `path`, replaced atomically (transfer::atomic_file: a fresh
  /// temporary beside it, fsync, rename; an existing file keeps its permission bits) only when
  /// the bytes verify. On any failure, or SIGINT/SIGTERM/SIGHUP, the temporary is removed and
  /// `path` is untouched.
  curl::response download_file(std::string_view bucket, std::string_view key, const std::string& path);

  /// HeadObject: the object's headers (Content-Type, Content-Length, ETag, ...).
  curl::response head_object(std::string_view bucket, std::string_view key) {
    return execute(http_, operation("HEAD", bucket, key), [&](time_point now) {
      return sign_for("HEAD", bucket, key, {}, {}, sigv4::empty_payload_sha256, now);
    });
  }

  /// DeleteObject (succeeds for a missing key, as S3 does). With `if_match` (an ETag) the
  /// object is deleted only while it has that ETag; otherwise errc::precondition_failed.
  void delete_object(std::string_view bucket, std::string_view key, std::string_view if_match = {}) {
    std::vector<sigv4::header> headers;
    if (!if_match.empty()) headers.push_back({"If-Match", quoted_etag(if_match)});
    execute(http_, operation("DELETE", bucket, key), [&](time_point now) {
      return sign_for("DELETE", bucket, key, {}, headers, sigv4::empty_payload_sha256, now);
    });
  }

  /// CreateBucket in the configured region (no LocationConstraint for us-east-1).
  void create_bucket(std::string_view bucket) {
    std::string body;
    if (configuration().region != "us-east-1")
      body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
             urlmint::xml_escape(configuration().region) + "</LocationConstraint></CreateBucketConfiguration>";
    const std::string hash = sha256_hex(body);
    execute(http_, "PUT s3://" + std::string(bucket), [&](time_point now) {
      return sign_for("PUT", bucket, "", {}, {}, hash, now);
    }, memory_body(body));
  }

  /// PutBucketLifecycleConfiguration with `xml` (see lifecycle_expiration_xml) and the
  /// Content-MD5 S3 requires for it.
  void put_bucket_lifecycle(std::string_view bucket, const std::string& xml) {
    const std::string hash = sha256_hex(xml);
    const std::string md5 = multipart::content_md5(xml);
    execute(http_, "PUT s3://" + std::string(bucket) + "?lifecycle", [&](time_point now) {
      return sign_for("PUT", bucket, "", {{"lifecycle", ""}},
                          {{"Content-MD5", md5}, {"Content-Type", "application/xml"}}, hash, now);
    }, memory_body(xml));
  }

  /// ListBuckets: the buckets the credentials own (requests and parsing in s3_listing.hpp).
  std::vector<bucket_entry> list_buckets() {
    return parse_list_buckets(execute(http_, "GET s3:// (ListBuckets)", [&](time_point now) {
      return sign_list_buckets(*signer_.credentials_at(now), configuration(), now);
    }).body);
  }

  /// One page of ListObjectsV2; pass the page to next_page() for the next one.
  list_objects_page list_objects_v2(std::string_view bucket, const list_objects_request& r) {
    const auto query = list_objects_v2_query(r);
    return parse_list_objects_v2(execute(http_, "GET s3://" + std::string(bucket) + "/" + r.prefix + " (ListObjectsV2)",
                                         [&](time_point now) {
                                           return sign_for("GET", bucket, "", query, {}, sigv4::empty_payload_sha256, now);
                                         }).body);
  }

  /// DeleteObjects of any number of keys, in requests of at most max_delete_keys; keys S3
  /// refuses are reported in the result's errors, not thrown.
  delete_result delete_objects(std::string_view bucket, const std::vector<std::string>& keys) {
    delete_result out;
    for (std::size_t at = 0; at < keys.size(); at += max_delete_keys) {
      const std::vector<std::string> batch(keys.begin() + static_cast<std::ptrdiff_t>(at),
                                           keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + max_delete_keys)));
      const std::string body = delete_objects_body(batch, false);  // not quiet: S3 names each deleted key
      const std::string hash = sha256_hex(body);
      const std::string md5 = multipart::content_md5(body);
      parse_delete_objects(execute(http_, "POST s3://" + std::string(bucket) + "?delete (DeleteObjects)", [&](time_point now) {
        return sign_for("POST", bucket, "", {{"delete", ""}}, {{"Content-MD5", md5}, {"Content-Type", "application/xml"}},
                            hash, now);
      }, memory_body(body)).body, out);
    }
    return out;
  }

  /// DeleteBucket (the bucket must be empty).
  void delete_bucket(std::string_view bucket) {
    execute(http_, "DELETE s3://" + std::string(bucket), [&](time_point now) {
      return sign_for("DELETE", bucket, "", {}, {}, sigv4::empty_payload_sha256, now);
    });
  }

  /// Copies `n` bytes of a body at `offset` into `out` (from any thread); throws on failure.
  using byte_reader = std::function<void(std::uint64_t offset, std::size_t n, char* out)>;

  /// Multipart upload of `size` bytes that `read` supplies: create, upload parts (up to
  /// options().max_parallel_parts at once, each retried), then complete. No part is buffered:
  /// each worker reads its part twice through small buffers, once to hash and once to send. On
  /// any failure the upload is aborted, so no parts are left behind, and the first error is
  /// rethrown. https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
  put_result put_multipart(std::string_view bucket, std::string_view key, std::uint64_t size,
                           const put_options& opts, const byte_reader& read) {
    const auto plan = multipart::plan_parts(size, opts_.part_size);
    std::atomic<std::size_t> next{0};
    return put_parts(bucket, key, opts, size, plan.size(), [&](upload_part& part) -> int {
      const std::size_t i = next.fetch_add(1);
      if (i >= plan.size()) return 0;
      part.data.clear();
      part.offset = plan[i].offset;
      part.size = plan[i].size;
      part.read = read;
      return plan[i].part_number;
    });
  }

  /// One part of an upload as a part_supplier hands it to a worker: its bytes in `data` (a
  /// stream's part, read once), or, with `read` set, the `size` bytes at `offset` that `read`
  /// supplies (a file or memory: nothing is buffered).
  struct upload_part {
    std::string data;
    byte_reader read;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };

  /// Fills `part` with the next part of an upload and returns its part number (1, 2, ...), or
  /// 0 when there is none left. Called from the worker threads, possibly at once.
  using part_supplier = std::function<int(upload_part& part)>;

  /// The multipart upload behind put_multipart and the stream upload: create, upload the parts
  /// `next_part` supplies (up to min(max_parallel_parts, max_parts) at once, each retried),
  /// complete; abort on any failure. `total` (0: unknown) is only for progress.
  put_result put_parts(std::string_view bucket, std::string_view key, const put_options& opts, std::uint64_t total,
                       std::size_t max_parts, const part_supplier& next_part);

  /// AbortMultipartUpload, ignoring failures (used to clean up after another error).
  void abort_quietly(std::string_view bucket, std::string_view key, const std::string& upload_id) noexcept {
    try {
      execute(http_, operation("DELETE", bucket, key) + " (abort multipart)", [&](time_point now) {
        return multipart::sign_abort(*signer_.credentials_for(bucket, now), config_for(bucket), bucket, key, upload_id, now);
      });
    } catch (...) {
      // The original error matters more; a leftover upload is reclaimed by lifecycle rules.
    }
  }

 private:
  // This client's connections share one DNS cache and TLS session cache (curl::share) unless
  // the caller passed a share (e.g. one for every client of a command).
  static client_options with_share(client_options o) {
    if (!o.http.share) o.http.share = std::make_shared<curl::share>();
    return o;
  }

  // CreateSession on its own connection: a multipart worker may need a new session while
  // this client's connection is busy with a part.
  credentials create_session(std::string_view bucket, const credentials& base) {
    curl::client http(opts_.http);
    const curl::response resp = execute(http, "GET s3://" + std::string(bucket) + "?session", [&](time_point now) {
      return sign_create_session(base, configuration(), bucket, now);
    });
    return s3express::parse_create_session(resp.body, bucket);
  }

  std::string operation(std::string_view method, std::string_view bucket, std::string_view key) const {
    return std::string(method) + " s3://" + std::string(bucket) + "/" + std::string(key);
  }

  // The hashing pass reads through a buffer of this size (one per worker).
  static constexpr std::size_t hash_buffer_size = 256 * 1024;

  // One PutObject of a body whose digests are complete, signed afresh for every attempt.
  put_result put_single(std::string_view bucket, std::string_view key, const put_options& opts,
                        transfer::upload_digests& digests, const body_factory& body, std::uint64_t size) {
    const std::string hash = digests.payload_hash();
    put_options signed_opts = opts;
    if (auto integrity = digests.integrity_header()) signed_opts.extra_headers.push_back(*integrity);
    put_result result;
    const auto resp = execute(
        http_, operation("PUT", bucket, key),
        [&](time_point now) {
          return sign_put_object(*signer_.credentials_for(bucket, now), config_for(bucket), bucket, key, signed_opts,
                                 hash, now);
        },
        body, progress_for(size), &result.attempts);
    result.etag = resp.header("etag").value_or("");
    return result;
  }

  // x-amz-checksum-<alg> when the upload asks for a checksum, else Content-MD5 where it is
  // needed (content_md5_needed); the payload SHA-256 unless unsigned_payload.
  transfer::upload_digests digests_for(std::string_view bucket, const put_options& opts) const {
    const bool sign_payload = !opts_.unsigned_payload;
    return transfer::upload_digests(sign_payload, opts.checksum, content_md5_needed(bucket, sign_payload));
  }

  // Feeds `size` bytes at `offset` of `read`'s body to `digests`, through `buffer`.
  static void digest_range(transfer::upload_digests& digests, const byte_reader& read, std::uint64_t offset,
                           std::uint64_t size, std::vector<char>& buffer) {
    for (std::uint64_t at = 0; at < size;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - at));
      read(offset + at, n, buffer.data());
      digests.update(buffer.data(), n);
      at += n;
    }
  }

  // A body_factory sending `size` bytes at `offset` of `read`'s body straight into curl's
  // buffer, from the first byte on every attempt.
  static body_factory reader_body(const byte_reader& read, std::uint64_t offset, std::uint64_t size) {
    return [read, offset, size] {
      curl::body_source src;
      src.size = size;
      auto at = std::make_shared<std::uint64_t>(0);
      src.read = [read, offset, size, at](char* buf, std::size_t cap) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(cap, size - *at));
        if (n > 0) read(offset + *at, n, buf);
        *at += n;
        return n;
      };
      return src;
    };
  }

  curl::progress_callback progress_for(std::uint64_t total) const {
    if (!opts_.progress) return nullptr;
    return [this, total](std::uint64_t sent, std::uint64_t) {
      opts_.progress(std::min(sent, total), total);
      return true;
    };
  }

  // One ranged GET of [first, last] written at its offset into `file`, retried on its own; see
  // impl/s3_client_transfer.ipp. Returns the answer; `total` gets the object size from
  // Content-Range (0 when the server ignored the range and sent the whole object, status 200).
  curl::response get_range(curl::client& http, std::string_view bucket, std::string_view key, std::uint64_t first,
                           std::uint64_t last, const std::string& if_match, transfer::atomic_file& file,
                           transfer::download_verifier* verifier, std::uint64_t& total,
                           const std::function<void(std::uint64_t)>& moved);

  curl::progress_callback download_progress() const {
    if (!opts_.progress) return nullptr;
    return [this](std::uint64_t, std::uint64_t received) {
      opts_.progress(received, 0);
      return true;
    };
  }

  void wait(int retry) {
    // The seed is per call, not global: std::random_device is enough for jitter.
    std::random_device rd;
    std::mt19937_64 gen(rd());
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(gen);
    const auto delay = backoff_delay(opts_.retry, retry, unit);
    if (opts_.sleep) opts_.sleep(delay);
    else std::this_thread::sleep_for(delay);
  }

  // Region discovery (impl/s3_client_regions.ipp): a request signed in the bucket's known
  // region; learning a region from an answer; the bucket named by an operation() text.
  sigv4::signed_request sign_for(std::string_view method, std::string_view bucket, std::string_view key,
                                 std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                                 std::string_view payload_hash, time_point now) const;
  bool learn_region(const error_details& d, std::string_view bucket);
  static std::string_view operation_bucket(std::string_view op);

  struct region_memory {
    std::mutex mutex;
    std::map<std::string, std::string> by_bucket;
  };

  s3::signer signer_;
  client_options opts_;
  std::shared_ptr<region_memory> regions_ = std::make_shared<region_memory>();
  curl::client http_;
  // Connections of the parallel workers (parts, ranges), kept across transfers so the next
  // transfer of this client reuses them (keep-alive) instead of connecting afresh.
  std::vector<std::unique_ptr<curl::client>> worker_http_;

  // Worker `w`'s connection (0 is this client's own); makes them up to `count` first, on the
  // calling thread, before the workers start.
  curl::client& worker_http(unsigned w) { return w == 0 ? http_ : *worker_http_[w - 1]; }
  void prepare_workers(unsigned count) {
    while (worker_http_.size() + 1 < count) worker_http_.push_back(std::make_unique<curl::client>(opts_.http));
  }
};

}  // namespace s3
}  // namespace urlmint

#include "impl/s3_client_regions.ipp"
#include "impl/s3_client_transfer.ipp"

#endif  // URLMINT_S3_CLIENT_HPP
