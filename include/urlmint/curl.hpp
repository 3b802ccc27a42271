#ifndef URLMINT_CURL_HPP
#define URLMINT_CURL_HPP

// The HTTP client: sends a sigv4::signed_request with libcurl and returns the status, headers
// and body. The only urlmint header that includes <curl/curl.h>; urlmint.hpp never includes it,
// so signing-only users need no libcurl. It signs nothing and retries nothing: s3_client.hpp
// does both, because a retry must be re-signed.

#include <curl/curl.h>

#include <algorithm>   // std::min
#include <chrono>      // std::chrono::milliseconds
#include <cstdint>     // std::uint64_t
#include <cerrno>      // errno
#include <cstdio>      // std::fopen
#include <cstring>     // std::memcpy, std::strerror
#include <exception>   // std::exception_ptr
#include <functional>  // std::function
#include <memory>      // std::unique_ptr, std::shared_ptr
#include <mutex>       // std::mutex: the share's locks
#include <optional>    // std::optional
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "sigv4.hpp"
#include "version.hpp"

namespace urlmint {
namespace curl {

namespace detail {

struct easy_deleter {
  void operator()(CURL* p) const noexcept { curl_easy_cleanup(p); }
};
struct slist_deleter {
  void operator()(curl_slist* p) const noexcept { curl_slist_free_all(p); }
};
using unique_easy = std::unique_ptr<CURL, easy_deleter>;
using unique_slist = std::unique_ptr<curl_slist, slist_deleter>;

inline void append_header(unique_slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) throw error(errc::transport, "curl: out of memory building request headers");
  (void)list.release();  // curl_slist_append returned the same list head, now owned by `next`
  list.reset(next);
}

// The URL without its query: presigned URLs carry signatures and session tokens there, and
// error messages must not.
inline std::string redact_url(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

}  // namespace detail

/// Bodies at least this large are sent with "Expect: 100-continue", so a server that rejects
/// the request (403, 404, 301) answers before the body is sent; smaller ones go at once.
inline constexpr std::uint64_t expect_continue_threshold = 1024 * 1024;

/// Read and write size of object data (curl's receive and upload buffers), bytes.
inline constexpr std::size_t transfer_buffer_size = 256 * 1024;

/// Cap on a response body held in memory (errors, listings, credentials): 1 MiB. Object
/// data streamed to a body_sink is not capped.
inline constexpr std::size_t default_max_body = 1024 * 1024;

/// What the clients of one command share through curl's share interface: the DNS cache and
/// TLS sessions, so N connections to one host cost one name resolution and one full TLS
/// handshake (the others resume the session). Thread-safe (one lock per kind of data). The
/// connections themselves stay with each client: libcurl does not support sharing its
/// connection cache between threads transferring at once, so each client keeps its own
/// connection alive across requests. Create it after curl::global.
class share {
 public:
  share() : sh_(curl_share_init()) {
    if (sh_ == nullptr) throw error(errc::transport, "curl: curl_share_init failed; is curl::global alive?");
    const bool ok = curl_share_setopt(sh_, CURLSHOPT_LOCKFUNC, &share::lock) == CURLSHE_OK &&
                    curl_share_setopt(sh_, CURLSHOPT_UNLOCKFUNC, &share::unlock) == CURLSHE_OK &&
                    curl_share_setopt(sh_, CURLSHOPT_USERDATA, static_cast<void*>(this)) == CURLSHE_OK &&
                    curl_share_setopt(sh_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) == CURLSHE_OK &&
                    curl_share_setopt(sh_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK;
    if (!ok) {
      curl_share_cleanup(sh_);
      throw error(errc::transport, "curl: setting up a share handle failed; libcurl is too old (7.23 or later needed)");
    }
  }
  ~share() { curl_share_cleanup(sh_); }
  share(const share&) = delete;
  share& operator=(const share&) = delete;
  /// The handle, for CURLOPT_SHARE.
  CURLSH* handle() const noexcept { return sh_; }

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<share*>(user)->locks_[static_cast<std::size_t>(data) % lock_count].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<share*>(user)->locks_[static_cast<std::size_t>(data) % lock_count].unlock();
  }
  static constexpr std::size_t lock_count = CURL_LOCK_DATA_LAST;
  std::mutex locks_[lock_count];
  CURLSH* sh_;
};

/// Client settings. Timeouts have the AWS CLI's defaults and meaning (--cli-connect-timeout,
/// --cli-read-timeout): 0 means no limit.
struct options {
  std::chrono::milliseconds connect_timeout{60000};  ///< TCP + TLS connect, milliseconds (0: none)
  /// Stall detector, milliseconds (whole seconds used, at least 1): an exchange that moves no
  /// byte for this long fails with errc::timeout (and is retried by s3::client). A transfer
  /// that keeps progressing is never cut. 0: none.
  std::chrono::milliseconds read_timeout{60000};  // checked about once a second
  std::chrono::milliseconds total_timeout{0};        ///< a whole exchange, milliseconds (0: none)
  bool verify_tls = true;                            ///< check the server's certificate and host name
  std::string ca_file;                               ///< PEM CA bundle to trust instead of the system's ("": system)
  std::string user_agent;                            ///< empty: "urlmint/VERSION"
  /// Largest response body kept in response::body (and total header bytes); past it the
  /// exchange fails with errc::too_large.
  std::size_t max_body = default_max_body;
  /// DNS cache and TLS sessions shared with other clients (see curl::share); null: this
  /// client's own.
  std::shared_ptr<curl::share> share;
};

/// One HTTP answer. Redirects are not followed, so 301/307 come back as they are.
struct response {
  long status = 0;                      ///< HTTP status code
  std::vector<sigv4::header> headers;   ///< of the final answer (not of a 100 Continue)
  std::string body;                     ///< the body (error bodies too, when streaming a download)
  /// The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const {
    const std::string lower = sigv4::lowercase(name);
    for (const auto& h : headers)
      if (sigv4::lowercase(h.name) == lower) return h.value;
    return std::nullopt;
  }
};

/// A request body read in pieces, so files are never held in memory whole.
struct body_source {
  std::uint64_t size = 0;  ///< exact byte count (sent as Content-Length)
  /// Fills up to `capacity` bytes at `buffer`; returns the count (0 only at the end).
  /// Throwing aborts the transfer and the exception reaches the caller of send().
  std::function<std::size_t(char* buffer, std::size_t capacity)> read;
};

/// Receives a response body in pieces (successful answers only; an error answer's body goes
/// to response::body). Throwing aborts the transfer.
using body_sink = std::function<void(const char* data, std::size_t size)>;

/// Sees a 2xx answer's status and headers once, before the first body byte reaches the sink
/// (e.g. to start verifying it). Throwing aborts the transfer.
using head_callback = std::function<void(const response& head)>;

/// Progress of one exchange: bytes sent and received so far. Return false to abort.
using progress_callback = std::function<bool(std::uint64_t sent, std::uint64_t received)>;

/// RAII for curl_global_init / curl_global_cleanup. Create one in main() before any client and
/// keep it until every client is gone; libcurl's global state is not thread-safe to set up.
class global {
 public:
  global() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw error(errc::transport, "curl: curl_global_init failed; libcurl or its TLS library cannot start");
  }
  ~global() { curl_global_cleanup(); }
  global(const global&) = delete;
  global& operator=(const global&) = delete;
};

