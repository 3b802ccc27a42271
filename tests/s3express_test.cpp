#include <catch2/catch.hpp>

#include <urlmint/s3_client.hpp>
#include <urlmint/s3express.hpp>
#include <urlmint/s3express_sessions.hpp>

#include <atomic>
#include <thread>

#include "loopback_server.hpp"
#include "test_support.hpp"

namespace s3 = urlmint::s3;
namespace s3express = urlmint::s3express;

namespace {

const urlmint::credentials base_creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
const urlmint::time_point t0 = *urlmint::parse_amz_date("20260301T123456Z");

urlmint::credentials session_at(urlmint::time_point created, const std::string& n = "1") {
  urlmint::credentials c("ASIASESSION" + n, "session-secret-" + n, "session-token+/=" + n);
  c.expiration = created + s3express::session_lifetime;
  return c;
}

std::string header_value(const std::vector<urlmint::sigv4::header>& headers, const std::string& name) {
  for (const auto& h : headers)
    if (urlmint::sigv4::lowercase(h.name) == name) return h.value;
  return {};
}

}  // namespace

TEST_CASE("directory bucket names, zone IDs and zonal hosts", "[s3express]") {
  CHECK(s3express::is_directory_bucket("charts--usw2-az1--x-s3"));
  CHECK(s3express::is_directory_bucket("my-bucket--use1-az4--x-s3"));
  CHECK_FALSE(s3express::is_directory_bucket("charts"));
  CHECK_FALSE(s3express::is_directory_bucket("--x-s3"));
  CHECK_FALSE(s3express::is_directory_bucket("charts--x-s3"));
  CHECK(s3express::zone_id("charts--usw2-az1--x-s3") == "usw2-az1");
  CHECK(s3express::zone_id("a--b--usw2-lax1-az1--x-s3") == "usw2-lax1-az1");
  CHECK(s3express::zonal_host("charts--usw2-az1--x-s3", "us-west-2") ==
        "charts--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com");
  CHECK(s3express::bucket_name_problem("charts--usw2-az1--x-s3").empty());
  CHECK_FALSE(s3express::bucket_name_problem("Charts--usw2-az1--x-s3").empty());
  CHECK_FALSE(s3express::bucket_name_problem("charts.x--usw2-az1--x-s3").empty());

  s3::config cfg;
  cfg.region = "us-west-2";
  CHECK(s3::object_url(cfg, "charts--usw2-az1--x-s3", "a/b.png") ==
        "https://charts--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/a/b.png");
  cfg.style = s3::addressing_style::path;
  CHECK_THROWS_WITH(s3::object_url(cfg, "charts--usw2-az1--x-s3", "k"), Catch::Contains("virtual-hosted only"));
  // A custom endpoint keeps its own addressing (path-style for an IP), as botocore does.
  cfg.style = s3::addressing_style::automatic;
  cfg.endpoint_url = "http://127.0.0.1:9000";
  CHECK(s3::object_url(cfg, "charts--usw2-az1--x-s3", "k") == "http://127.0.0.1:9000/charts--usw2-az1--x-s3/k");
  // ...and signs for s3express there too (botocore sends CreateSession to the custom endpoint),
  // so the location names the service a verifier must expect.
  CHECK(s3::resolve(cfg, "charts--usw2-az1--x-s3", "k").signing_service == "s3express");
  CHECK(s3::resolve(cfg, "charts", "k").signing_service == "s3");
  cfg.endpoint_url.clear();
  CHECK(s3::resolve(cfg, "charts--usw2-az1--x-s3", "k").signing_service == "s3express");
}

