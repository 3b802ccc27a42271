#ifndef URLMINT_IMPL_S3_CLIENT_TRANSFER_IPP
#define URLMINT_IMPL_S3_CLIENT_TRANSFER_IPP

// s3::client's transfer engines, kept out of s3_client.hpp so that header stays readable:
// verified downloads, parallel ranged downloads, the multipart upload loop and stream uploads
// (issues 11 and 17). Included at its end.

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
    std::vector<sigv4::header> checksum_mode;
    if (opts_.checksum_mode) checksum_mode.push_back({"x-amz-checksum-mode", "ENABLED"});
    const auto req = sign_for("GET", bucket, key, {}, std::move(checksum_mode),
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
    if (delivered == 0 && learn_region(d, bucket)) continue;  // re-signed for the bucket's region
    throw make_service_error(d, op, configuration());
  }
}

namespace detail {

// "bytes FIRST-LAST/TOTAL" -> {FIRST, LAST, TOTAL}; nullopt when malformed.
inline std::optional<std::array<std::uint64_t, 3>> parse_content_range(std::string_view v) {
  if (v.substr(0, 6) != "bytes ") return std::nullopt;
  v.remove_prefix(6);
  std::array<std::uint64_t, 3> out{};
  const char seps[3] = {'-', '/', '\0'};
  for (int i = 0; i < 3; ++i) {
    std::size_t n = 0;
    std::uint64_t x = 0;
    while (n < v.size() && v[n] >= '0' && v[n] <= '9' && n < 19) x = x * 10 + static_cast<std::uint64_t>(v[n++] - '0');
    if (n == 0) return std::nullopt;
    out[static_cast<std::size_t>(i)] = x;
    v.remove_prefix(n);
    if (i < 2) {
      if (v.empty() || v.front() != seps[i]) return std::nullopt;
      v.remove_prefix(1);
    }
  }
  if (!v.empty() || out[0] > out[1] || out[1] >= out[2]) return std::nullopt;
  return out;
}

}  // namespace detail