/// An HTTP client holding one reusable curl handle, so consecutive requests to the same host
/// reuse the connection. Not thread-safe: use one client per thread. HTTP/1.1 or HTTP/2 as
/// curl negotiates; TLS verification on by default; redirects are not followed.
class client {
 public:
  /// Throws errc::transport when libcurl cannot create a handle.
  explicit client(options opts = {}) : opts_(std::move(opts)), easy_(curl_easy_init()) {
    if (!easy_) throw error(errc::transport, "curl: curl_easy_init failed; is curl::global alive?");
    if (opts_.user_agent.empty()) opts_.user_agent = std::string("urlmint/") + version;
    if (!opts_.ca_file.empty()) {
      std::FILE* f = std::fopen(opts_.ca_file.c_str(), "rb");
      if (f == nullptr)
        throw error(errc::invalid_argument, "curl: the CA bundle \"" + opts_.ca_file + "\" cannot be read (" +
                                                std::strerror(errno) + "); check --ca-bundle, AWS_CA_BUNDLE or ca_bundle");
      std::fclose(f);
    }
    // Set once: curl_easy_reset (before each request) keeps the share.
    if (opts_.share) set(CURLOPT_SHARE, opts_.share->handle());
  }

  /// The settings in use.
  const options& settings() const noexcept { return opts_; }

