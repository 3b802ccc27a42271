#ifndef URLMINT_CREDENTIALS_HPP
#define URLMINT_CREDENTIALS_HPP

// AWS credentials and the memory hygiene around them. The provider chain (shared files,
// credential_process, container and instance metadata) lives in providers.hpp.

#include <chrono>       // std::chrono::seconds
#include <cstdlib>      // std::getenv
#include <memory>       // std::shared_ptr
#include <optional>     // std::optional
#include <string>
#include <string_view>
#include <type_traits>  // std::enable_if_t
#include <utility>      // std::move, std::declval

#include "config.hpp"
#include "crypto.hpp"
#include "error.hpp"
#include "time.hpp"

namespace urlmint {

/// A string holding a secret (secret access key, session token, passphrase). Its memory is
/// wiped when it is destroyed, reassigned or moved from. It has no stream operator, so a
/// secret cannot be printed by accident; call reveal() where the bytes are really needed.
class secret_string {
 public:
  secret_string() = default;
  explicit secret_string(std::string_view value) : value_(value) {}
  secret_string(const secret_string& other) : value_(other.value_) {}
  secret_string(secret_string&& other) noexcept : value_(other.value_) { other.wipe(); }
  secret_string& operator=(const secret_string& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  secret_string& operator=(secret_string&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = other.value_;
      other.wipe();
    }
    return *this;
  }
  ~secret_string() { wipe(); }

  /// The secret bytes. Never log or print them.
  std::string_view reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  std::size_t size() const noexcept { return value_.size(); }

  /// Overwrites the bytes (the whole allocation) and empties the string.
  void wipe() noexcept {
    secure_wipe(value_.data(), value_.capacity());
    value_.clear();
  }

 private:
  std::string value_;
};

/// An AWS access key pair, optionally temporary (with a session token and an expiry).
struct credentials {
  std::string access_key_id;         ///< e.g. "AKIAIOSFODNN7EXAMPLE"; not secret, may be logged
  secret_string secret_access_key;   ///< never printed
  secret_string session_token;       ///< empty for long-term keys; never printed
  std::optional<time_point> expiration;  ///< when temporary credentials stop working

  credentials() = default;
  credentials(std::string_view access_key_id_, std::string_view secret_access_key_,
              std::string_view session_token_ = {})
      : access_key_id(access_key_id_), secret_access_key(secret_access_key_), session_token(session_token_) {}

  /// Whether the credentials are temporary (carry a session token).
  bool is_temporary() const noexcept { return !session_token.empty(); }
};

/// Throws errc::invalid_credentials when the key id or secret is missing or malformed.
/// The message names the field, never its value.
URLMINT_DECL void validate(const credentials& c);

/// Where a long-lived object (s3::signer, s3::client, publish::publisher) gets its credentials:
/// a fixed set, or a source that rotates them, such as a providers::provider on EC2, ECS or
/// EKS, whose temporary credentials change every few hours. Cheap to copy; copies share the
/// source.
class credentials_source {
 public:
  /// Fixed credentials (long-term keys, or a snapshot the caller renews itself).
  URLMINT_DECL credentials_source(credentials fixed);  // NOLINT(google-explicit-constructor): as before

  /// A rotating source: any `T` with `std::shared_ptr<const credentials> get(time_point now)`,
  /// e.g. providers::provider. When `T` also has `get(time_point now, time_point& current_until)`
  /// (providers::provider does), users of the source ask again only after `current_until`;
  /// otherwise at most once a second.
  template <class T, class = std::enable_if_t<std::is_convertible_v<
                         decltype(std::declval<T&>().get(std::declval<time_point>())), std::shared_ptr<const credentials>>>>
  credentials_source(std::shared_ptr<T> source)  // NOLINT(google-explicit-constructor)
      : impl_(std::make_shared<shared_impl<T>>(std::move(source))) {}

  /// The credentials to use at `now`. Throws what the source throws (errc::invalid_credentials
  /// when there are none).
  std::shared_ptr<const credentials> get(time_point now) const {
    time_point until;
    return impl_->get(now, until);
  }
  /// The same, and until when (at the latest) that answer stays the one to use: time_point::max()
  /// for fixed credentials, the refresh time for a provider.
  std::shared_ptr<const credentials> get(time_point now, time_point& current_until) const {
    return impl_->get(now, current_until);
  }
  /// Whether the credentials can change (anything but fixed credentials).
  bool rotates() const noexcept { return impl_->rotates(); }

 private:
  struct impl {
    virtual ~impl() = default;
    virtual std::shared_ptr<const credentials> get(time_point now, time_point& current_until) = 0;
    virtual bool rotates() const noexcept = 0;
  };
  struct fixed_impl final : impl {
    explicit fixed_impl(std::shared_ptr<const credentials> c) : creds(std::move(c)) {}
    std::shared_ptr<const credentials> get(time_point, time_point& current_until) override {
      current_until = time_point::max();
      return creds;
    }
    bool rotates() const noexcept override { return false; }
    std::shared_ptr<const credentials> creds;
  };
  template <class T, class = void>
  struct has_deadline : std::false_type {};
  template <class T>
  struct has_deadline<T, std::void_t<decltype(std::declval<T&>().get(std::declval<time_point>(),
                                                                     std::declval<time_point&>()))>>
      : std::true_type {};
  template <class T>
  struct shared_impl final : impl {
    explicit shared_impl(std::shared_ptr<T> s) : source(std::move(s)) {}
    std::shared_ptr<const credentials> get(time_point now, time_point& current_until) override {
      if constexpr (has_deadline<T>::value) {
        return source->get(now, current_until);
      } else {
        std::shared_ptr<const credentials> c = source->get(now);
        current_until = now + std::chrono::seconds(1);
        if (c && c->expiration && *c->expiration < current_until) current_until = *c->expiration;
        return c;
      }
    }
    bool rotates() const noexcept override { return true; }
    std::shared_ptr<T> source;
  };
  std::shared_ptr<impl> impl_;
};

/// Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. Returns nullopt when
/// neither key variable is set; throws errc::invalid_credentials when only one of them is.
URLMINT_DECL std::optional<credentials> credentials_from_environment();

}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/credentials.ipp"
#endif

#endif  // URLMINT_CREDENTIALS_HPP
