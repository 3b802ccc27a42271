// Integration tests against a real S3 server: OpenStack Swift with s3api, started on 127.0.0.1 by
// scripts/test.sh (scripts/swift-s3.sh), found through URLMINT_TEST_S3_* variables. Without
// them the tests pass with a warning on a developer machine and FAIL when CI is set, so CI can
// never go green without having talked to the server. Every test first needs the server to be
// strict (the first test proves a tampered signature is refused).

#include <catch2/catch.hpp>

#include <urlmint/publish.hpp>
#include <urlmint/s3_client.hpp>

#include <arpa/inet.h>   // inet_pton
#include <netinet/in.h>  // sockaddr_in
#include <poll.h>        // poll
#include <sys/socket.h>  // socket
#include <sys/stat.h>  // mkdir
#include <unistd.h>    // getpid

#include <cstdio>   // popen
#include <cstdlib>  // std::getenv
#include <fstream>
#include <random>
#include <sstream>

#include "loopback_server.hpp"

namespace s3 = urlmint::s3;
namespace curl = urlmint::curl;

namespace {

const curl::global curl_global_for_tests;

struct server_env {
  std::string endpoint, access_key, secret_key, region;
};

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// The server's settings, or nullopt (after failing the test under CI, warning elsewhere).
std::optional<server_env> server() {
  auto endpoint = env("URLMINT_TEST_S3_ENDPOINT");
  if (!endpoint) {
    if (env("CI"))
      FAIL("URLMINT_TEST_S3_ENDPOINT is not set but CI is: the integration tests must run against Swift; "
           "run scripts/test.sh, which starts scripts/swift-s3.sh");
    WARN("URLMINT_TEST_S3_ENDPOINT is not set: integration test not run (scripts/test.sh starts the server)");
    return std::nullopt;
  }
  return server_env{*endpoint, env("URLMINT_TEST_S3_ACCESS_KEY").value_or("test:tester"),
                    env("URLMINT_TEST_S3_SECRET_KEY").value_or("testing"),
                    env("URLMINT_TEST_S3_REGION").value_or("us-east-1")};
}

s3::config config_for(const server_env& e, const std::string& endpoint = "") {
  s3::config c;
  c.region = e.region;
  c.endpoint_url = endpoint.empty() ? e.endpoint : endpoint;
  c.style = s3::addressing_style::path;
  return c;
}

s3::client_options fast_retries(std::vector<std::chrono::milliseconds>* sleeps = nullptr) {
  s3::client_options o;
  o.http.connect_timeout = std::chrono::milliseconds(3000);
  o.http.total_timeout = std::chrono::milliseconds(60000);
  o.sleep = [sleeps](std::chrono::milliseconds d) {
    if (sleeps != nullptr) sleeps->push_back(d);
  };
  return o;
}

s3::client client_for(const server_env& e, s3::client_options o = fast_retries()) {
  return s3::client(urlmint::credentials(e.access_key, e.secret_key), config_for(e), std::move(o));
}

// One bucket per test process, created on first use.
const std::string& bucket(const server_env& e) {
  static const std::string name = [&] {
    std::random_device rd;
    std::string n = "urlmint-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000);
    client_for(e).create_bucket(n);
    return n;
  }();
  return name;
}

std::string temp_dir() {
  static const std::string dir = [] {
    std::string d = "/tmp/urlmint-it-" + std::to_string(::getpid());
    ::mkdir(d.c_str(), 0700);
    return d;
  }();
  return dir;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Runs a shell command (only ever plain curl against 127.0.0.1) and returns its stdout.
std::string run(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

std::string pattern(std::size_t size, unsigned seed) {
  std::string s(size, '\0');
  std::mt19937 gen(seed);
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

// Forwards requests to the real server keeping the Host the client signed, except that the
// first `failures` requests get `failure_reply` instead: a server-side failure on demand.
struct faulty_proxy {
  faulty_proxy(const server_env& e, int failures, std::string failure_reply)
      : target(e.endpoint), remaining(failures), reply(std::move(failure_reply)),
        server([this](const test_support::received_request& r) { return handle(r); }) {}

  std::string handle(const test_support::received_request& r) {
    std::lock_guard<std::mutex> lock(mutex);  // one forwarding client, and the counters, for all connections
    if (remaining > 0) {
      --remaining;
      ++failed;
      return reply;
    }
    std::istringstream head(r.head);
    std::string method, path, version, line;
    head >> method >> path >> version;
    std::getline(head, line);
    urlmint::sigv4::signed_request fwd{method, target + path, {}};
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string name = urlmint::sigv4::lowercase(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length" || name == "expect" || name == "connection") continue;
      fwd.headers.push_back({line.substr(0, colon), value});
    }
    const auto resp = client.send(fwd, r.body);
    std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " X\r\n";
    for (const auto& h : resp.headers) {
      const std::string n = urlmint::sigv4::lowercase(h.name);
      if (n == "content-length" || n == "transfer-encoding" || n == "connection") continue;
      out += h.name + ": " + h.value + "\r\n";
    }
    const bool head_request = method == "HEAD";
    out += "Content-Length: " + (head_request ? resp.header("content-length").value_or("0")
                                              : std::to_string(resp.body.size())) + "\r\n\r\n";
    if (!head_request) out += resp.body;
    return out;
  }

  std::string target;
  int remaining;
  int failed = 0;
  std::string reply;
  std::mutex mutex;
  curl::client client;
  test_support::loopback_server server;
};


// A TCP relay to the real server that cuts both connections after `cut_after` bytes of the
// request have gone through: the server dies in the middle of an upload, as far as the
// request is concerned. Serves one connection.
struct cutting_relay {
  cutting_relay(const server_env& e, std::size_t cut) : cut_after(cut) {
    target_port = std::stoi(e.endpoint.substr(e.endpoint.rfind(':') + 1));
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread([this] { run(); });
  }
  ~cutting_relay() {
    thread.join();
    ::close(fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  void run() {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    const int c = ::accept(fd, nullptr, nullptr);
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(target_port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      char buf[16384];
      std::size_t forwarded = 0;
      while (forwarded < cut_after) {
        pollfd both[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
        if (::poll(both, 2, 10000) <= 0) break;
        if (both[0].revents & (POLLIN | POLLHUP)) {
          const ssize_t n = ::recv(c, buf, std::min(sizeof buf, cut_after - forwarded), 0);
          if (n <= 0) break;
          ::send(s, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
          forwarded += static_cast<std::size_t>(n);
        }
        if (both[1].revents & (POLLIN | POLLHUP)) {
          const ssize_t n = ::recv(s, buf, sizeof buf, 0);
          if (n <= 0) break;
          ::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        }
      }
    }
    ::close(s);
    ::close(c);
  }

  std::size_t cut_after;
  int target_port = 0;
  int fd = -1;
  int port = 0;
  std::thread thread;
};
}  // namespace

TEST_CASE("the server is strict: a tampered signature is refused with SignatureDoesNotMatch", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  c.put_object(bucket(*e), "strict.txt", "strict");
  SECTION("a header-signed GET with one signature digit changed") {
    auto req = c.signer().sign("GET", bucket(*e), "strict.txt", {}, {}, urlmint::sigv4::empty_payload_sha256,
                               urlmint::clock::now());
    for (auto& h : req.headers)
      if (h.name == "Authorization") h.value.back() = h.value.back() == '0' ? '1' : '0';
    curl::client http;
    const auto resp = http.send(req);
    CHECK(resp.status == 403);
    CHECK(s3::parse_error_response(resp.status, resp.headers, resp.body).code == "SignatureDoesNotMatch");
  }
  SECTION("a presigned GET with one signature digit changed, and the untampered one") {
    std::string url = c.signer().presign(bucket(*e), "strict.txt");
    CHECK(run("curl -s '" + url + "'") == "strict");
    url.back() = url.back() == '0' ? '1' : '0';
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' '" + url + "'") == "403");
  }
  SECTION("a body that does not match its signed SHA-256 is refused") {
    const auto req = s3::sign_put_object(*c.signer().credentials_at(urlmint::clock::now()), c.configuration(), bucket(*e), "digest.txt", {},
                                         urlmint::sha256_hex("what was signed"), urlmint::clock::now());
    curl::client http;
    const auto resp = http.send(req, "what was sent");
    CHECK(resp.status == 400);
    CHECK(s3::parse_error_response(resp.status, resp.headers, resp.body).code == "BadDigest");
  }
  SECTION("a part that does not match its signed SHA-256 is refused (why uploads send no Content-MD5)") {
    const urlmint::credentials creds = *c.signer().credentials_at(urlmint::clock::now());
    curl::client http;
    const auto created = http.send(urlmint::multipart::sign_create(creds, c.configuration(), bucket(*e), "digest.bin",
                                                                   {}, urlmint::clock::now()));
    REQUIRE(created.status == 200);
    const std::string upload_id = urlmint::multipart::parse_upload_id(created.body);
    const auto part = urlmint::multipart::sign_upload_part(creds, c.configuration(), bucket(*e), "digest.bin", upload_id,
                                                           1, urlmint::sha256_hex("what was signed"), "",
                                                           urlmint::clock::now());
    const auto resp = http.send(part, "what was sent");
    CHECK(resp.status == 400);
    CHECK(s3::parse_error_response(resp.status, resp.headers, resp.body).code == "BadDigest");
    http.send(urlmint::multipart::sign_abort(creds, c.configuration(), bucket(*e), "digest.bin", upload_id,
                                             urlmint::clock::now()));
  }
}

TEST_CASE("an upload's Content-Type and Cache-Control come back on GET", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  s3::put_options o;
  o.content_type = "image/png";
  o.cache_control = "max-age=31536000";
  o.content_disposition = "inline; filename=\"chart.png\"";
  o.metadata = {{"Chart-Id", "42"}};
  const std::string png = pattern(3000, 1);
  const auto put = c.put_object(bucket(*e), "charts/chart.png", png, o);
  CHECK(put.attempts == 1);
  CHECK_FALSE(put.etag.empty());
  const auto got = c.get_object(bucket(*e), "charts/chart.png");
  CHECK(got.body == png);
  CHECK(got.header("content-type") == std::optional<std::string>("image/png"));
  CHECK(got.header("cache-control") == std::optional<std::string>("max-age=31536000"));
  CHECK(got.header("content-disposition") == std::optional<std::string>("inline; filename=\"chart.png\""));
  CHECK(got.header("x-amz-meta-chart-id") == std::optional<std::string>("42"));
  const auto head = c.head_object(bucket(*e), "charts/chart.png");
  CHECK(head.header("content-length") == std::optional<std::string>("3000"));
  c.delete_object(bucket(*e), "charts/chart.png");
  try {
    c.head_object(bucket(*e), "charts/chart.png");
    FAIL("deleted object still there");
  } catch (const s3::service_error& err) {
    CHECK(err.details().status == 404);
  }
}

TEST_CASE("a file upload streams from disk and a download streams to a sink", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  const std::string bytes = pattern(2 * 1024 * 1024 + 5, 2);
  const std::string path = write_temp("stream.bin", bytes);
  s3::put_options o;
  o.content_type = "application/octet-stream";
  CHECK(c.put_file(bucket(*e), "stream.bin", path, o).attempts == 1);
  std::string received;
  c.get_object_to(bucket(*e), "stream.bin", [&](const char* d, std::size_t n) { received.append(d, n); });
  CHECK(received == bytes);
}

TEST_CASE("presigned GET and PUT URLs from the library work with plain curl", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  const std::string body = "uploaded through a presigned PUT";
  s3::presign_options put;
  put.method = "PUT";
  put.expires_in = std::chrono::seconds(600);
  const std::string put_url = c.signer().presign(bucket(*e), "presigned/put.txt", put);
  const std::string path = write_temp("put.txt", body);
  CHECK(run("curl -s -o /dev/null -w '%{http_code}' -T '" + path + "' '" + put_url + "'") == "200");
  s3::presign_options get;
  get.expires_in = std::chrono::seconds(604800);
  CHECK(run("curl -s '" + c.signer().presign(bucket(*e), "presigned/put.txt", get) + "'") == body);
  SECTION("an expired presigned URL is refused") {
    const auto long_ago = urlmint::clock::now() - std::chrono::hours(2);
    s3::presign_options shortlived;
    shortlived.expires_in = std::chrono::seconds(60);
    const std::string url = c.signer().presign(bucket(*e), "presigned/put.txt", shortlived, long_ago);
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' '" + url + "'") == "403");
  }
}

TEST_CASE("keys with spaces, plus signs and unicode round-trip", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  for (const std::string key : {"with space/a b.txt", "plus+sign/a+b=c.txt", "unicode/\xC3\xA9t\xC3\xA9 \xE2\x82\xAC.txt",
                                "odd/~!$&'()*,;:@.txt"}) {
    INFO(key);
    c.put_object(bucket(*e), key, "key " + key);
    CHECK(c.get_object(bucket(*e), key).body == "key " + key);
    CHECK(run("curl -s '" + c.signer().presign(bucket(*e), key) + "'") == "key " + key);
  }
}

TEST_CASE("a multipart upload sends parts in parallel and the object reads back whole", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto o = fast_retries();
  o.multipart_threshold = 6 * 1024 * 1024;
  o.part_size = 5 * 1024 * 1024;
  o.max_parallel_parts = 3;
  std::atomic<std::uint64_t> last_progress{0};
  o.progress = [&](std::uint64_t done, std::uint64_t) { last_progress = done; };
  auto c = client_for(*e, o);
  const std::string bytes = pattern(12 * 1024 * 1024 + 3, 3);
  const std::string path = write_temp("multi.bin", bytes);
  s3::put_options po;
  po.content_type = "application/x-test";
  const auto r = c.put_file(bucket(*e), "multi/big.bin", path, po);
  CHECK(r.multipart);
  CHECK(r.parts == 3);
  CHECK(r.etag.find("-3") != std::string::npos);
  CHECK(last_progress.load() == bytes.size());
  const auto got = c.get_object(bucket(*e), "multi/big.bin");
  CHECK(got.body.size() == bytes.size());
  CHECK(got.body == bytes);
  CHECK(got.header("content-type") == std::optional<std::string>("application/x-test"));
  SECTION("an in-memory body above the threshold goes up in parts too") {
    const auto m = c.put_object(bucket(*e), "multi/mem.bin", bytes.substr(0, 11 * 1024 * 1024));
    CHECK(m.multipart);
    CHECK(m.parts == 3);
  }
}

TEST_CASE("a 503 from the server is retried after a backoff and the upload succeeds", "[integration]") {
  const auto e = server();
  if (!e) return;
  faulty_proxy proxy(*e, 1,
                     test_support::http_reply(503, "<Error><Code>SlowDown</Code><Message>Please reduce your request "
                                                   "rate.</Message></Error>"));
  std::vector<std::chrono::milliseconds> sleeps;
  s3::client c(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, proxy.server.url()),
               fast_retries(&sleeps));
  const std::string path = write_temp("retry.txt", "after a retry");
  const auto r = c.put_file(bucket(*e), "retry/after-503.txt", path);
  CHECK(r.attempts == 2);
  CHECK(proxy.failed == 1);
  REQUIRE(sleeps.size() == 1);
  CHECK(sleeps[0] <= std::chrono::milliseconds(100));
  CHECK(client_for(*e).get_object(bucket(*e), "retry/after-503.txt").body == "after a retry");
  SECTION("a 403 is not retried") {
    faulty_proxy denied(*e, 100, test_support::http_reply(403, "<Error><Code>AccessDenied</Code></Error>"));
    s3::client d(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, denied.server.url()),
                 fast_retries());
    CHECK_THROWS_AS(d.put_object(bucket(*e), "retry/denied.txt", "x"), s3::service_error);
    CHECK(denied.failed == 1);
  }
  SECTION("a server that keeps failing gives up after max_attempts with the last error") {
    faulty_proxy down(*e, 100, test_support::http_reply(502, "<html>Bad Gateway</html>"));
    std::vector<std::chrono::milliseconds> waits;
    s3::client d(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, down.server.url()),
                 fast_retries(&waits));
    CHECK_THROWS_WITH(d.put_object(bucket(*e), "retry/down.txt", "x"),
                      Catch::Contains("HTTP 502") && Catch::Contains("is --endpoint-url really an S3 server?"));
    CHECK(down.failed == 4);
    CHECK(waits.size() == 3);
  }
}

TEST_CASE("a server that dies mid-upload leaves the old object or none, never half a new one", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto direct = client_for(*e);
  const std::string old_body = "the old chart";
  direct.put_object(bucket(*e), "atomic/chart.png", old_body);
  s3::client_options no_retry = fast_retries();
  no_retry.retry.max_attempts = 1;
  const std::string new_body = pattern(4 * 1024 * 1024, 7);
  SECTION("over an existing object") {
    cutting_relay relay(*e, 1024 * 1024);
    s3::client c(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, relay.url()), no_retry);
    CHECK_THROWS_AS(c.put_object(bucket(*e), "atomic/chart.png", new_body), urlmint::error);
    CHECK(direct.get_object(bucket(*e), "atomic/chart.png").body == old_body);
  }
  SECTION("a new key") {
    cutting_relay relay(*e, 1024 * 1024);
    s3::client c(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, relay.url()), no_retry);
    CHECK_THROWS_AS(c.put_object(bucket(*e), "atomic/new.png", new_body), urlmint::error);
    try {
      direct.head_object(bucket(*e), "atomic/new.png");
      FAIL("a half-written object exists");
    } catch (const s3::service_error& err) {
      CHECK(err.details().status == 404);
    }
  }
}

TEST_CASE("a wrong secret gives a typed signature error with the server's StringToSign", "[integration]") {
  const auto e = server();
  if (!e) return;
  (void)bucket(*e);
  s3::client c(urlmint::credentials(e->access_key, "not-the-secret-xyz"), config_for(*e), fast_retries());
  try {
    c.put_object(bucket(*e), "wrong-secret.txt", "x");
    FAIL("no exception");
  } catch (const s3::service_error& err) {
    CHECK(err.code() == urlmint::errc::signature_mismatch);
    CHECK(err.details().code == "SignatureDoesNotMatch");
    CHECK(err.details().string_to_sign.substr(0, 17) == "AWS4-HMAC-SHA256\n");
    CHECK_FALSE(err.details().canonical_request.empty());
    const std::string what = err.what();
    CHECK(what.find("check AWS_SECRET_ACCESS_KEY") != std::string::npos);
    CHECK(what.find("not-the-secret-xyz") == std::string::npos);
  }
}

TEST_CASE("bad input fails with a clear error and leaves no object", "[integration]") {
  const auto e = server();
  if (!e) return;
  auto c = client_for(*e);
  SECTION("a missing file") {
    try {
      c.put_file(bucket(*e), "bad/missing", temp_dir() + "/no-such-file");
      FAIL("no exception");
    } catch (const urlmint::error& err) {
      CHECK(err.code() == urlmint::errc::io);
      CHECK(std::string(err.what()) == "s3: cannot read \"" + temp_dir() +
                                           "/no-such-file\": No such file or directory; check the path");
    }
  }
  SECTION("a directory") {
    CHECK_THROWS_WITH(c.put_file(bucket(*e), "bad/dir", temp_dir()),
                      "s3: \"" + temp_dir() + "\" is a directory; give the path of one file to upload");
  }
  SECTION("a refused connection on a closed 127.0.0.1 port, after retries") {
    int port = 0;
    {
      test_support::loopback_server closed([](const test_support::received_request&) { return std::string(); });
      port = closed.port();
    }
    std::vector<std::chrono::milliseconds> sleeps;
    s3::client d(urlmint::credentials(e->access_key, e->secret_key),
                 config_for(*e, "http://127.0.0.1:" + std::to_string(port)), fast_retries(&sleeps));
    try {
      d.put_object("b", "k", "x");
      FAIL("no exception");
    } catch (const urlmint::error& err) {
      CHECK(err.code() == urlmint::errc::transport);
      CHECK(std::string(err.what()).find("is the server running") != std::string::npos);
    }
    CHECK(sleeps.size() == 3);
  }
  SECTION("a server that answers garbage") {
    test_support::loopback_server junk([](const test_support::received_request&) { return std::string("SSH-2.0\r\n\r\n"); });
    s3::client d(urlmint::credentials(e->access_key, e->secret_key), config_for(*e, junk.url()), fast_retries());
    CHECK_THROWS_WITH(d.put_object("b", "k", "x"), Catch::Contains("is it really an S3 server?"));
  }
  SECTION("a bucket that does not exist") {
    try {
      c.put_object("urlmint-no-such-bucket-here", "k", "x");
      FAIL("no exception");
    } catch (const s3::service_error& err) {
      CHECK(err.details().code == "NoSuchBucket");
      CHECK(std::string(err.what()).find("the bucket does not exist") != std::string::npos);
    }
  }
  SECTION("a wrong region names the right one (region discovery off)") {
    s3::config wrong = config_for(*e);
    wrong.region = "eu-west-1";
    s3::client_options no_discovery = fast_retries();
    no_discovery.discover_region = false;
    s3::client d(urlmint::credentials(e->access_key, e->secret_key), wrong, no_discovery);
    try {
      d.put_object(bucket(*e), "bad/region", "x");
      FAIL("no exception");
    } catch (const s3::service_error& err) {
      CHECK(err.details().region == e->region);
      CHECK(std::string(err.what()).find("pass --region " + e->region) != std::string::npos);
    }
  }
  SECTION("a wrong region is discovered: re-signed in the bucket's region, and remembered") {
    s3::config wrong = config_for(*e);
    wrong.region = "eu-west-1";
    s3::client d(urlmint::credentials(e->access_key, e->secret_key), wrong, fast_retries());
    CHECK_NOTHROW(d.put_object(bucket(*e), "found/region", "x"));
    CHECK(d.get_object(bucket(*e), "found/region").body == "x");
    d.delete_object(bucket(*e), "found/region");
  }
  try {
    c.head_object(bucket(*e), "bad/region");
    FAIL("an object was left behind");
  } catch (const s3::service_error& err) {
    CHECK(err.details().status == 404);
  }
}

TEST_CASE("publish uploads and returns a CloudFront URL or a working 7-day presigned URL", "[integration]") {
  const auto e = server();
  if (!e) return;
  urlmint::publish::config cfg;
  cfg.bucket = bucket(*e);
  cfg.s3 = config_for(*e);
  std::vector<urlmint::publish::event> events;
  cfg.on_publish = [&](const urlmint::publish::event& ev) { events.push_back(ev); };
  s3::put_options png;
  png.content_type = "image/png";
  png.cache_control = "max-age=31536000";
  SECTION("without a CloudFront domain: presigned for 604800 s") {
    urlmint::publish::publisher p(urlmint::credentials(e->access_key, e->secret_key), cfg, fast_retries());
    const auto r = p.publish("charts/published chart.png", "PNG-BYTES", png);
    CHECK(r.kind == urlmint::publish::url_kind::presigned);
    CHECK(r.url.find("X-Amz-Expires=604800") != std::string::npos);
    CHECK(run("curl -s '" + r.url + "'") == "PNG-BYTES");
    REQUIRE(events.size() == 1);
    CHECK(events[0].expires_in == std::chrono::seconds(604800));
    CHECK(events[0].bytes == 9);
  }
  SECTION("with a CloudFront domain: https://DOMAIN/KEY") {
    cfg.cloudfront_domain = "https://d111111abcdef8.cloudfront.net/";
    urlmint::publish::publisher p(urlmint::credentials(e->access_key, e->secret_key), cfg, fast_retries());
    const auto r = p.publish("charts/published chart.png", "PNG-BYTES", png);
    CHECK(r.url == "https://d111111abcdef8.cloudfront.net/charts/published%20chart.png");
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == urlmint::publish::url_kind::cloudfront);
    CHECK(events[0].cloudfront_domain == "d111111abcdef8.cloudfront.net");
    CHECK(client_for(*e).get_object(bucket(*e), "charts/published chart.png").body == "PNG-BYTES");
  }
}
