// transfer.hpp: download verification and atomic local files; sigv4's header validation.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <urlmint/checksums.hpp>
#include <urlmint/s3.hpp>
#include <urlmint/transfer.hpp>

namespace transfer = urlmint::transfer;
using urlmint::errc;

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/urlmint-transfer-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

int entries(const std::string& dir) {
  int n = 0;
  const std::string command = "ls -A '" + dir + "' | wc -l";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  REQUIRE(std::fscanf(p, "%d", &n) == 1);
  ::pclose(p);
  return n;
}

errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const urlmint::error& e) {
    return e.code();
  }
  return errc{};
}

// "hello world": MD5 5eb63bbbe01eeed093cb22bb8f5acdc3.
const std::string hello = "hello world";
const std::vector<urlmint::sigv4::header> hello_headers = {{"Content-Length", "11"},
                                                           {"ETag", "\"5eb63bbbe01eeed093cb22bb8f5acdc3\""}};

}  // namespace

TEST_CASE("a download matching Content-Length and its MD5 ETag verifies", "[transfer]") {
  transfer::download_verifier v(hello_headers);
  CHECK(v.checks_content());
  v.update(hello.data(), 5);
  v.update(hello.data() + 5, 6);
  CHECK_NOTHROW(v.finish("GET s3://b/k"));
}

TEST_CASE("a short, long or altered download is errc::integrity naming what did not match", "[transfer]") {
  {
    transfer::download_verifier v(hello_headers);
    v.update(hello.data(), 10);
    try {
      v.finish("GET s3://b/k");
      FAIL("no error");
    } catch (const urlmint::error& e) {
      CHECK(e.code() == errc::integrity);
      CHECK(std::string(e.what()).find("received 10 bytes of 11") != std::string::npos);
    }
  }
  {
    transfer::download_verifier v(hello_headers);
    v.update("hello World", 11);
    try {
      v.finish("GET s3://b/k");
      FAIL("no error");
    } catch (const urlmint::error& e) {
      CHECK(e.code() == errc::integrity);
      CHECK(std::string(e.what()).find("ETag") != std::string::npos);
    }
  }
  {
    // A lying Content-Length that matches what arrived is still caught by the ETag.
    transfer::download_verifier v({{"Content-Length", "5"}, hello_headers[1]});
    v.update(hello.data(), 5);
    CHECK(code_of([&] { v.finish("GET s3://b/k"); }) == errc::integrity);
  }
}

TEST_CASE("a multipart or SSE-KMS ETag is not taken for an MD5; the size still counts", "[transfer]") {
  transfer::download_verifier v({{"Content-Length", "11"}, {"ETag", "\"5eb63bbbe01eeed093cb22bb8f5acdc3-2\""}});
  CHECK_FALSE(v.checks_content());
  v.update("xxxxxxxxxxx", 11);
  CHECK_NOTHROW(v.finish("GET"));
  transfer::download_verifier kms({hello_headers[0], hello_headers[1], {"x-amz-server-side-encryption", "aws:kms"}});
  CHECK_FALSE(kms.checks_content());
  transfer::download_verifier chunked({hello_headers[1]});
  CHECK_FALSE(chunked.knows_size());
  chunked.expect_size(12);
  chunked.update(hello.data(), 11);
  CHECK(code_of([&] { chunked.finish("GET"); }) == errc::integrity);
}

TEST_CASE("x-amz-checksum-* of the full object is verified; composite ones are skipped", "[transfer]") {
  urlmint::checksums::hasher h(urlmint::checksums::algorithm::crc32c);
  h.update(hello);
  transfer::download_verifier ok({{"Content-Length", "11"}, {"x-amz-checksum-crc32c", h.base64()}});
  CHECK(ok.checks_content());
  ok.update(hello.data(), hello.size());
  CHECK_NOTHROW(ok.finish("GET"));
  transfer::download_verifier bad({{"Content-Length", "11"}, {"x-amz-checksum-crc32c", h.base64()}});
  bad.update("hello worlD", 11);
  CHECK(code_of([&] { bad.finish("GET"); }) == errc::integrity);
  transfer::download_verifier composite(
      {{"Content-Length", "11"}, {"x-amz-checksum-crc32c", h.base64() + "-3"}, {"x-amz-checksum-type", "COMPOSITE"}});
  CHECK_FALSE(composite.checks_content());
}

TEST_CASE("atomic_file replaces the target only on commit, keeping its mode; discard leaves nothing", "[transfer]") {
  const std::string dir = temp_dir();
  const std::string target = dir + "/out.bin";
  spit(target, "OLD");
  ::chmod(target.c_str(), 0600);
  {
    transfer::atomic_file f(target);
    f.write("NEW DATA", 8);
    CHECK(slurp(target) == "OLD");
    CHECK(entries(dir) == 2);
    f.commit();
  }
  CHECK(slurp(target) == "NEW DATA");
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  {
    transfer::atomic_file f(target);
    f.write("PARTIAL", 7);
  }  // destroyed without commit
  CHECK(slurp(target) == "NEW DATA");
  CHECK(entries(dir) == 1);
}

