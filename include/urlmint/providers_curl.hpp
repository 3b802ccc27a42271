#ifndef URLMINT_PROVIDERS_CURL_HPP
#define URLMINT_PROVIDERS_CURL_HPP

// Plugs urlmint's libcurl client into the credentials chain's transport, so the web
// identity, container and instance-metadata sources can reach STS and the metadata endpoints.
// Separate from providers.hpp so that signing never needs libcurl.

#include <optional>  // std::optional
#include <string>
#include <utility>  // std::move

#include "curl.hpp"
#include "providers.hpp"

namespace urlmint {
namespace providers {

/// A providers::transport that sends each request with a fresh urlmint::curl::client, using the
/// request's own connect and total timeouts (1 s / 2 s for metadata endpoints) over `base`
/// (user agent, TLS verification). A client per request keeps the transport thread-safe, and
/// credential fetches are rare enough that connection reuse does not matter. Keep a
/// urlmint::curl::global alive while it is used.
inline transport curl_transport(curl::options base = {}) {
  return [base](const http_request& r) {
    curl::options o = base;
    o.connect_timeout = r.connect_timeout;
    o.total_timeout = r.total_timeout;
    curl::client client(o);
    sigv4::signed_request req{r.method, r.url, r.headers};
    curl::response resp;
    try {
      resp = client.send(req, r.body);
    } catch (...) {
      for (auto& h : req.headers) detail::wipe(h.value);
      throw;
    }
    for (auto& h : req.headers) detail::wipe(h.value);
    for (auto& h : resp.headers) detail::wipe(h.value);
    http_response out;
    out.status = resp.status;
    out.body = std::move(resp.body);
    return out;
  };
}

/// chain_options reading the process environment and files, with the curl transport.
inline chain_options default_chain_options(std::optional<std::string> profile = std::nullopt) {
  chain_options o;
  o.profile = std::move(profile);
  o.http = curl_transport();
  return o;
}

}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_PROVIDERS_CURL_HPP
