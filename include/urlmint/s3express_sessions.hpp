#ifndef URLMINT_S3EXPRESS_SESSIONS_HPP
#define URLMINT_S3EXPRESS_SESSIONS_HPP

// S3 Express One Zone sessions: the CreateSession answer, and a thread-safe cache of session
// credentials per directory bucket. Apart from s3express.hpp because only code that keeps
// sessions (s3::client, or whoever gives a signer use_sessions()) needs the credential-file
// parser, locks, map and std::function; signing-only TUs do not.

#include <atomic>      // std::atomic
#include <chrono>      // std::chrono::seconds
#include <functional>  // std::function
#include <map>         // std::map
#include <memory>      // std::shared_ptr
#include <mutex>       // std::mutex
#include <string>
#include <string_view>
#include <utility>     // std::pair

#include "config.hpp"
#include "credentials.hpp"
#include "s3express.hpp"
#include "time.hpp"

namespace urlmint {
namespace s3express {

/// The session credentials of a CreateSession answer (<CreateSessionResult><Credentials> with
/// AccessKeyId, SecretAccessKey, SessionToken, Expiration). Throws errc::invalid_credentials
/// naming what is missing. https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
URLMINT_DECL credentials parse_create_session(std::string_view xml, std::string_view bucket);

// ---------------------------------------------------------------------------------------------
// The session cache.

/// Session credentials per (bucket, access key id), shared between threads. A session is
/// renewed `refresh_margin` before it expires: the first thread to see that calls CreateSession
/// while the others keep signing with the still-valid session; once it has expired (or for
/// the first request) callers wait for the one CreateSession in flight for that bucket.
class session_cache final : public session_source {
 public:
  /// Calls CreateSession for `bucket` with the caller's credentials at `now`.
  using create_session_fn =
      std::function<credentials(std::string_view bucket, const credentials& base, time_point now)>;

  explicit session_cache(create_session_fn create, std::chrono::seconds refresh_margin = std::chrono::seconds(60))
      : create_(std::move(create)), margin_(refresh_margin) {}

  /// The session for `bucket` under `base` at `now`, from the cache or a new CreateSession.
  std::shared_ptr<const credentials> get(std::string_view bucket, const credentials& base, time_point now) override {
    std::shared_ptr<entry> e;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& slot = entries_[{std::string(bucket), base.access_key_id}];
      if (!slot) slot = std::make_shared<entry>();
      e = slot;
    }
    std::unique_lock<std::mutex> refresh(e->refresh_mutex, std::defer_lock);
    {
      std::lock_guard<std::mutex> lock(e->value_mutex);
      if (e->session && now + margin_ < until(*e->session, e->fetched_at)) return e->session;
      // Inside the margin and another thread is already renewing it: keep the valid one.
      if (e->session && now < until(*e->session, e->fetched_at) && !refresh.try_lock()) return e->session;
    }
    if (!refresh.owns_lock()) refresh.lock();
    {
      std::lock_guard<std::mutex> lock(e->value_mutex);  // renewed while we waited?
      if (e->session && now + margin_ < until(*e->session, e->fetched_at)) return e->session;
    }
    auto fresh = std::make_shared<const credentials>(create_(bucket, base, now));
    std::lock_guard<std::mutex> lock(e->value_mutex);
    e->session = fresh;
    e->fetched_at = now;
    ++created_;
    return fresh;
  }

  /// How many CreateSession calls this cache has made.
  std::size_t sessions_created() const noexcept { return created_.load(); }

 private:
  struct entry {
    std::mutex refresh_mutex;  // one CreateSession per bucket at a time
    std::mutex value_mutex;    // guards session and fetched_at
    std::shared_ptr<const credentials> session;
    time_point fetched_at{};
  };
  // A session without <Expiration> is taken to last the documented five minutes.
  static time_point until(const credentials& c, time_point fetched_at) {
    return c.expiration ? *c.expiration : fetched_at + session_lifetime;
  }

  create_session_fn create_;
  std::chrono::seconds margin_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<entry>> entries_;
  std::atomic<std::size_t> created_{0};
};

}  // namespace s3express
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3express_sessions.ipp"
#endif

#endif  // URLMINT_S3EXPRESS_SESSIONS_HPP