  /// Sends `req` with `body` (may be empty) and returns the answer, whatever its status.
  /// Throws errc::transport on connection errors, TLS errors and timeouts.
  response send(const sigv4::signed_request& req, std::string_view body = {}) {
    std::size_t offset = 0;
    body_source src;
    src.size = body.size();
    src.read = [&](char* buf, std::size_t cap) {
      const std::size_t n = std::min(cap, body.size() - offset);
      std::memcpy(buf, body.data() + offset, n);
      offset += n;
      return n;
    };
    return perform(req, body.empty() ? nullptr : &src, nullptr, nullptr);
  }

  /// Sends `req` with a streamed body; `progress` (optional) sees the bytes sent.
  response send(const sigv4::signed_request& req, const body_source& body,
                const progress_callback& progress = nullptr) {
    return perform(req, &body, nullptr, &progress);
  }

  /// Sends `req` (no body) and streams a 2xx answer's body to `sink` instead of
  /// response::body; other statuses keep their (error) body in response::body.
  response receive(const sigv4::signed_request& req, const body_sink& sink,
                   const progress_callback& progress = nullptr, const head_callback& head = nullptr) {
    return perform(req, nullptr, &sink, &progress, head ? &head : nullptr);
  }

 private:
  struct exchange {
    const body_source* source = nullptr;
    const body_sink* sink = nullptr;
    const progress_callback* progress = nullptr;
    const head_callback* head = nullptr;
    bool head_seen = false;
    response resp;
    std::exception_ptr failure;  // an exception thrown by a callback, rethrown after perform
    bool aborted = false;        // the progress callback asked to stop
    std::size_t max_body = default_max_body;
    std::size_t header_bytes = 0;
    const char* url = "";        // for messages, without its query
    // The stall detector's state.
    CURL* easy = nullptr;
    std::chrono::milliseconds stall_limit{0};
    std::chrono::steady_clock::time_point last_move;
    curl_off_t last_sent = -1;
    curl_off_t last_received = -1;
    bool stalled = false;
  };

  static error too_large(const exchange& x, const char* what) {
    return error(errc::too_large, std::string("curl: ") + detail::redact_url(x.url) + ": the answer's " + what +
                                      " passed the " + std::to_string(x.max_body / 1024) +
                                      " KiB cap (1 MiB is plenty for anything but object data); is the endpoint "
                                      "really S3 / the credentials service?");
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    try {
      return x->source->read(buffer, size * count);
    } catch (...) {
      x->failure = std::current_exception();
      return CURL_READFUNC_ABORT;
    }
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    const std::size_t n = size * count;
    try {
      if (x->sink != nullptr && *x->sink && x->resp.status >= 200 && x->resp.status < 300) {
        if (x->head != nullptr && !x->head_seen) {
          x->head_seen = true;
          (*x->head)(x->resp);
        }
        (*x->sink)(data, n);
      } else {
        if (n > x->max_body - std::min(x->max_body, x->resp.body.size())) throw too_large(*x, "body");
        x->resp.body.append(data, n);
      }
    } catch (...) {
      x->failure = std::current_exception();
      return 0;  // anything but n aborts the transfer
    }
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* x = static_cast<exchange*>(user);
    const std::size_t n = size * count;
    x->header_bytes += n;
    if (x->header_bytes > x->max_body) {
      x->failure = std::make_exception_ptr(too_large(*x, "headers"));
      return 0;
    }
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.substr(0, 5) == "HTTP/") {
      // A new status line (after 100 Continue, or an interim answer): start over.
      x->resp.headers.clear();
      const auto sp = line.find(' ');
      long status = 0;
      for (std::size_t i = sp == std::string_view::npos ? line.size() : sp + 1;
           i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
        status = status * 10 + (line[i] - '0');
      x->resp.status = status;
      return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    x->resp.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    return n;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t now_received, curl_off_t, curl_off_t now_sent) {
    auto* x = static_cast<exchange*>(user);
    if (x->stall_limit.count() > 0) {
      // The stall detector: no byte either way for read_timeout, once connected. (curl's
      // LOW_SPEED options average over several seconds, so they fire seconds late.)
      const auto now = std::chrono::steady_clock::now();
      curl_off_t connected = 0;
      curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connected);
      if (connected == 0 || now_sent != x->last_sent || now_received != x->last_received) {
        x->last_sent = now_sent;
        x->last_received = now_received;
        x->last_move = now;
      } else if (now - x->last_move >= x->stall_limit) {
        x->stalled = true;
        return 1;
      }
    }
    if (x->progress == nullptr) return 0;
    try {
      if (!(*x->progress)(static_cast<std::uint64_t>(now_sent), static_cast<std::uint64_t>(now_received))) {
        x->aborted = true;
        return 1;
      }
    } catch (...) {
      x->failure = std::current_exception();
      return 1;
    }
    return 0;
  }

