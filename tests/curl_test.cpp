#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <urlmint/curl.hpp>

#include "loopback_server.hpp"

namespace curl = urlmint::curl;
using test_support::http_reply;
using test_support::loopback_server;

namespace {
urlmint::sigv4::signed_request request(std::string method, std::string url,
                                       std::vector<urlmint::sigv4::header> headers = {}) {
  return {std::move(method), std::move(url), std::move(headers)};
}
const curl::global curl_global_for_tests;
}  // namespace

TEST_CASE("a GET returns the status, headers and body and sends urlmint's user agent", "[curl]") {
  loopback_server server([](const test_support::received_request&) {
    return http_reply(200, "hello", "ETag: \"abc\"\r\nX-Amz-Request-Id: r1\r\n");
  });
  curl::client c;
  const auto r = c.send(request("GET", server.url() + "/b/k", {{"x-amz-date", "20130524T000000Z"}}));
  CHECK(r.status == 200);
  CHECK(r.body == "hello");
  CHECK(r.header("etag") == std::optional<std::string>("\"abc\""));
  CHECK(r.header("x-amz-request-id") == std::optional<std::string>("r1"));
  CHECK_FALSE(r.header("x-missing"));
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].head.substr(0, 19) == "GET /b/k HTTP/1.1\r\n");
  CHECK(reqs[0].head.find("\r\nUser-Agent: urlmint/" + std::string(urlmint::version) + "\r\n") != std::string::npos);
  CHECK(reqs[0].head.find("\r\nx-amz-date: 20130524T000000Z\r\n") != std::string::npos);
}

TEST_CASE("one client reuses its connection for consecutive requests", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, "ok"); });
  curl::client c;
  for (int i = 0; i < 3; ++i) CHECK(c.send(request("GET", server.url() + "/x")).status == 200);
  CHECK(server.connections() == 1);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("clients on several threads sharing one curl::share each keep their own connection", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, "ok"); });
  curl::options o;
  o.share = std::make_shared<curl::share>();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      curl::client c(o);
      for (int i = 0; i < 5; ++i)
        if (c.send(request("GET", server.url() + "/x")).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 20);
  CHECK(server.connections() == 4);
}

TEST_CASE("a PUT sends its body with Content-Length and no Expect for small bodies", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, ""); });
  curl::client c;
  CHECK(c.send(request("PUT", server.url() + "/b/k", {{"Content-Type", "image/png"}}), "PNGDATA").status == 200);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].body == "PNGDATA");
  CHECK(reqs[0].head.find("\r\nContent-Length: 7\r\n") != std::string::npos);
  CHECK(reqs[0].head.find("\r\nContent-Type: image/png\r\n") != std::string::npos);
  CHECK(reqs[0].head.find("Expect") == std::string::npos);
}

TEST_CASE("a large streamed PUT waits for 100 Continue and arrives whole", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, ""); });
  curl::client c;
  const std::size_t size = 3 * 1024 * 1024 + 17;
  std::size_t produced = 0;
  curl::body_source src;
  src.size = size;
  src.read = [&](char* buf, std::size_t cap) {
    const std::size_t n = std::min(cap, size - produced);
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<char>('a' + (produced + i) % 26);
    produced += n;
    return n;
  };
  std::uint64_t last_sent = 0;
  const auto r = c.send(request("PUT", server.url() + "/big"), src, [&](std::uint64_t sent, std::uint64_t) {
    last_sent = sent;
    return true;
  });
  CHECK(r.status == 200);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].head.find("\r\nExpect: 100-continue\r\n") != std::string::npos);
  REQUIRE(reqs[0].body.size() == size);
  CHECK(reqs[0].body.substr(size - 3) == std::string{static_cast<char>('a' + (size - 3) % 26),
                                                     static_cast<char>('a' + (size - 2) % 26),
                                                     static_cast<char>('a' + (size - 1) % 26)});
  CHECK(last_sent == size);
}

TEST_CASE("a POST without a Content-Type gets none from curl", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, "<x/>"); });
  curl::client c;
  CHECK(c.send(request("POST", server.url() + "/b/k?uploads="), "").status == 200);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].head.substr(0, 29) == "POST /b/k?uploads= HTTP/1.1\r\n");
  CHECK(reqs[0].head.find("Content-Type") == std::string::npos);
  CHECK(reqs[0].head.find("\r\nContent-Length: 0\r\n") != std::string::npos);
}

TEST_CASE("HEAD and DELETE use their methods and error statuses come back as responses", "[curl]") {
  loopback_server server([](const test_support::received_request& r) {
    if (r.head.substr(0, 4) == "HEAD") return std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\n");
    return http_reply(204, "");
  });
  curl::client c;
  CHECK(c.send(request("HEAD", server.url() + "/b/k")).status == 404);
  CHECK(c.send(request("DELETE", server.url() + "/b/k")).status == 204);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].head.substr(0, 9) == "HEAD /b/k");
  CHECK(reqs[1].head.substr(0, 11) == "DELETE /b/k");
}

