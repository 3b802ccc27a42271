// A hand-tuned reference presigner: the floor `urlmint s3 presign --batch` is measured against
// (issue 18). Plain C++ on OpenSSL's low-level SHA-256, nothing from urlmint: the signing key
// is derived once and kept as HMAC pad states, the fixed text of the URL, canonical request and
// string to sign is laid out once, and each key costs its encoding, the SHA-256 blocks and the
// hex. Keys from stdin (one per line), URLs to stdout, through stdio.
//
//   reference_presigner BUCKET YYYYMMDDTHHMMSSZ EXPIRES < keys > urls
//
// Fixed scope: AWS us-east-1, virtual-hosted bucket, GET, long-term keys from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, keys of ASCII/UTF-8 (no validation: trusted input).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void hmac(const unsigned char* key, std::size_t key_size, const char* msg, std::size_t n, unsigned char out[32]) {
  unsigned char block[64] = {};
  std::memcpy(block, key, key_size);  // keys here are at most 44 bytes
  unsigned char pad[64];
  SHA256_CTX c;
  for (int i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, msg, n);
  unsigned char inner[32];
  SHA256_Final(inner, &c);
  for (int i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, inner, 32);
  SHA256_Final(out, &c);
}

const char hex[] = "0123456789abcdef";

inline bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: reference_presigner BUCKET YYYYMMDDTHHMMSSZ EXPIRES < keys\n");
    return 2;
  }
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (id == nullptr || secret == nullptr || std::strlen(secret) > 40) return 2;
  const std::string bucket = argv[1], ts = argv[2], expires = argv[3];
  const std::string date = ts.substr(0, 8);

  // The signing key, then its pad states.
  std::string k0 = std::string("AWS4") + secret;
  unsigned char k[32];
  hmac(reinterpret_cast<const unsigned char*>(k0.data()), k0.size(), date.data(), date.size(), k);
  hmac(k, 32, "us-east-1", 9, k);
  hmac(k, 32, "s3", 2, k);
  hmac(k, 32, "aws4_request", 12, k);
  SHA256_CTX ipad, opad;
  {
    unsigned char block[64] = {}, pad[64];
    std::memcpy(block, k, 32);
    for (int i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&ipad);
    SHA256_Update(&ipad, pad, 64);
    for (int i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&opad);
    SHA256_Update(&opad, pad, 64);
  }

  const std::string head = "https://" + bucket + ".s3.amazonaws.com/";
  const std::string query = std::string("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=") + id + "%2F" + date +
                            "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + ts + "&X-Amz-Expires=" + expires +
                            "&X-Amz-SignedHeaders=host";
  const std::string tail = "\nhost:" + bucket + ".s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
  char sts[160];
  const int sts_fixed = std::snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/us-east-1/s3/aws4_request\n",
                                      ts.c_str(), date.c_str());

  static char inbuf[1 << 20], outbuf[1 << 20];
  std::setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
  std::setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  char line[4096];
  char url[16384];
  std::memcpy(url, head.data(), head.size());
  const std::size_t path_at = head.size() - 1;
  while (std::fgets(line, sizeof line, stdin) != nullptr) {
    std::size_t n = std::strlen(line);
    if (n > 0 && line[n - 1] == '\n') --n;
    char* p = url + head.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if (unreserved(c) || c == '/') {
        *p++ = static_cast<char>(c);
      } else {
        *p++ = '%';
        *p++ = "0123456789ABCDEF"[c >> 4];
        *p++ = "0123456789ABCDEF"[c & 15];
      }
    }
    char* const qmark = p;
    *p++ = '\n';
    std::memcpy(p, query.data(), query.size());
    p += query.size();
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, "GET\n", 4);
    SHA256_Update(&c, url + path_at, static_cast<std::size_t>(p - (url + path_at)));
    SHA256_Update(&c, tail.data(), tail.size());
    unsigned char d[32];
    SHA256_Final(d, &c);
    *qmark = '?';
    for (int i = 0; i < 32; ++i) {
      sts[sts_fixed + 2 * i] = hex[d[i] >> 4];
      sts[sts_fixed + 2 * i + 1] = hex[d[i] & 15];
    }
    c = ipad;
    SHA256_Update(&c, sts, static_cast<std::size_t>(sts_fixed) + 64);
    SHA256_Final(d, &c);
    c = opad;
    SHA256_Update(&c, d, 32);
    SHA256_Final(d, &c);
    std::memcpy(p, "&X-Amz-Signature=", 17);
    p += 17;
    for (int i = 0; i < 32; ++i) {
      *p++ = hex[d[i] >> 4];
      *p++ = hex[d[i] & 15];
    }
    *p++ = '\n';
    std::fwrite(url, 1, static_cast<std::size_t>(p - url), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