TEST_CASE("atomic_file never follows a symlink and a new file honours the umask", "[transfer]") {
  const std::string dir = temp_dir();
  spit(dir + "/victim", "VICTIM");
  REQUIRE(::symlink((dir + "/victim").c_str(), (dir + "/out.bin.urlmint-partial").c_str()) == 0);
  const mode_t old = ::umask(027);
  {
    transfer::atomic_file f(dir + "/out.bin");
    f.write("x", 1);
    f.truncate();
    f.write("data", 4);
    f.commit();
  }
  ::umask(old);
  CHECK(slurp(dir + "/victim") == "VICTIM");
  CHECK(slurp(dir + "/out.bin") == "data");
  struct stat st {};
  REQUIRE(::stat((dir + "/out.bin").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
}

TEST_CASE("local_destination: a directory gets DIR/<last segment>; dot segments never escape", "[transfer]") {
  const std::string dir = temp_dir();
  CHECK(transfer::local_destination(dir, "charts/q3.png") == dir + "/q3.png");
  CHECK(transfer::local_destination(dir + "/", "charts/q3.png") == dir + "/q3.png");
  CHECK(transfer::local_destination(dir, "a/../../x") == dir + "/x");
  CHECK(transfer::local_destination(dir + "/file", "a/b") == dir + "/file");
  for (const char* key : {"a/..", "a/.", "dir/", ".."})
    CHECK(code_of([&] { transfer::local_destination(dir, key); }) == errc::invalid_argument);
}

TEST_CASE("sigv4 refuses CR, LF, NUL and control characters in header names and values", "[transfer][sigv4]") {
  urlmint::credentials creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  urlmint::s3::config cfg;
  const auto sign = [&](std::vector<urlmint::sigv4::header> h) {
    return [&creds, &cfg, h] {
      (void)urlmint::s3::sign_request(creds, cfg, "PUT", "bucket", "k", {}, h, urlmint::sigv4::empty_payload_sha256,
                                      urlmint::clock::now());
    };
  };
  for (const std::string& value : {std::string("a\r\nX-Injected: 1"), std::string("a\nb"), std::string("a\0b", 3),
                                  std::string("a\x1b[2J"), std::string("a\x7f")}) {
    try {
      sign({{"Content-Type", value}})();
      FAIL("accepted");
    } catch (const urlmint::error& e) {
      CHECK(e.code() == errc::invalid_argument);
      CHECK(std::string(e.what()).find("Content-Type") != std::string::npos);
      CHECK(std::string(e.what()).find("Injected") == std::string::npos);
    }
  }
  for (const char* name : {"Bad Name", "x\r\ny", "", "a:b", "caf\xc3\xa9"})
    CHECK(code_of(sign({{name, "v"}})) == errc::invalid_argument);
  CHECK(code_of(sign({{"Content-Type", "text/plain;\tcharset=utf-8"}, {"x-amz-meta-caf", "\xc3\xa9"}})) == errc{});
  urlmint::credentials evil("ASIAEXAMPLE", "secret", "token\r\nX-Injected: 1");
  try {
    (void)urlmint::s3::sign_request(evil, cfg, "GET", "bucket", "k", {}, {}, urlmint::sigv4::empty_payload_sha256,
                                    urlmint::clock::now());
    FAIL("accepted");
  } catch (const urlmint::error& e) {
    CHECK(e.code() == errc::invalid_credentials);
    CHECK(std::string(e.what()).find("X-Injected") == std::string::npos);
  }
}

TEST_CASE("upload_digests: fed in pieces, the payload SHA-256 and the one integrity header asked for",
          "[transfer]") {
  const std::string abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  SECTION("signed, with Content-MD5 (RFC 1321's MD5 of \"abc\", base64)") {
    transfer::upload_digests d(true, std::nullopt, true);
    d.update("a", 1);
    d.update("bc", 2);
    CHECK(d.payload_hash() == abc_sha256);
    const auto h = d.integrity_header();
    REQUIRE(h);
    CHECK(h->name == "Content-MD5");
    CHECK(h->value == "kAFQmDzST7DWlj99KOF/cg==");
  }
  SECTION("unsigned, no integrity header") {
    transfer::upload_digests d(false, std::nullopt, false);
    d.update("abc", 3);
    CHECK(d.payload_hash() == "UNSIGNED-PAYLOAD");
    CHECK_FALSE(d.integrity_header());
  }
  SECTION("a checksum replaces Content-MD5 (CRC32 of \"abc\" is 0x352441c2)") {
    transfer::upload_digests d(true, urlmint::checksums::algorithm::crc32, true);
    d.update("ab", 2);
    d.update("c", 1);
    CHECK(d.payload_hash() == abc_sha256);
    const auto h = d.integrity_header();
    REQUIRE(h);
    CHECK(h->name == "x-amz-checksum-crc32");
    CHECK(h->value == "NSRBwg==");
    CHECK(d.crc() == 0x352441c2u);
  }
}
