#ifndef URLMINT_TRANSFER_HPP
#define URLMINT_TRANSFER_HPP

// What makes a transfer trustworthy, independent of how its bytes move: a downloaded object
// is verified against what S3 says it is (size, MD5 ETag, x-amz-checksum-*), and a local file
// is replaced atomically (a fresh O_EXCL|O_NOFOLLOW temporary in the destination's directory,
// fsync, rename), never half-written, never through a planted symlink, and removed when
// SIGINT/SIGTERM/SIGHUP arrives. s3_client.hpp uses both; so can other transports.

#include <fcntl.h>     // open, O_*
#include <signal.h>    // sigaction
#include <sys/stat.h>  // fstat, fchmod, umask
#include <unistd.h>    // write, fsync, close, unlink, getpid

#include <array>       // std::array
#include <atomic>      // std::atomic
#include <cerrno>      // errno
#include <cstdint>     // std::uint64_t
#include <cstring>     // std::strerror
#include <optional>    // std::optional
#include <random>      // std::random_device
#include <string>
#include <string_view>
#include <vector>

#include "checksums.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "multipart.hpp"  // multipart::md5
#include "sigv4.hpp"

namespace urlmint {
namespace transfer {

// ---------------------------------------------------------------------------------------------
// Verified downloads.

/// Checks a downloaded object's bytes against its answer's headers, fed as they arrive:
///   * the byte count against Content-Length (or `expect_size`, e.g. from a HEAD, when the
///     body was chunked or close-delimited);
///   * the MD5 ETag of a single-part object not encrypted with SSE-KMS or SSE-C;
///   * a full-object x-amz-checksum-crc32/crc32c/crc64nvme/sha1/sha256 when S3 sends one.
/// finish() throws errc::integrity naming what did not match.
class download_verifier {
 public:
  download_verifier() = default;
  /// Starts from the headers of the answer whose body follows.
  explicit download_verifier(const std::vector<sigv4::header>& headers) { reset(headers); }

  /// Forgets everything (a retry) and starts from new headers.
  void reset(const std::vector<sigv4::header>& headers) {
    received_ = 0;
    expected_size_.reset();
    md5_.reset();
    etag_md5_.clear();
    checksum_.reset();
    checksum_value_.clear();
    const auto get = [&](std::string_view name) -> std::optional<std::string> {
      for (const auto& h : headers)
        if (ascii_iequals(h.name, name)) return h.value;
      return std::nullopt;
    };
    if (auto cl = get("content-length")) expected_size_ = parse_size(*cl);
    const bool customer_key = get("x-amz-server-side-encryption-customer-algorithm").has_value();
    const bool kms = get("x-amz-server-side-encryption").value_or("").rfind("aws:kms", 0) == 0;
    if (auto etag = get("etag"); etag && !customer_key && !kms) {
      std::string_view e = *etag;
      if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
      if (is_md5_hex(e)) {
        etag_md5_ = hex_to_base64(e);
        md5_.emplace();
      }
    }
    const auto type = get("x-amz-checksum-type").value_or("FULL_OBJECT");
    for (const auto& a : checksums::all_algorithms) {
      const auto v = get(a.header);
      if (!v || type != "FULL_OBJECT" || v->find('-') != std::string::npos) continue;
      checksum_.emplace(a.id);
      checksum_value_ = *v;
      break;
    }
  }

  /// The size to expect when the answer had no Content-Length (from HeadObject).
  void expect_size(std::uint64_t size) { expected_size_ = size; }
  /// Whether a size is known to compare the byte count with.
  bool knows_size() const noexcept { return expected_size_.has_value(); }
  /// Whether a digest (MD5 ETag or checksum) will check the bytes themselves.
  bool checks_content() const noexcept { return md5_.has_value() || checksum_.has_value(); }
  /// Bytes seen so far.
  std::uint64_t received() const noexcept { return received_; }

  /// Feeds the next `size` bytes of the body.
  void update(const char* data, std::size_t size) {
    received_ += size;
    if (md5_) md5_->update(data, size);
    if (checksum_) checksum_->update(data, size);
  }

  /// Throws errc::integrity when the bytes are not the object; `what` names the transfer
  /// ("GET s3://bucket/key").
  void finish(std::string_view what) {
    const std::string prefix = "s3: " + std::string(what) + ": the download is corrupt: ";
    const std::string fix = "; nothing was kept; retry (a proxy or the network changed the bytes)";
    if (expected_size_ && received_ != *expected_size_)
      throw error(errc::integrity, prefix + "received " + std::to_string(received_) + " bytes of " +
                                       std::to_string(*expected_size_) + fix);
    if (md5_ && md5_->finish_base64() != etag_md5_)
      throw error(errc::integrity, prefix + "the MD5 of the " + std::to_string(received_) +
                                       " bytes received does not match the object's ETag" + fix);
    if (checksum_ && checksum_->base64() != checksum_value_)
      throw error(errc::integrity, prefix + "the bytes do not match the object's " +
                                       std::string(checksums::info(checksum_->id()).header) + fix);
  }