  template <typename T>
  void set(CURLoption option, T value) {
    const CURLcode rc = curl_easy_setopt(easy_.get(), option, value);
    if (rc != CURLE_OK)
      throw error(errc::transport, std::string("curl: setting an option failed: ") + curl_easy_strerror(rc));
  }

  response perform(const sigv4::signed_request& req, const body_source* source, const body_sink* sink,
                   const progress_callback* progress, const head_callback* head = nullptr) {
    // curl_easy_reset clears every option but keeps the connection cache, so the next request
    // to the same host reuses the open connection.
    curl_easy_reset(easy_.get());
    exchange x;
    x.source = source;
    x.sink = sink;
    x.progress = progress != nullptr && *progress ? progress : nullptr;
    x.head = head;
    x.max_body = opts_.max_body;
    const std::string bare_url = detail::redact_url(req.url);
    x.url = bare_url.c_str();
    char errbuf[CURL_ERROR_SIZE] = {0};

    set(CURLOPT_URL, req.url.c_str());
    set(CURLOPT_PATH_AS_IS, 1L);  // S3 signs the path as sent: never let curl squash "./" or "../"
    set(CURLOPT_ERRORBUFFER, errbuf);
    set(CURLOPT_NOSIGNAL, 1L);    // no SIGALRM for DNS timeouts: clients may run on many threads
    set(CURLOPT_USERAGENT, opts_.user_agent.c_str());
    // curl reads a connect timeout of 0 as its 300 s default; "no limit" is a very long one.
    set(CURLOPT_CONNECTTIMEOUT_MS, opts_.connect_timeout.count() > 0 ? static_cast<long>(opts_.connect_timeout.count())
                                                                     : 0x7fffffffL);
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.total_timeout.count()));
    x.easy = easy_.get();
    x.stall_limit = opts_.read_timeout;
    x.last_move = std::chrono::steady_clock::now();
    set(CURLOPT_SSL_VERIFYPEER, opts_.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, opts_.verify_tls ? 2L : 0L);
    if (!opts_.ca_file.empty()) set(CURLOPT_CAINFO, opts_.ca_file.c_str());
    set(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect names another region; s3_client reports it
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Object data moves in 256 KiB reads and writes instead of curl's 16 KiB / 64 KiB: a
    // quarter or less of the system calls per GiB, for 0.5 MiB per transfer in flight.
    if (sink != nullptr) set(CURLOPT_BUFFERSIZE, static_cast<long>(transfer_buffer_size));
    if (source != nullptr && source->size >= transfer_buffer_size)
      set(CURLOPT_UPLOAD_BUFFERSIZE, static_cast<long>(transfer_buffer_size));
    set(CURLOPT_HEADERFUNCTION, &client::on_header);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&x));
    set(CURLOPT_WRITEFUNCTION, &client::on_write);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&x));
    if (x.progress != nullptr || x.stall_limit.count() > 0) {
      set(CURLOPT_NOPROGRESS, 0L);
      set(CURLOPT_XFERINFOFUNCTION, &client::on_progress);
      set(CURLOPT_XFERINFODATA, static_cast<void*>(&x));
    }

    detail::unique_slist headers;
    bool has_content_type = false;
    for (const auto& h : req.headers) {
      check_header(h);
      if (sigv4::lowercase(h.name) == "content-type") has_content_type = true;
      // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
      detail::append_header(headers, h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
    }

    const std::uint64_t body_size = source != nullptr ? source->size : 0;
    if (req.method == "GET") {
      set(CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else if (req.method == "PUT") {
      set(CURLOPT_UPLOAD, 1L);
      set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    } else if (req.method == "POST") {
      set(CURLOPT_POST, 1L);
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
      // curl would add "Content-Type: application/x-www-form-urlencoded" to a POST.
      if (!has_content_type) detail::append_header(headers, "Content-Type:");
    } else {
      set(CURLOPT_CUSTOMREQUEST, req.method.c_str());
      if (body_size > 0) {
        set(CURLOPT_UPLOAD, 1L);
        set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
      }
    }
    if (req.method == "PUT" || req.method == "POST" || body_size > 0) {
      static const body_source empty_source{0, [](char*, std::size_t) -> std::size_t { return 0; }};
      if (source == nullptr) x.source = &empty_source;
      set(CURLOPT_READFUNCTION, &client::on_read);
      set(CURLOPT_READDATA, static_cast<void*>(&x));
      // Small bodies skip the 100-continue round trip; large ones wait (up to 1 s) for the
      // server's go-ahead so a rejection does not cost the whole upload.
      detail::append_header(headers, body_size >= expect_continue_threshold ? "Expect: 100-continue" : "Expect:");
    }
    set(CURLOPT_HTTPHEADER, headers.get());

    const CURLcode rc = curl_easy_perform(easy_.get());
    if (x.failure) std::rethrow_exception(x.failure);
    if (x.stalled)
      throw error(errc::timeout, "curl: " + req.method + " " + detail::redact_url(req.url) + " stalled: nothing moved for " +
                                     std::to_string((opts_.read_timeout.count() + 999) / 1000) +
                                     " s; raise --cli-read-timeout (curl::options::read_timeout, 0: none)");
    if (x.aborted) throw error(errc::transport, "curl: " + req.method + " " + detail::redact_url(req.url) +
                                                    " was cancelled by the progress callback");
    if (rc != CURLE_OK) throw transport_error(req, rc, errbuf);
    long status = 0;
    curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) x.resp.status = status;
    return std::move(x.resp);
  }

  // The last guard against header injection (signing checks first, sigv4::validate_header):
  // whatever reaches the wire is one header line per header.
  static void check_header(const sigv4::header& h) {
    if (!sigv4::is_token(h.name))
      throw error(errc::invalid_argument, "curl: header name \"" + h.name + "\" is not an HTTP token; remove it");
    if (!sigv4::is_field_value(h.value))
      throw error(errc::invalid_argument, "curl: header \"" + h.name +
                                              "\" has a control character (CR, LF, NUL, ...) in its value; remove it");
  }

  error transport_error(const sigv4::signed_request& req, CURLcode rc, const char* errbuf) const {
    std::string msg = "curl: " + req.method + " " + detail::redact_url(req.url) + " failed: " + curl_easy_strerror(rc);
    if (errbuf[0] != '\0') msg += std::string(" (") + errbuf + ")";
    errc code = errc::transport;
    const std::string_view detail_text(errbuf);
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
        msg += "; is the server running, and are the endpoint URL and port right?";
        break;
      case CURLE_COULDNT_RESOLVE_HOST:
        msg += "; check the endpoint host name and your DNS";
        break;
      case CURLE_OPERATION_TIMEDOUT:
        code = errc::timeout;
        if (detail_text.find("onnect") != std::string_view::npos || detail_text.find("esolv") != std::string_view::npos)
          msg += "; no connection within the connect timeout: check the endpoint, or raise --cli-connect-timeout "
                 "(curl::options::connect_timeout)";
        else
          msg += "; the exchange passed its total time limit (curl::options::total_timeout)";
        break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
        msg += "; the server's TLS certificate was not trusted: check the endpoint host name, or trust its CA with "
               "--ca-bundle FILE, AWS_CA_BUNDLE or ca_bundle in the config file (--no-verify-ssl skips the check)";
        break;
      case CURLE_WEIRD_SERVER_REPLY:
      case CURLE_UNSUPPORTED_PROTOCOL:
        msg += "; the endpoint did not answer with HTTP: is it really an S3 server?";
        break;
      default:
        break;
    }
    for (char& c : msg)
      if (c == '\n' || c == '\r') c = ' ';
    return error(code, msg);
  }

  options opts_;
  detail::unique_easy easy_;
};

}  // namespace curl
}  // namespace urlmint

#endif  // URLMINT_CURL_HPP