TEST_CASE("session signing: service s3express, the token as x-amz-s3session-token, never x-amz-security-token",
          "[s3express]") {
  s3::config cfg;
  cfg.region = "us-west-2";
  const auto session = session_at(t0);
  const auto signed_req = s3::sign_request(session, cfg, "GET", "charts--usw2-az1--x-s3", "a/chart.png", {}, {},
                                           urlmint::sigv4::empty_payload_sha256, t0);
  CHECK(signed_req.url == "https://charts--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/a/chart.png");
  CHECK(header_value(signed_req.headers, "x-amz-s3session-token") == "session-token+/=1");
  CHECK(header_value(signed_req.headers, "x-amz-security-token").empty());
  const std::string auth = header_value(signed_req.headers, "authorization");
  CHECK(auth.find("Credential=ASIASESSION1/20260301/us-west-2/s3express/aws4_request") != std::string::npos);
  CHECK(auth.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-s3session-token,") != std::string::npos);

  s3::presign_options o;
  o.expires_in = std::chrono::seconds(300);
  const std::string url = s3::presign(session, cfg, "charts--usw2-az1--x-s3", "a/chart.png", o, t0);
  CHECK(url.find("&X-Amz-S3session-Token=session-token%2B%2F%3D1&") != std::string::npos);
  CHECK(url.find("X-Amz-Security-Token") == std::string::npos);
  CHECK(url.find("X-Amz-Credential=ASIASESSION1%2F20260301%2Fus-west-2%2Fs3express%2Faws4_request") !=
        std::string::npos);

  const auto create = s3::sign_create_session(base_creds, cfg, "charts--usw2-az1--x-s3", t0);
  CHECK(create.url == "https://charts--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/?session=");
  CHECK(header_value(create.headers, "authorization")
            .find("Credential=AKIDEXAMPLE/20260301/us-west-2/s3express/aws4_request, "
                  "SignedHeaders=host;x-amz-content-sha256;x-amz-date,") != std::string::npos);
  CHECK_THROWS_WITH(s3::sign_create_session(base_creds, cfg, "charts", t0), Catch::Contains("directory buckets"));
}

TEST_CASE("a signer without a session cache refuses directory buckets; with one it presigns with the session",
          "[s3express]") {
  s3::config cfg;
  cfg.region = "us-west-2";
  s3::signer signer(base_creds, cfg);
  CHECK_THROWS_WITH(signer.presign("charts--usw2-az1--x-s3", "k", {}, t0), Catch::Contains("S3 Express session"));
  CHECK(signer.presign("charts", "k", {}, t0).find("X-Amz-Credential=AKIDEXAMPLE") != std::string::npos);
  int calls = 0;
  signer.use_sessions(std::make_shared<s3express::session_cache>(
      [&](std::string_view bucket, const urlmint::credentials& base, urlmint::time_point now) {
        ++calls;
        CHECK(bucket == "charts--usw2-az1--x-s3");
        CHECK(base.access_key_id == "AKIDEXAMPLE");
        return session_at(now);
      }));
  const std::string url = signer.presign("charts--usw2-az1--x-s3", "k", {}, t0);
  CHECK(url.find("X-Amz-S3session-Token=") != std::string::npos);
  CHECK(signer.presign("charts--usw2-az1--x-s3", "k2", {}, t0 + std::chrono::seconds(10)) != url);
  CHECK(calls == 1);
}

TEST_CASE("the session cache: one CreateSession per bucket, renewed before the five minutes end", "[s3express]") {
  std::atomic<int> calls{0};
  s3express::session_cache cache([&](std::string_view, const urlmint::credentials&, urlmint::time_point now) {
    return session_at(now, std::to_string(++calls));
  });
  const auto a = cache.get("a--usw2-az1--x-s3", base_creds, t0);
  CHECK(cache.get("a--usw2-az1--x-s3", base_creds, t0 + std::chrono::seconds(200)) == a);
  CHECK(calls == 1);
  const auto b = cache.get("b--usw2-az1--x-s3", base_creds, t0);
  CHECK(b != a);
  CHECK(calls == 2);
  // Another access key gets its own session.
  CHECK(cache.get("a--usw2-az1--x-s3", urlmint::credentials("AKIDOTHER", "s"), t0) != a);
  CHECK(calls == 3);
  // Within the last minute of its life the session is renewed.
  const auto renewed = cache.get("a--usw2-az1--x-s3", base_creds, t0 + std::chrono::seconds(241));
  CHECK(renewed != a);
  CHECK(calls == 4);
  CHECK(cache.sessions_created() == 4);
}

TEST_CASE("the session cache is shared by threads: concurrent first uses make one CreateSession", "[s3express][thread]") {
  std::atomic<int> calls{0};
  s3express::session_cache cache([&](std::string_view, const urlmint::credentials&, urlmint::time_point now) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return session_at(now);
  });
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<const urlmint::credentials>> got(8);
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = cache.get("a--usw2-az1--x-s3", base_creds, t0); });
  for (auto& t : threads) t.join();
  CHECK(calls == 1);
  for (const auto& g : got) CHECK(g == got[0]);
  // During a renewal the others keep the still-valid session instead of waiting.
  std::atomic<bool> renewing{false};
  s3express::session_cache slow([&](std::string_view, const urlmint::credentials&, urlmint::time_point now) {
    if (renewing) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return session_at(now, renewing ? "2" : "1");
  });
  const auto first = slow.get("a--usw2-az1--x-s3", base_creds, t0);
  renewing = true;
  const auto late = t0 + std::chrono::seconds(250);
  std::thread renewer([&] { CHECK(slow.get("a--usw2-az1--x-s3", base_creds, late)->access_key_id == "ASIASESSION2"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(slow.get("a--usw2-az1--x-s3", base_creds, late) == first);
  renewer.join();
}

TEST_CASE("s3::client: upload and download on a directory bucket make one CreateSession, then send the token",
          "[s3express]") {
  std::atomic<int> sessions{0};
  test_support::loopback_server server([&](const test_support::received_request& r) -> std::string {
    if (r.head.rfind("GET /data--usw2-az1--x-s3?session", 0) == 0 ||
        r.head.rfind("GET /data--usw2-az1--x-s3/?session", 0) == 0) {
      ++sessions;
      const std::string body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateSessionResult xmlns=\"http://s3.amazonaws.com/doc/"
          "2006-03-01/\"><Credentials><SessionToken>TOKEN-1</SessionToken><SecretAccessKey>SECRET-1</"
          "SecretAccessKey><AccessKeyId>ASIASESSION1</AccessKeyId><Expiration>2099-01-01T00:00:00Z</Expiration>"
          "</Credentials></CreateSessionResult>";
      return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    const std::string etag = "ETag: \"5d41402abc4b2a76b9719d911017c592\"\r\n";  // MD5 of "hello"
    if (r.head.rfind("GET ", 0) == 0) return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + etag + "\r\nhello";
    if (r.head.rfind("HEAD ", 0) == 0) return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + etag + "\r\n";
    if (r.head.rfind("DELETE ", 0) == 0) return "HTTP/1.1 204 No Content\r\n\r\n";
    return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + etag + "\r\n";
  });
  s3::config cfg;
  cfg.region = "us-west-2";
  cfg.endpoint_url = server.url();
  s3::client client(base_creds, cfg);
  client.put_object("data--usw2-az1--x-s3", "a/b.txt", "hello");
  CHECK(client.get_object("data--usw2-az1--x-s3", "a/b.txt").body == "hello");
  client.head_object("data--usw2-az1--x-s3", "a/b.txt");
  client.delete_object("data--usw2-az1--x-s3", "a/b.txt");
  CHECK(sessions == 1);
  const auto requests = server.requests();
  REQUIRE(requests.size() >= 5);
  CHECK(requests[0].head.find("Credential=AKIDEXAMPLE/") != std::string::npos);
  CHECK(requests[0].head.find("/s3express/aws4_request") != std::string::npos);
  for (std::size_t i = 1; i < requests.size(); ++i) {
    CHECK(requests[i].head.find("x-amz-s3session-token: TOKEN-1\r\n") != std::string::npos);
    CHECK(requests[i].head.find("Credential=ASIASESSION1/") != std::string::npos);
    CHECK(requests[i].head.find("/us-west-2/s3express/aws4_request") != std::string::npos);
    CHECK(requests[i].head.find("Content-MD5") == std::string::npos);
    CHECK(requests[i].head.find("x-amz-security-token") == std::string::npos);
  }
}

TEST_CASE("botocore 1.43's S3 Express requests and presigned URL, byte for byte (tests/data/s3express)",
          "[s3express][botocore]") {
  const std::string dir = test_support::data_dir() + "/s3express/";
  auto recorded = [&](const std::string& name) {
    std::string text = *test_support::read_file(dir + name);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  };
  auto sorted_url = [](const std::string& url) {
    const auto q = url.find('?');
    std::vector<std::string> parts;
    std::string rest = url.substr(q + 1);
    for (std::size_t start = 0; start <= rest.size();) {
      const auto amp = std::min(rest.find('&', start), rest.size());
      parts.push_back(rest.substr(start, amp - start));
      start = amp + 1;
    }
    std::sort(parts.begin(), parts.end());
    std::string out = url.substr(0, q);
    for (const auto& p : parts) out += "\n" + p;
    return out;
  };
  const urlmint::credentials base("AKIDEXPRESSBASE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  const urlmint::credentials session("ASIAEXPRESSSESSION", "session/secret+key", "session-token+/=value");
  const std::string bucket = "charts--usw2-az1--x-s3";
  s3::config cfg;
  cfg.region = "us-west-2";

  s3::presign_options o;
  o.expires_in = std::chrono::seconds(300);
  CHECK(sorted_url(s3::presign(session, cfg, bucket, "a b/c.png", o, t0)) ==
        sorted_url(recorded("botocore-aws-presign.txt")));

  const auto create = s3::sign_create_session(base, cfg, bucket, t0);
  CHECK(create.url == recorded("botocore-create-session-url.txt") + "=");
  CHECK(header_value(create.headers, "authorization") == recorded("botocore-create-session-authorization.txt"));

  const auto get = s3::sign_request(session, cfg, "GET", bucket, "a b/c.png", {}, {{"x-amz-checksum-mode", "ENABLED"}},
                                    urlmint::sigv4::empty_payload_sha256, t0);
  CHECK(get.url == recorded("botocore-get-url.txt"));
  CHECK(header_value(get.headers, "authorization") == recorded("botocore-get-authorization.txt"));
}
