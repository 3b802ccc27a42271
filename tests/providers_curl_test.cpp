#include <catch2/catch.hpp>

#include <signal.h>    // kill
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, pipe, execlp

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <urlmint/providers_curl.hpp>

namespace p = urlmint::providers;

namespace {

// tests/fake_metadata_server.py in a child process on 127.0.0.1, stopped by the destructor.
struct fake_server {
  pid_t pid = -1;
  int port = 0;
  fake_server() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      const std::string script = std::string(URLMINT_TEST_DATA_DIR) + "/../fake_metadata_server.py";
      ::execlp("python3", "python3", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    std::FILE* out = ::fdopen(fds[0], "r");
    REQUIRE(out != nullptr);
    REQUIRE(std::fscanf(out, "%d", &port) == 1);  // the server prints its port once listening
    std::fclose(out);
  }
  ~fake_server() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

const urlmint::time_point now = urlmint::clock::now();

}  // namespace

TEST_CASE("the curl transport fetches IMDSv2, container and web identity credentials on loopback",
          "[providers_curl]") {
  urlmint::curl::global curl_init;
  fake_server server;
  const p::transport http = p::curl_transport();

  SECTION("EC2 instance metadata with a session token") {
    p::imds_config cfg;
    cfg.endpoint = server.url();
    const auto c = p::fetch_imds_credentials(cfg, http, now);
    CHECK(c.access_key_id == "ASIAFAKEIMDS");
    CHECK(c.is_temporary());
    CHECK(c.expiration.has_value());
  }
  SECTION("container credentials") {
    p::container_config cfg;
    cfg.url = server.url() + "/ecs/creds";
    cfg.token = "Bearer anything";
    CHECK(p::fetch_container_credentials(cfg, http, now).access_key_id == "ASIAFAKEECS");
  }
  SECTION("web identity through STS") {
    char path[] = "/tmp/urlmint-web-token-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "fake-jwt-token", 14) == 14);
    ::close(fd);
    p::web_identity_config cfg;
    cfg.token_file = path;
    cfg.role_arn = "arn:aws:iam::123456789012:role/app";
    cfg.session_name = "curl-test";
    cfg.sts_endpoint = server.url();
    const auto c = p::assume_role_with_web_identity(cfg, http, now);
    ::unlink(path);
    CHECK(c.access_key_id == "ASIAFAKESTS");
  }
  SECTION("a slow endpoint fails within the request's timeout") {
    p::imds_config cfg;
    cfg.endpoint = server.url() + "/slow";
    cfg.total_timeout = std::chrono::milliseconds(500);
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(p::fetch_imds_credentials(cfg, http, now),
                      Catch::StartsWith("EC2 instance metadata (" + server.url() + "/slow): unreachable: curl: PUT"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  }
  SECTION("many threads share one provider over the curl transport and fetch once") {
    p::imds_config cfg;
    cfg.endpoint = server.url();
    p::provider prov([&](urlmint::time_point t) {
      return p::resolved_credentials{p::fetch_imds_credentials(cfg, http, t), "imds"};
    });
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        for (int k = 0; k < 50; ++k) (void)prov.get(now);
      });
    for (auto& t : threads) t.join();
    CHECK(prov.fetch_count() == 1);
    CHECK(prov.get(now)->access_key_id == "ASIAFAKEIMDS");
  }
}

TEST_CASE("an unreachable metadata endpoint is a transport error naming it", "[providers_curl]") {
  urlmint::curl::global curl_init;
  p::imds_config cfg;
  cfg.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  try {
    p::fetch_imds_credentials(cfg, p::curl_transport(), now);
    FAIL("no error");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::transport);
    CHECK_THAT(e.what(), Catch::StartsWith("EC2 instance metadata (http://127.0.0.1:1): unreachable: curl: PUT "
                                           "http://127.0.0.1:1/latest/api/token failed"));
  }
}