inline curl::response client::get_range(curl::client& http, std::string_view bucket, std::string_view key,
                                        std::uint64_t first, std::uint64_t last, const std::string& if_match,
                                        transfer::atomic_file& file, transfer::download_verifier* verifier,
                                        std::uint64_t& total, const std::function<void(std::uint64_t)>& moved) {
  const int max_attempts = std::max(1, opts_.retry.max_attempts);
  const std::string op = operation("GET", bucket, key) + " (bytes " + std::to_string(first) + "-" +
                         std::to_string(last) + ")";
  std::vector<sigv4::header> headers{{"Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last)}};
  if (!if_match.empty()) headers.push_back({"If-Match", if_match});
  else if (opts_.checksum_mode) headers.push_back({"x-amz-checksum-mode", "ENABLED"});
  // curl hands the body over in 16 KiB pieces: they are gathered into writes of 256 KiB.
  std::string pending;
  pending.reserve(curl::transfer_buffer_size);
  for (int attempt = 1;; ++attempt) {
    std::uint64_t delivered = 0;
    std::uint64_t written = 0;
    pending.clear();
    const auto flush = [&] {
      file.write_at(pending.data(), pending.size(), first + written);
      written += pending.size();
      pending.clear();
    };
    bool whole = false;  // the server ignored Range (200): the body is the whole object
    const curl::body_sink sink = [&](const char* data, std::size_t n) {
      if (!whole && delivered + n > last - first + 1)
        throw error(errc::integrity, "s3: " + op + ": the server sent more bytes than the range asked for");
      pending.append(data, n);
      if (pending.size() >= curl::transfer_buffer_size) flush();
      if (verifier != nullptr) verifier->update(data, n);
      delivered += n;
      if (moved) moved(n);
    };
    const curl::head_callback on_head = [&](const curl::response& head) {
      whole = head.status == 200;
      if (verifier != nullptr) verifier->reset(head.headers);
    };
    const auto req = sign_for("GET", bucket, key, {}, headers, sigv4::empty_payload_sha256,
                                  opts_.now ? opts_.now() : clock::now());
    const bool may_retry = attempt < max_attempts;
    const auto undo = [&] {
      if (moved && delivered > 0) moved(0 - delivered);
    };
    curl::response resp;
    try {
      resp = http.receive(req, sink, nullptr, on_head);
      if (!pending.empty()) flush();
    } catch (const error& e) {
      undo();
      if (!is_retryable(e.code()) || !may_retry) throw;
      wait(attempt);
      continue;
    }
    if (resp.status == 200 && first == 0 && if_match.empty()) {
      total = 0;
      return resp;
    }
    if (resp.status == 206) {
      const auto range = detail::parse_content_range(resp.header("content-range").value_or(""));
      if (range && (*range)[0] == first && (*range)[1] == std::min(last, (*range)[2] - 1) &&
          delivered == (*range)[1] - first + 1) {
        total = (*range)[2];
        return resp;
      }
      undo();
      if (!may_retry)
        throw error(errc::integrity, "s3: " + op + ": the download is corrupt: got " + std::to_string(delivered) +
                                         " bytes for Content-Range \"" + resp.header("content-range").value_or("") +
                                         "\"; nothing was kept; retry");
      wait(attempt);
      continue;
    }
    undo();
    const error_details d = parse_error_response(resp.status, resp.headers, resp.body);
    if (resp.status == 412 || d.code == "PreconditionFailed")
      throw service_error(errc::precondition_failed, "s3: " + op + ": the object changed during the download (its ETag " +
                                                         "is no longer " + if_match + "); nothing was kept; run it again",
                          d);
    if (is_retryable(resp.status, d.code) && may_retry) {
      wait(attempt);
      continue;
    }
    if (delivered == 0 && learn_region(d, bucket)) continue;  // re-signed for the bucket's region
    throw make_service_error(d, op, configuration());
  }
}

inline curl::response client::download_file(std::string_view bucket, std::string_view key, const std::string& path) {
  transfer::atomic_file file(path);
  // The first part-sized range tells the object's size and ETag (Content-Range); a small object
  // is then done in that one request. Larger ones: the other ranges in parallel, each retried
  // on its own, pinned with If-Match to the first answer's ETag so versions never mix.
  const std::uint64_t part = std::max<std::uint64_t>(opts_.part_size, 1);
  std::atomic<std::uint64_t> done_bytes{0};
  std::mutex progress_mutex;
  std::uint64_t total = 0;
  const auto moved = [&](std::uint64_t n) {
    const std::uint64_t now_done = done_bytes += n;
    if (!opts_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    opts_.progress(now_done, total);
  };
  const std::string op = operation("GET", bucket, key);
  curl::response first;
  for (int attempt = 1;; ++attempt) {
    transfer::download_verifier verifier;
    try {
      first = get_range(http_, bucket, key, 0, part - 1, "", file, &verifier, total, moved);
    } catch (const service_error& e) {
      if (e.details().status != 416) throw;
      // An empty object has no byte 0: fetch it plainly.
      file.truncate();
      auto resp = get_object_to(bucket, key, [&](const char* d, std::size_t n) { file.write(d, n); },
                                [&] { file.truncate(); });
      file.commit();
      return resp;
    }
    if (total != 0 && total > part) break;
    // The whole object came in one answer: verify it as a plain GET, retrying a corrupt one.
    try {
      if (total != 0) verifier.expect_size(total);
      if (!verifier.checks_content() && total == 0) {
        const auto head = head_object(bucket, key);
        const auto size = head.header("content-length");
        if (size && head.header("etag") == first.header("etag")) verifier.expect_size(std::stoull(*size));
      }
      verifier.finish(op);
    } catch (const error& e) {
      if (e.code() != errc::integrity || attempt >= std::max(1, opts_.retry.max_attempts)) throw;
      file.truncate();
      done_bytes = 0;
      wait(attempt);
      continue;
    }
    file.commit();
    return first;
  }
  const std::string etag = first.header("etag").value_or("");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (std::uint64_t at = part; at < total; at += part) ranges.push_back({at, std::min(total, at + part) - 1});
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_failure;
  std::mutex mutex;
  const auto work = [&](unsigned worker) {
    try {
      curl::client& http = worker_http(worker);
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= ranges.size() || failed) return;
        std::uint64_t range_total = 0;
        get_range(http, bucket, key, ranges[i].first, ranges[i].second, etag, file, nullptr, range_total, moved);
        if (range_total != total)
          throw error(errc::integrity, "s3: " + op + ": the object's size changed during the download; run it again");
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first_failure) first_failure = std::current_exception();
      failed = true;
    }
  };
  const unsigned workers = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(std::max(1u, opts_.max_parallel_parts), ranges.size())));
  prepare_workers(workers);
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  if (first_failure) std::rethrow_exception(first_failure);
  // The whole, verified: its size is Content-Range's by construction; a digest of the whole
  // object (a single-part MD5 ETag, a full-object checksum) is checked by reading it back.
  std::vector<sigv4::header> whole_headers;  // a range's checksum headers may describe a part, not the object
  for (const auto& h : first.headers)
    if (sigv4::lowercase(h.name).rfind("x-amz-checksum-", 0) != 0) whole_headers.push_back(h);
  transfer::download_verifier whole(whole_headers);
  whole.expect_size(total);
  if (whole.checks_content()) {
    std::vector<char> buf(1 << 20);
    for (std::uint64_t at = 0; at < total;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - at));
      detail::pread_exact(file.fd(), buf.data(), n, at, path);
      whole.update(buf.data(), n);
      at += n;
    }
  } else {
    whole = transfer::download_verifier();  // the size is Content-Range's by construction
  }
  whole.finish(op);
  file.commit();
  first.headers.erase(std::remove_if(first.headers.begin(), first.headers.end(),
                                     [](const sigv4::header& h) { return ascii_iequals(h.name, "content-range"); }),
                      first.headers.end());
  return first;
}

