// urlmint: command dispatch and error reporting. Each command lives in its own file.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <urlmint/curl.hpp>

#include "cli.hpp"

namespace urlmint_cli {

const std::vector<command>& command_table() {
  static const std::vector<command> commands = {
      {"s3", "ls", cmd_s3_ls, "list buckets, or objects and prefixes under s3://BUCKET/PREFIX"},
      {"s3", "cp", cmd_s3_cp, "upload a file and print its shareable URL, download, or copy a tree (--recursive)"},
      {"s3", "rm", cmd_s3_rm, "delete an object, or every object under a prefix (--recursive)"},
      {"s3", "mb", cmd_s3_mb, "make a bucket"},
      {"s3", "rb", cmd_s3_rb, "remove an empty bucket (--force empties it first)"},
      {"s3", "presign", cmd_s3_presign, "print a presigned URL (GET, PUT, HEAD, DELETE)"},
      {"s3", "put-lifecycle", cmd_s3_put_lifecycle, "expire objects under a prefix after N days"},
      {"s3", "presign-post", cmd_s3_presign_post, "print a presigned POST form (JSON) for browsers"},
      {"s3", "presign-multipart", cmd_s3_presign_multipart, "start a multipart upload, print part URLs"},
      {"s3", "complete-multipart", cmd_s3_complete_multipart, "complete a presigned multipart upload"},
      {"s3", "verify", cmd_s3_verify, "check a SigV4 or SigV4a presigned URL as S3 would"},
      {"cloudfront", "url", cmd_cloudfront_url, "print https://DOMAIN/KEY for a public distribution"},
      {"cloudfront", "sign", cmd_cloudfront_sign, "print a CloudFront signed URL"},
      {"cloudfront", "cookies", cmd_cloudfront_cookies, "print CloudFront signed cookies"},
      {"cloudfront", "create-invalidation", cmd_cloudfront_create_invalidation, "invalidate cached paths"},
      {"cloudfront", "oac-policy", cmd_cloudfront_oac_policy, "print the S3 bucket policy for an OAC"},
      {"cloudfront", "setup", cmd_cloudfront_setup, "create the OAC, distribution and bucket policy"},
      {"cloudfront", "doctor", cmd_cloudfront_doctor, "check a distribution against the seed's pitfalls"},
      {"completion", "bash", cmd_completion, "print the bash completion script (also: zsh, fish)"},
  };
  return commands;
}

std::string usage_text() {
  std::string out = std::string("urlmint ") + urlmint::version +
                    ": mint AWS S3 and CloudFront URLs without the AWS SDK\n\nusage:\n";
  for (const auto& c : command_table()) {
    char line[256];
    std::snprintf(line, sizeof line, "  urlmint %s %-20s %s\n", c.group, c.name, c.summary);
    out += line;
  }
  out +=
      "  urlmint completion zsh|fish        print the zsh or fish completion script\n"
      "\n"
      "  --help, -h        this list; 'urlmint GROUP COMMAND --help' shows a command's options\n"
      "  --version         print the version\n"
      "  --help-man        print the manual page (roff), as installed in urlmint.1\n"
      "\n"
      "Exit status (every command): 0 success; 1 an operation failed (the server refused, the network\n"
      "or a file failed, no credentials: one line on stderr, nothing on stdout); 2 a usage error (an\n"
      "unknown command or option, a missing, malformed or out-of-range value).\n";
  return out;
}

}  // namespace urlmint_cli

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  using urlmint_cli::command_table;
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    std::fputs(urlmint_cli::usage_text().c_str(), stderr);
    return urlmint_cli::exit_usage;
  }
  if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::fputs(urlmint_cli::usage_text().c_str(), stdout);
    return urlmint_cli::exit_ok;
  }
  if (words[0] == "--version") {
    std::printf("urlmint %s\n", urlmint::version);
    return urlmint_cli::exit_ok;
  }
  if (words[0] == "--help-man") return urlmint_cli::print_man_page();
  const urlmint_cli::command* found = nullptr;
  bool group_known = false;
  for (const auto& c : command_table()) {
    if (words[0] != c.group) continue;
    group_known = true;
    if (words.size() > 1 && words[1] == c.name) found = &c;
  }
  // `urlmint completion SHELL` runs the one completion command with its shell as an argument.
  if (words[0] == "completion")
    for (const auto& c : command_table())
      if (words[0] == c.group) found = &c;
  if (found == nullptr) {
    if (group_known && (words.size() < 2 || words[1] == "--help" || words[1] == "-h")) {
      std::fputs(urlmint_cli::usage_text().c_str(), words.size() < 2 ? stderr : stdout);
      return words.size() < 2 ? urlmint_cli::exit_usage : urlmint_cli::exit_ok;
    }
    std::string what = group_known ? words[0] + " " + words[1] : words[0];
    std::fprintf(stderr, "urlmint: unknown command \"%s\"; run 'urlmint --help' for the list\n",
                 escape_controls(what).c_str());
    return urlmint_cli::exit_usage;
  }
  const bool completion = std::string(found->group) == "completion";
  std::string name = completion ? std::string("completion") : std::string(found->group) + " " + found->name;
  try {
    // libcurl's global setup is not thread-safe, so main() does it once, before any command
    // starts threads (multipart uploads, credential refresh).
    const urlmint::curl::global curl_global;
    urlmint_cli::args a(std::vector<std::string>(words.begin() + (completion ? 1 : 2), words.end()));
    return found->run(a);
  } catch (const urlmint_cli::usage_error& e) {
    std::fprintf(stderr, "urlmint %s: %s (see 'urlmint %s --help')\n", name.c_str(), escape_controls(e.what()).c_str(),
                 name.c_str());
    return urlmint_cli::exit_usage;
  } catch (const urlmint::error& e) {
    // An invalid value (out of range, malformed, a bad bucket name) is a usage error too.
    std::fprintf(stderr, "urlmint %s: %s\n", name.c_str(), e.what());
    return e.code() == urlmint::errc::invalid_argument ? urlmint_cli::exit_usage : urlmint_cli::exit_error;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "urlmint %s: %s\n", name.c_str(), e.what());
    return urlmint_cli::exit_error;
  }
}