 private:
  static std::optional<std::uint64_t> parse_size(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  }
  static bool is_md5_hex(std::string_view e) {
    if (e.size() != 32) return false;
    for (char c : e)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    return true;
  }
  static std::string hex_to_base64(std::string_view hex) {
    const auto nibble = [](char c) {
      return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    };
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < 16; ++i)
      bytes[i] = static_cast<unsigned char>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
    return base64_encode(bytes.data(), bytes.size());
  }

  std::uint64_t received_ = 0;
  std::optional<std::uint64_t> expected_size_;
  std::optional<multipart::md5> md5_;
  std::string etag_md5_;
  std::optional<checksums::hasher> checksum_;
  std::string checksum_value_;
};

// ---------------------------------------------------------------------------------------------
// Upload digests.

/// The digests an upload's body (a PUT, or one part) is sent with, fed once, in pieces, as the
/// bytes are read: the payload SHA-256 SigV4 signs (unless the payload goes unsigned), and the
/// integrity header: x-amz-checksum-<alg> when a checksum is asked for, else Content-MD5 when
/// the caller asks for it (s3::content_md5_needed decides).
class upload_digests {
 public:
  upload_digests(bool sign_payload, std::optional<checksums::algorithm> checksum, bool content_md5) {
    if (sign_payload) sha_.emplace();
    if (checksum) checksum_.emplace(*checksum);
    else if (content_md5) md5_.emplace();
  }

  /// Feeds the next `size` bytes.
  void update(const void* data, std::size_t size) {
    if (sha_) sha_->update(data, size);
    if (checksum_) checksum_->update(data, size);
    if (md5_) md5_->update(data, size);
  }

  /// The x-amz-content-sha256 value: the lowercase hex SHA-256, or UNSIGNED-PAYLOAD. Call once.
  std::string payload_hash() {
    if (!sha_) return std::string(sigv4::unsigned_payload);
    const auto digest = sha_->finish();
    return hex_encode(digest.data(), digest.size());
  }

  /// The integrity header (x-amz-checksum-<alg> or Content-MD5), or nothing. Call once.
  std::optional<sigv4::header> integrity_header() {
    if (checksum_) return sigv4::header{std::string(checksums::info(checksum_->id()).header), checksum_->base64()};
    if (md5_) return sigv4::header{"Content-MD5", md5_->finish_base64()};
    return std::nullopt;
  }

  /// The CRC of the bytes when the checksum is a CRC (0 otherwise): parts' CRCs combine into
  /// the whole object's (checksums::crc_combine).
  std::uint64_t crc() const noexcept { return checksum_ ? checksum_->crc() : 0; }

 private:
  std::optional<sha256> sha_;
  std::optional<checksums::hasher> checksum_;
  std::optional<multipart::md5> md5_;
};

// ---------------------------------------------------------------------------------------------
// Signals: temporaries to remove when the process is interrupted.

namespace detail {

// A fixed table of paths, written only by the thread that registers them and read by the
// signal handler; no allocation or locking in the handler.
struct cleanup_table {
  static constexpr std::size_t slots = 64;
  static constexpr std::size_t path_max = 4096;
  std::array<std::atomic<int>, slots> state{};  // 0 free, 1 being written, 2 live

