// urlmint: command dispatch and error reporting. Each command lives in its own file.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <urlmint/curl.hpp>

#include "cli.hpp"

namespace {

struct command {
  const char* group;
  const char* name;
  int (*run)(urlmint_cli::args&);
  const char* summary;
};

const command commands[] = {
    {"s3", "presign", urlmint_cli::cmd_s3_presign, "print a presigned URL (GET, PUT, HEAD, DELETE)"},
    {"s3", "cp", urlmint_cli::cmd_s3_cp, "upload a file and print its shareable URL, or download"},
    {"s3", "put-lifecycle", urlmint_cli::cmd_s3_put_lifecycle, "expire objects under a prefix after N days"},
    {"s3", "presign-post", urlmint_cli::cmd_s3_presign_post, "print a presigned POST form (JSON) for browsers"},
    {"s3", "presign-multipart", urlmint_cli::cmd_s3_presign_multipart, "start a multipart upload, print part URLs"},
    {"s3", "complete-multipart", urlmint_cli::cmd_s3_complete_multipart, "complete a presigned multipart upload"},
    {"s3", "verify", urlmint_cli::cmd_s3_verify, "check a SigV4 presigned URL as S3 would"},
    {"cloudfront", "url", urlmint_cli::cmd_cloudfront_url, "print https://DOMAIN/KEY for a public distribution"},
    {"cloudfront", "sign", urlmint_cli::cmd_cloudfront_sign, "print a CloudFront signed URL"},
    {"cloudfront", "cookies", urlmint_cli::cmd_cloudfront_cookies, "print CloudFront signed cookies"},
    {"cloudfront", "create-invalidation", urlmint_cli::cmd_cloudfront_create_invalidation,
     "invalidate cached paths"},
    {"cloudfront", "oac-policy", urlmint_cli::cmd_cloudfront_oac_policy, "print the S3 bucket policy for an OAC"},
    {"cloudfront", "setup", urlmint_cli::cmd_cloudfront_setup, "create the OAC, distribution and bucket policy"},
    {"cloudfront", "doctor", urlmint_cli::cmd_cloudfront_doctor, "check a distribution against the seed's pitfalls"},
};

// Command-line text quoted in a usage error may hold terminal escapes or line breaks: shown
// as \xNN so the message stays one harmless line.
std::string escape_controls(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

void print_usage(std::FILE* out) {
  std::fprintf(out, "urlmint %s: mint AWS S3 and CloudFront URLs without the AWS SDK\n\nusage:\n",
               urlmint::version);
  for (const auto& c : commands) std::fprintf(out, "  urlmint %s %-20s %s\n", c.group, c.name, c.summary);
  std::fprintf(out,
               "\nRun 'urlmint GROUP COMMAND --help' for a command's options.\n"
               "Exit status: 0 success, 1 error (one line on stderr), 2 usage error.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    print_usage(stderr);
    return urlmint_cli::exit_usage;
  }
  if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_usage(stdout);
    return urlmint_cli::exit_ok;
  }
  if (words[0] == "--version") {
    std::printf("urlmint %s\n", urlmint::version);
    return urlmint_cli::exit_ok;
  }
  const command* found = nullptr;
  bool group_known = false;
  for (const auto& c : commands) {
    if (words[0] != c.group) continue;
    group_known = true;
    if (words.size() > 1 && words[1] == c.name) found = &c;
  }
  if (found == nullptr) {
    if (group_known && (words.size() < 2 || words[1] == "--help" || words[1] == "-h")) {
      print_usage(words.size() < 2 ? stderr : stdout);
      return words.size() < 2 ? urlmint_cli::exit_usage : urlmint_cli::exit_ok;
    }
    std::string what = group_known ? words[0] + " " + words[1] : words[0];
    std::fprintf(stderr, "urlmint: unknown command \"%s\"; run 'urlmint --help' for the list\n",
                 escape_controls(what).c_str());
    return urlmint_cli::exit_usage;
  }
  std::string name = std::string(found->group) + " " + found->name;
  try {
    // libcurl's global setup is not thread-safe, so main() does it once, before any command
    // starts threads (multipart uploads, credential refresh).
    const urlmint::curl::global curl_global;
    urlmint_cli::args a(std::vector<std::string>(words.begin() + 2, words.end()));
    return found->run(a);
  } catch (const urlmint_cli::usage_error& e) {
    std::fprintf(stderr, "urlmint %s: %s (see 'urlmint %s --help')\n", name.c_str(), escape_controls(e.what()).c_str(),
                 name.c_str());
    return urlmint_cli::exit_usage;
  } catch (const urlmint::error& e) {
    std::fprintf(stderr, "urlmint %s: %s\n", name.c_str(), e.what());
    return urlmint_cli::exit_error;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "urlmint %s: %s\n", name.c_str(), e.what());
    return urlmint_cli::exit_error;
  }
}
