#ifndef URLMINT_TESTS_LOOPBACK_SERVER_HPP
#define URLMINT_TESTS_LOOPBACK_SERVER_HPP

// A scripted HTTP/1.1 server on 127.0.0.1 for transport tests: answers each request with the
// next canned reply (or a handler's, called from one thread per connection), keeps connections alive, honours Expect: 100-continue,
// records what it received and how many connections it accepted. Stops in its destructor.

#include <arpa/inet.h>   // htons, inet_pton
#include <netinet/in.h>  // sockaddr_in
#include <poll.h>        // poll
#include <sys/socket.h>  // socket, bind, listen, accept
#include <unistd.h>      // close

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

struct received_request {
  std::string head;  // request line and headers
  std::string body;
};

class loopback_server {
 public:
  /// `reply` gets the request and returns the raw bytes to send; an empty string closes the
  /// connection without answering.
  explicit loopback_server(std::function<std::string(const received_request&)> reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~loopback_server() {
    stop_ = true;
    thread_.join();
    for (auto& t : connection_threads_) t.join();
    ::close(fd_);
  }
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<received_request> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, 50);
      if (r > 0) return true;
      if (r < 0) return false;
    }
    return false;
  }

  void run() {
    while (wait_readable(fd_)) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      // One thread per connection: a client's idle keep-alive connection must not block
      // another client (multipart workers each open their own).
      connection_threads_.emplace_back([this, c] {
        serve(c);
        ::close(c);
      });
    }
  }

  void serve(int c) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      std::size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!wait_readable(c)) return;
        const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      received_request req;
      req.head = buffer.substr(0, end + 2);
      buffer.erase(0, end + 4);
      std::string lower;
      for (char ch : req.head) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
      std::size_t length = 0;
      const auto cl = lower.find("\r\ncontent-length:");
      if (cl != std::string::npos) length = std::stoul(lower.substr(cl + 17));
      if (lower.find("\r\nexpect: 100-continue") != std::string::npos) {
        const std::string go = "HTTP/1.1 100 Continue\r\n\r\n";
        ::send(c, go.data(), go.size(), MSG_NOSIGNAL);
      }
      while (buffer.size() < length) {
        if (!wait_readable(c)) return;
        const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      req.body = buffer.substr(0, length);
      buffer.erase(0, length);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(req);
      }
      const std::string out = reply_(req);
      if (out.empty()) return;
      std::size_t sent = 0;
      while (sent < out.size()) {
        const ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  std::function<std::string(const received_request&)> reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<received_request> requests_;
  std::vector<std::thread> connection_threads_;  // touched only by thread_ until it is joined
  std::thread thread_;
};

/// A complete HTTP/1.1 answer with Content-Length.
inline std::string http_reply(int status, const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

}  // namespace test_support

#endif  // URLMINT_TESTS_LOOPBACK_SERVER_HPP