  std::array<std::array<char, path_max>, slots> paths{};
};

inline cleanup_table& cleanup() {
  static cleanup_table t;
  return t;
}

extern "C" inline void urlmint_transfer_on_signal(int sig) {
  cleanup_table& t = cleanup();
  for (std::size_t i = 0; i < cleanup_table::slots; ++i)
    if (t.state[i].load() == 2) ::unlink(t.paths[i].data());
  // Die of the same signal, so the parent sees how the process ended (exit status 128+N).
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

inline void install_handlers_once() {
  static const bool installed = [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction sa {};
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;  // nohup keeps working
      sa.sa_handler = urlmint_transfer_on_signal;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
    return true;
  }();
  (void)installed;
}

inline int register_cleanup(const std::string& path) {
  if (path.size() >= cleanup_table::path_max) return -1;
  install_handlers_once();
  cleanup_table& t = cleanup();
  for (std::size_t i = 0; i < cleanup_table::slots; ++i) {
    int expected = 0;
    if (!t.state[i].compare_exchange_strong(expected, 1)) continue;
    std::memcpy(t.paths[i].data(), path.c_str(), path.size() + 1);
    t.state[i].store(2);
    return static_cast<int>(i);
  }
  return -1;  // more than 64 at once: still removed on errors, just not on signals
}

inline void unregister_cleanup(int slot) {
  if (slot >= 0) cleanup().state[static_cast<std::size_t>(slot)].store(0);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Safe local files.

/// The local path a download of `key` goes to when the user named `destination`: an existing
/// directory (with or without a trailing '/') or a path ending in '/' receives
/// DESTINATION/<last segment of key>, as in the AWS CLI. The last segment must be a plain
/// file name: a key ending in '/', ".." or "." is errc::invalid_argument, so a key such as
/// "a/../../x" lands in DESTINATION/x and never outside it.
inline std::string local_destination(const std::string& destination, std::string_view key) {
  struct stat st {};
  const bool is_dir = (!destination.empty() && destination.back() == '/') ||
                      (::stat(destination.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  if (!is_dir) return destination;
  const auto slash = key.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (name.empty() || name == "." || name == "..")
    throw error(errc::invalid_argument, "s3 cp: the key \"" + std::string(key) +
                                            "\" has no file name to create in directory \"" + destination +
                                            "\"; give the destination file's full path");
  return destination + (destination.back() == '/' ? "" : "/") + std::string(name);
}

/// A file replaced atomically: bytes go to a fresh temporary in the target's directory,
/// created with O_CREAT|O_EXCL|O_NOFOLLOW under an unpredictable name (never a planted symlink),
/// removed on destruction, on failure and on SIGINT/SIGTERM/SIGHUP; commit() fsyncs it, gives
/// it the existing target's permission bits (a new file gets 0666 under the umask) and renames
/// it over the target. Not thread-safe, except write_at (pwrite) from several threads.
class atomic_file {
 public:
  explicit atomic_file(std::string target) : target_(std::move(target)) {
    const auto slash = target_.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : target_.substr(0, slash == 0 ? 1 : slash);
    const std::string base = slash == std::string::npos ? target_ : target_.substr(slash + 1);
    if (base.empty())
      throw error(errc::invalid_argument, "s3 cp: \"" + target_ + "\" names a directory; add a file name");
    struct stat st {};
    bool keep_mode = false;
    if (::stat(target_.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode))
        throw error(errc::io, "s3 cp: \"" + target_ + "\" is a directory; give a file path");
      if (S_ISREG(st.st_mode)) {
        mode_ = st.st_mode & 07777;
        keep_mode = true;
      }
    }
    if (!keep_mode) {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode_ = 0666 & ~mask;
    }
    std::random_device rd;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int tries = 0; tries < 100 && fd_ < 0; ++tries) {
      std::string name = (dir == "/" ? "" : dir) + "/." + base.substr(0, 200) + ".urlmint-";
      for (int i = 0; i < 12; ++i) name += alphabet[rd() % (sizeof alphabet - 1)];
      const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0) {
        fd_ = fd;
        temp_ = std::move(name);
        break;
      }
      if (errno != EEXIST)
        throw error(errc::io, "s3 cp: cannot create a file in \"" + dir + "\": " + std::strerror(errno) +
                                  "; check the directory exists and is writable");
    }
    if (fd_ < 0) throw error(errc::io, "s3 cp: cannot create a temporary file in \"" + dir + "\"");
    slot_ = detail::register_cleanup(temp_);
  }
  ~atomic_file() { discard(); }
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// The temporary file's path (for tests and messages).
  const std::string& temporary_path() const noexcept { return temp_; }
  /// The temporary's descriptor.
  int fd() const noexcept { return fd_; }

  /// Appends `size` bytes; throws errc::io (disk full, ...).
  void write(const char* data, std::size_t size) {
    write_at(data, size, offset_);
    offset_ += size;
  }

  /// Writes `size` bytes at `offset` (pwrite; several threads may call it for disjoint ranges).
  void write_at(const char* data, std::size_t size, std::uint64_t offset) {
    while (size > 0) {
      const ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw error(errc::io, "s3 cp: writing \"" + target_ + "\" failed: " + std::strerror(errno));
      data += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
  }

  /// Empties the temporary (a retry starts over).
  void truncate() {
    if (::ftruncate(fd_, 0) != 0)
      throw error(errc::io, "s3 cp: truncating \"" + temp_ + "\" failed: " + std::strerror(errno));
    offset_ = 0;
  }

  /// fsync, permission bits, rename over the target. Throws errc::io; the target is untouched
  /// unless the rename happened.
  void commit() {
    if (::fchmod(fd_, mode_) != 0 || ::fsync(fd_) != 0)
      throw error(errc::io, "s3 cp: finishing \"" + target_ + "\" failed: " + std::strerror(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw error(errc::io, "s3 cp: writing \"" + target_ + "\" failed: " + std::strerror(errno));
    if (::rename(temp_.c_str(), target_.c_str()) != 0)
      throw error(errc::io, "s3 cp: cannot rename the download to \"" + target_ + "\": " + std::strerror(errno));
    detail::unregister_cleanup(slot_);
    slot_ = -1;
    temp_.clear();
  }

  /// Removes the temporary (the destructor does it too).
  void discard() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
    detail::unregister_cleanup(slot_);
    slot_ = -1;
  }

 private:
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  int slot_ = -1;
  std::uint64_t offset_ = 0;
  mode_t mode_ = 0;
};

}  // namespace transfer
}  // namespace urlmint

#endif  // URLMINT_TRANSFER_HPP