inline put_result client::put_parts(std::string_view bucket, std::string_view key, const put_options& opts,
                                 std::uint64_t total, std::size_t max_parts, const part_supplier& next_part) {
  const std::string op = operation("PUT", bucket, key) + " (multipart)";
  const auto created = execute(http_, op, [&](time_point now) {
    return multipart::sign_create(*signer_.credentials_for(bucket, now), config_for(bucket), bucket, key, opts, now);
  }, memory_body(""));
  const std::string upload_id = multipart::parse_upload_id(created.body);

  std::vector<multipart::completed_part> done;  // by part number - 1
  std::vector<std::uint64_t> part_sizes;
  std::atomic<bool> failed{false};
  std::exception_ptr first_failure;
  std::mutex mutex;  // guards first_failure and progress
  std::uint64_t finished_bytes = 0;
  const unsigned workers = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(std::max(1u, opts_.max_parallel_parts), max_parts)));
  std::vector<std::uint64_t> in_flight(workers, 0);
  std::vector<std::uint64_t> part_crcs;  // CRC64NVME of each part, for the full-object value

  const auto work = [&](unsigned worker) {
    try {
      curl::client& http = worker_http(worker);
      upload_part part;
      std::vector<char> buffer;
      for (;;) {
        if (failed) return;
        const int part_number = next_part(part);
        if (part_number == 0 || failed) return;
        // Each byte is hashed once: a buffered part where it lies, a read one through `buffer`
        // (then read again to send, from the page cache for a file).
        transfer::upload_digests digests = digests_for(bucket, opts);
        if (part.read) {
          buffer.resize(hash_buffer_size);
          digest_range(digests, part.read, part.offset, part.size, buffer);
        } else {
          part.size = part.data.size();
          digests.update(part.data.data(), part.data.size());
        }
        const std::string hash = digests.payload_hash();
        const auto integrity = digests.integrity_header();
        const std::uint64_t crc = digests.crc();
        curl::progress_callback progress;
        if (opts_.progress)
          progress = [&, worker](std::uint64_t sent, std::uint64_t) {
            std::lock_guard<std::mutex> lock(mutex);
            in_flight[worker] = sent;
            std::uint64_t sent_so_far = finished_bytes;
            for (auto b : in_flight) sent_so_far += b;
            opts_.progress(total == 0 ? sent_so_far : std::min(sent_so_far, total), total);
            return !failed;
          };
        const auto resp = execute(http, op + " part " + std::to_string(part_number), [&](time_point now) {
          return multipart::sign_upload_part(*signer_.credentials_for(bucket, now), config_for(bucket), bucket, key,
                                             upload_id, part_number, hash,
                                             integrity ? std::vector<sigv4::header>{*integrity}
                                                       : std::vector<sigv4::header>{},
                                             now);
        }, part.read ? reader_body(part.read, part.offset, part.size) : memory_body(part.data), progress);
        const auto etag = resp.header("etag");
        if (!etag || etag->empty())
          throw error(errc::service, "s3: " + op + ": part " + std::to_string(part_number) +
                                         " was stored but the server sent no ETag; the server is not S3-compatible");
        std::lock_guard<std::mutex> lock(mutex);
        const auto i = static_cast<std::size_t>(part_number - 1);
        if (done.size() <= i) {
          done.resize(i + 1);
          part_sizes.resize(i + 1);
          part_crcs.resize(i + 1);
        }
        done[i] = {part_number, *etag, opts.checksum ? integrity->value : std::string()};
        part_sizes[i] = part.size;
        part_crcs[i] = crc;
        finished_bytes += part.size;
        in_flight[worker] = 0;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first_failure) first_failure = std::current_exception();
      failed = true;
    }
  };
  prepare_workers(workers);
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();

  try {
    if (first_failure) std::rethrow_exception(first_failure);
    const std::string body = multipart::complete_body(done, opts.checksum);
    std::vector<sigv4::header> complete_headers = condition_headers(opts);
    if (opts.checksum && *opts.checksum == checksums::algorithm::crc64nvme) {
      // S3's FULL_OBJECT type: the CRC of the whole object, combined from the parts' CRCs.
      std::uint64_t whole = part_crcs[0];
      for (std::size_t i = 1; i < done.size(); ++i)
        whole = checksums::crc_combine(*opts.checksum, whole, part_crcs[i], part_sizes[i]);
      complete_headers.push_back({std::string(checksums::info(*opts.checksum).header),
                                  base64_encode(checksums::crc_digest(*opts.checksum, whole))});
      complete_headers.push_back({"x-amz-checksum-type", "FULL_OBJECT"});
    }
    const auto resp = execute(http_, op, [&](time_point now) {
      return multipart::sign_complete(*signer_.credentials_for(bucket, now), config_for(bucket), bucket, key, upload_id, body,
                                      complete_headers, now);
    }, memory_body(body));
    if (multipart::complete_result_is_error(resp.body))
      throw make_service_error(parse_error_response(resp.status, resp.headers, resp.body), op, configuration());
    put_result result;
    result.multipart = true;
    result.parts = static_cast<int>(done.size());
    result.etag = multipart::xml_element_text(resp.body, "ETag").value_or("");
    return result;
  } catch (...) {
    abort_quietly(bucket, key, upload_id);
    throw;
  }
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
  return put_parts(bucket, key, opts, expected_size, multipart::max_parts, [&](upload_part& part) -> int {
    std::string& data = part.data;
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