TEST_CASE("a streamed download goes to the sink, an error body stays in the response", "[curl]") {
  loopback_server server([](const test_support::received_request& r) {
    if (r.head.find("/missing") != std::string::npos) return http_reply(404, "<Error><Code>NoSuchKey</Code></Error>");
    return http_reply(200, "chart-bytes");
  });
  curl::client c;
  std::string sunk;
  const curl::body_sink sink = [&](const char* d, std::size_t n) { sunk.append(d, n); };
  auto ok = c.receive(request("GET", server.url() + "/b/k"), sink);
  CHECK(ok.status == 200);
  CHECK(sunk == "chart-bytes");
  CHECK(ok.body.empty());
  sunk.clear();
  auto missing = c.receive(request("GET", server.url() + "/b/missing"), sink);
  CHECK(missing.status == 404);
  CHECK(sunk.empty());
  CHECK(missing.body == "<Error><Code>NoSuchKey</Code></Error>");
}

TEST_CASE("a refused connection is a transport error that names the fix and not the query", "[curl]") {
  int port = 0;
  { loopback_server closed([](const test_support::received_request&) { return std::string(); });
    port = closed.port(); }
  curl::client c;
  try {
    c.send(request("GET", "http://127.0.0.1:" + std::to_string(port) + "/b/k?X-Amz-Signature=secretish"));
    FAIL("no exception");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::transport);
    const std::string what = e.what();
    CHECK(what.find("curl: GET http://127.0.0.1:" + std::to_string(port) + "/b/k failed: Couldn't connect to server") == 0);
    CHECK(what.find("is the server running, and are the endpoint URL and port right?") != std::string::npos);
    CHECK(what.find("secretish") == std::string::npos);
  }
}

TEST_CASE("a server that answers garbage is a transport error", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return std::string("garbage\r\n\r\n"); });
  curl::client c;
  try {
    c.send(request("GET", server.url() + "/b/k"));
    FAIL("no exception");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::transport);
    CHECK(std::string(e.what()).find("is it really an S3 server?") != std::string::npos);
  }
}

TEST_CASE("a server that never answers times out with errc::timeout", "[curl]") {
  loopback_server server([](const test_support::received_request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    return std::string();
  });
  curl::options o;
  o.total_timeout = std::chrono::milliseconds(200);
  curl::client c(o);
  try {
    c.send(request("GET", server.url() + "/slow"));
    FAIL("no exception");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::timeout);
    CHECK(std::string(e.what()).find("Timeout was reached") != std::string::npos);
  }
}

TEST_CASE("an exception thrown by a body source reaches the caller", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, ""); });
  curl::client c;
  curl::body_source src;
  src.size = 10;
  src.read = [](char*, std::size_t) -> std::size_t {
    throw urlmint::error(urlmint::errc::io, "read failed");
  };
  CHECK_THROWS_WITH(c.send(request("PUT", server.url() + "/b/k"), src), "read failed");
}

TEST_CASE("a stalled answer ends after read_timeout with errc::timeout naming --cli-read-timeout", "[curl]") {
  loopback_server server([](const test_support::received_request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return std::string();
  });
  curl::options o;
  o.read_timeout = std::chrono::seconds(1);
  curl::client c(o);
  try {
    c.send(request("GET", server.url() + "/stall"));
    FAIL("no exception");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::timeout);
    CHECK(std::string(e.what()).find("--cli-read-timeout") != std::string::npos);
  }
}

TEST_CASE("a body that is not object data is capped (errc::too_large); a sink is not", "[curl]") {
  const std::string big(3 * 1024 * 1024, 'A');
  loopback_server server([&](const test_support::received_request& r) {
    return r.head.find("/error") != std::string::npos ? http_reply(500, big) : http_reply(200, big);
  });
  curl::client c;
  try {
    c.send(request("GET", server.url() + "/error?X-Amz-Signature=secret"));
    FAIL("no exception");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::too_large);
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
  std::size_t got = 0;
  curl::client c2;
  CHECK(c2.receive(request("GET", server.url() + "/object"), [&](const char*, std::size_t n) { got += n; }).status == 200);
  CHECK(got == big.size());
}

TEST_CASE("a header with CR/LF never reaches the wire, even when the caller built the request", "[curl]") {
  loopback_server server([](const test_support::received_request&) { return http_reply(200, ""); });
  curl::client c;
  for (const urlmint::sigv4::header& h : {urlmint::sigv4::header{"Authorization", "x\r\nX-Injected: 1"},
                                         urlmint::sigv4::header{"Bad Name", "v"}}) {
    try {
      c.send(request("GET", server.url() + "/x", {h}));
      FAIL("no exception");
    } catch (const urlmint::error& e) {
      CHECK(e.code() == urlmint::errc::invalid_argument);
      CHECK(std::string(e.what()).find("Injected") == std::string::npos);
    }
  }
  CHECK(server.requests().empty());
}

TEST_CASE("a CA bundle that cannot be read is refused when the client is made", "[curl]") {
  curl::options o;
  o.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(curl::client(o), Catch::Contains("/nonexistent/ca.pem") && Catch::Contains("AWS_CA_BUNDLE"));
}
