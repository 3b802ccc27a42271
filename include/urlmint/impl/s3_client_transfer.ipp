#ifndef URLMINT_IMPL_S3_CLIENT_TRANSFER_IPP
#define URLMINT_IMPL_S3_CLIENT_TRANSFER_IPP

// s3::client's verified downloads and stream uploads (issue 11), kept out of s3_client.hpp so
// that header stays readable: included at its end.

#include "../s3_client.hpp"

namespace urlmint {
namespace s3 {

inline curl::response client::get_object_to(std::string_view bucket, std::string_view key, const curl::body_sink& sink,
                                          const std::function<void()>& restart) {
  const int max_attempts = std::max(1, opts_.retry.max_attempts);
  const std::string op = operation("GET", bucket, key);
  transfer::download_verifier verifier;
  std::uint64_t delivered = 0;
  const curl::body_sink counting = [&](const char* data, std::size_t n) {
    delivered += n;
    verifier.update(data, n);
    sink(data, n);
  };
  const curl::head_callback on_head = [&](const curl::response& head) { verifier.reset(head.headers); };
  for (int attempt = 1;; ++attempt) {
    if (delivered > 0) {
      restart();
      delivered = 0;
    }
    const time_point now = opts_.now ? opts_.now() : clock::now();
    const auto req = signer_.sign("GET", bucket, key, {}, {{"x-amz-checksum-mode", "ENABLED"}},
                                  sigv4::empty_payload_sha256, now);
    const bool may_retry = attempt < max_attempts;
    curl::response resp;
    try {
      resp = http_.receive(req, counting, download_progress(), on_head);
    } catch (const error& e) {
      if (!is_retryable(e.code()) || !may_retry || (delivered > 0 && !restart)) throw;
      wait(attempt);
      continue;
    }
    if (resp.status >= 200 && resp.status < 300) {
      if (delivered == 0) verifier.reset(resp.headers);
      try {
        if (!verifier.checks_content()) {
          // No digest to check (multipart ETag, SSE-KMS): the size S3 reports for this
          // version is what must have arrived, whatever the GET's Content-Length said.
          const auto etag = resp.header("etag");
          const auto head = head_object(bucket, key);
          const auto size = head.header("content-length");
          if (size && (!etag || head.header("etag") == etag)) verifier.expect_size(std::stoull(*size));
        }
        verifier.finish(op);
      } catch (const error& e) {
        if (e.code() != errc::integrity || !restart || !may_retry) throw;
        wait(attempt);
        continue;
      }
      return resp;
    }
    const error_details d = parse_error_response(resp.status, resp.headers, resp.body);
    if (is_retryable(resp.status, d.code) && (delivered == 0 || restart) && may_retry) {
      wait(attempt);
      continue;
    }
    throw make_service_error(d, op, configuration());
  }
}

inline curl::response client::download_file(std::string_view bucket, std::string_view key, const std::string& path) {
  transfer::atomic_file file(path);
  auto resp = get_object_to(bucket, key, [&](const char* d, std::size_t n) { file.write(d, n); },
                            [&] { file.truncate(); });
  file.commit();
  return resp;
}

inline put_result client::put_object(std::string_view bucket, std::string_view key, const stream_reader& read,
                                     const put_options& opts, std::uint64_t expected_size) {
  // A part size that keeps an expected_size stream within S3's 10,000 parts, in whole MiB.
  std::uint64_t part_size = std::max<std::uint64_t>(opts_.part_size, multipart::min_part_size);
  if (expected_size > part_size * multipart::max_parts) {
    const std::uint64_t mib = 1024 * 1024;
    part_size = (expected_size / multipart::max_parts + mib) / mib * mib;
  }
  const auto fill = [&read](std::string& buf, std::uint64_t want) {
    buf.resize(static_cast<std::size_t>(want));
    std::size_t got = 0;
    while (got < buf.size()) {
      const std::size_t n = read(&buf[got], buf.size() - got);
      if (n == 0) break;
      got += n;
    }
    buf.resize(got);
    return got;
  };
  // Up to the threshold, in part-sized chunks: a stream that ends before it is one PUT.
  std::vector<std::string> chunks;
  std::uint64_t buffered = 0;
  bool ended = false;
  while (!ended && buffered < std::max<std::uint64_t>(1, opts_.multipart_threshold)) {
    chunks.emplace_back();
    const std::size_t n = fill(chunks.back(), part_size);
    buffered += n;
    ended = n < part_size;
  }
  if (ended && (buffered < opts_.multipart_threshold || buffered <= multipart::min_part_size)) {
    std::string body = std::move(chunks.front());
    for (std::size_t i = 1; i < chunks.size(); ++i) {
      body += chunks[i];
      std::string().swap(chunks[i]);
    }
    put_result r = put_object(bucket, key, body, opts);
    return r;
  }
  // Longer: multipart. The buffered chunks go first (moved, not copied), then parts are read
  // from the stream one at a time, in order, by whichever worker asks.
  std::mutex mutex;
  std::size_t next_chunk = 0;
  int number = 0;
  return put_parts(bucket, key, opts, expected_size, multipart::max_parts, [&](std::string& data) -> int {
    std::lock_guard<std::mutex> lock(mutex);
    if (next_chunk < chunks.size()) {
      data.swap(chunks[next_chunk]);
      std::string().swap(chunks[next_chunk]);
      ++next_chunk;
    } else if (ended || fill(data, part_size) == 0) {
      return 0;
    } else {
      ended = data.size() < part_size;
    }
    if (data.empty()) return 0;
    if (number >= static_cast<int>(multipart::max_parts))
      throw error(errc::invalid_argument, "s3: the stream is longer than " + std::to_string(multipart::max_parts) +
                                              " parts of " + std::to_string(part_size) +
                                              " bytes; give its size with --expected-size (or a larger --part-size)");
    return ++number;
  });
}

}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_CLIENT_TRANSFER_IPP
