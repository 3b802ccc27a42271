// urlmint s3 cp --recursive (a directory tree up to a prefix, or a prefix down to a directory)
// and the AWS CLI's --exclude / --include filters it shares with s3 rm --recursive. Transfers
// run on a small pool of threads, one s3::client each.

#include <unistd.h>  // isatty

#include <algorithm>   // std::sort
#include <atomic>      // std::atomic
#include <cstdio>
#include <filesystem>  // std::filesystem::recursive_directory_iterator
#include <mutex>       // std::mutex
#include <string>
#include <thread>      // std::thread
#include <vector>

#include <urlmint/s3_client.hpp>

#include "cli.hpp"

namespace urlmint_cli {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching with one backtrack point for the last '*'.
  std::size_t p = 0, t = 0, star = std::string_view::npos, star_text = 0;
  const auto class_match = [&](std::size_t at, char c, std::size_t& end) {
    // A [...] set starting at `at`; end is set past its ']'. Returns -1 when it is unclosed.
    std::size_t i = at + 1;
    const bool negate = i < pattern.size() && pattern[i] == '!';
    if (negate) ++i;
    const std::size_t first = i;
    if (i < pattern.size() && pattern[i] == ']') ++i;  // a leading ] is literal
    while (i < pattern.size() && pattern[i] != ']') ++i;
    if (i >= pattern.size()) return -1;
    end = i + 1;
    bool in = false;
    for (std::size_t k = first; k < i; ++k) {
      if (k + 2 < i && pattern[k + 1] == '-') {
        if (pattern[k] <= c && c <= pattern[k + 2]) in = true;
        k += 2;
      } else if (pattern[k] == c) {
        in = true;
      }
    }
    return in != negate ? 1 : 0;
  };
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star = p++;
        star_text = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        std::size_t end = 0;
        const int m = class_match(p, text[t], end);
        if (m == 1) {
          p = end;
          ++t;
          continue;
        }
        if (m == -1 && text[t] == '[') {  // unclosed: a literal '['
          ++p;
          ++t;
          continue;
        }
      } else if (pc == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

path_filter::path_filter(std::vector<std::pair<std::string, std::string>> rules, const std::string& root) {
  for (auto& r : rules) {
    // os.path.join(root, pattern): an absolute pattern replaces the root.
    std::string joined = !r.second.empty() && r.second[0] == '/' ? r.second
                         : !root.empty() && root.back() == '/'   ? root + r.second
                                                                 : root + "/" + r.second;
    rules_.emplace_back(r.first == "--include", std::move(joined));
  }
}

bool path_filter::included(const std::string& path) const {
  bool in = true;
  for (const auto& r : rules_)
    if (glob_match(r.second, path)) in = r.first;
  return in;
}

namespace {

struct transfer {
  std::string local;    // the file to read or write
  std::string key;      // the object's key
  std::string display;  // "upload: DISPLAY" / "download: DISPLAY"
};

std::string join_path(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return rel;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

// A key's path below the download directory, or "" when it would leave it (".." parts, an
// absolute path) or names a directory marker ("charts/").
std::string safe_relative(const std::string& rel) {
  if (rel.empty() || rel.back() == '/') return {};
  std::size_t start = 0;
  while (start <= rel.size()) {
    const std::size_t slash = std::min(rel.find('/', start), rel.size());
    const std::string part = rel.substr(start, slash - start);
    if (part == ".." || part == "." || (part.empty() && slash < rel.size())) return {};
    start = slash + 1;
  }
  return rel;
}

std::vector<transfer> upload_plan(const std::string& dir, const urlmint::s3::s3_uri& dest, const path_filter& filter,
                                  const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw urlmint::error(urlmint::errc::io, "s3 cp: \"" + dir + "\" is not a directory; --recursive copies a directory "
                                                "(drop --recursive to copy one file)");
  std::string prefix = dest.key;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
  if (ec) throw urlmint::error(urlmint::errc::io, "s3 cp: cannot read \"" + dir + "\": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw urlmint::error(urlmint::errc::io, "s3 cp: cannot read under \"" + dir + "\": " + ec.message());
    if (!it->is_regular_file(ec)) continue;
    files.push_back(it->path().lexically_relative(dir).generic_string());
  }
  std::sort(files.begin(), files.end());
  std::vector<transfer> plan;
  for (const auto& rel : files) {
    if (!filter.included(root + "/" + rel)) continue;
    const std::string local = join_path(dir, rel);
    plan.push_back({local, prefix + rel, local + " to s3://" + dest.bucket + "/" + prefix + rel});
  }
  return plan;
}

std::vector<transfer> download_plan(urlmint::s3::client& client, const urlmint::s3::s3_uri& src, const std::string& dir,
                                    const path_filter& filter, std::vector<std::string>& refused) {
  std::vector<transfer> plan;
  urlmint::s3::list_objects_request r;
  r.prefix = src.key;
  for (;;) {
    const auto page = client.list_objects_v2(src.bucket, r);
    for (const auto& o : page.objects) {
      if (!o.key.empty() && o.key.back() == '/') continue;  // a "directory" marker
      if (!filter.included(src.bucket + "/" + o.key)) continue;
      std::string rel = o.key.substr(src.key.size());
      while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
      if (rel.empty()) rel = o.key.substr(o.key.find_last_of('/') + 1);
      const std::string safe = safe_relative(rel);
      if (safe.empty()) {
        refused.push_back(o.key);
        continue;
      }
      const std::string local = join_path(dir, safe);
      plan.push_back({local, o.key, "s3://" + src.bucket + "/" + o.key + " to " + local});
    }
    if (!urlmint::s3::next_page(r, page)) break;
  }
  return plan;
}

}  // namespace

int run_recursive_cp(args& a, const urlmint::s3::put_options& put, bool guess_type, const s3_common& common,
                     const urlmint::s3::client_options& client_opts, const output_options& out) {
  const auto filters = a.ordered_values({"--exclude", "--include"});
  // As the AWS CLI: max_concurrent_requests (config `s3 =` section, default 10) requests in flight.
  unsigned jobs = std::max(1u, client_opts.max_parallel_parts);
  if (auto v = a.value("--jobs")) jobs = static_cast<unsigned>(parse_integer(*v, 1, 64, "--jobs"));
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 2) throw usage_error("needs a source and a destination");
  const std::string& source = pos[0];
  const std::string& destination = pos[1];
  const bool upload = destination.rfind("s3://", 0) == 0;
  const bool download = source.rfind("s3://", 0) == 0;
  if (upload == download)
    throw usage_error(upload ? "copies between two S3 locations are not supported; download then upload"
                             : "one of the two arguments must be s3://BUCKET/PREFIX");
  if (source == "-" || destination == "-") throw usage_error("--recursive copies a directory, not stdin or stdout");

  urlmint::s3::client_options opts = client_opts;
  opts.progress = nullptr;  // one line per file instead
  // Every client of the command shares one DNS cache and TLS session cache; each worker keeps
  // its connections alive from one file to the next.
  opts.http.share = std::make_shared<urlmint::curl::share>();
  // One rotating source shared by every worker (providers::provider is thread-safe), so a long
  // copy keeps going when temporary credentials are refreshed.
  std::optional<urlmint::credentials_source> creds;
  const auto credentials = [&]() -> const urlmint::credentials_source& {
    if (!creds) {
      creds = resolve_credentials_source(common.profile);
      (void)from_config_files([&] { return creds->get(urlmint::clock::now()); });  // fail once, here, not per file
    }
    return *creds;
  };
  std::vector<transfer> plan;
  std::vector<std::string> refused;
  urlmint::s3::s3_uri remote;
  if (upload) {
    remote = s3_uri_arg(destination);
    const std::string root = std::filesystem::absolute(source).lexically_normal().generic_string();
    const std::string trimmed = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root;
    plan = upload_plan(source, remote, path_filter(filters, trimmed), trimmed);
  } else {
    remote = s3_uri_arg(source);
    urlmint::s3::client lister(credentials(), common.config, opts);
    plan = download_plan(lister, remote, destination, path_filter(filters, remote.bucket + "/" + remote.key), refused);
  }
  const char* verb = upload ? "upload" : "download";
  int status = exit_ok;
  for (const auto& k : refused) {
    std::fprintf(stderr, "download failed: s3://%s/%s the key would be written outside \"%s\" (it has '..' or "
                 "empty parts); download it by name instead\n", remote.bucket.c_str(), k.c_str(), destination.c_str());
    status = exit_error;
  }
  if (out.dryrun) {
    if (out.show_operations())
      for (const auto& t : plan) std::printf("(dryrun) %s: %s\n", verb, t.display.c_str());
    return status;
  }
  if (plan.empty()) return status;

  std::mutex print_mutex;
  std::atomic<std::size_t> next{0};
  std::size_t done = 0, failed = 0;
  const bool progress = out.show_progress();
  const auto finish_one = [&](const transfer& t, const std::string& failure) {
    std::lock_guard<std::mutex> lock(print_mutex);
    ++done;
    if (progress) std::fputs("\r\033[K", stderr);
    if (failure.empty()) {
      if (out.show_operations()) std::printf("%s: %s\n", verb, t.display.c_str());
      std::fflush(stdout);
    } else {
      ++failed;
      std::fprintf(stderr, "%s failed: %s %s\n", verb, t.display.c_str(), failure.c_str());
    }
    if (progress && done < plan.size())
      std::fprintf(stderr, "Completed %zu of %zu file(s) with %zu file(s) remaining", done, plan.size(), plan.size() - done);
  };
  const auto work = [&] {
    std::unique_ptr<urlmint::s3::client> client;
    std::string setup_failure;
    try {
      client = std::make_unique<urlmint::s3::client>(credentials(), common.config, opts);
    } catch (const std::exception& e) {
      setup_failure = e.what();
    }
    for (std::size_t i; (i = next.fetch_add(1)) < plan.size();) {
      const transfer& t = plan[i];
      std::string failure = setup_failure;
      if (client) {
        try {
          if (upload) {
            urlmint::s3::put_options p = put;
            if (guess_type) p.content_type = guess_content_type(t.local);
            client->put_file(remote.bucket, t.key, t.local, p);
          } else {
            const auto parent = std::filesystem::path(t.local).parent_path();
            std::error_code ec;
            if (!parent.empty()) std::filesystem::create_directories(parent, ec);
            if (ec) throw urlmint::error(urlmint::errc::io, "cannot create \"" + parent.string() + "\": " + ec.message());
            client->download_file(remote.bucket, t.key, t.local);  // verified, atomic (transfer.hpp)
          }
        } catch (const std::exception& e) {
          failure = e.what();
        }
      }
      finish_one(t, failure);
    }
  };
  (void)credentials();  // resolve once, before the threads share it
  std::vector<std::thread> threads;
  const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(jobs, plan.size()));
  // max_concurrent_requests in all: a large file's parts or ranges share them with the other files.
  opts.max_parallel_parts = std::max(1u, client_opts.max_parallel_parts / workers);
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& th : threads) th.join();
  if (progress) std::fputs("\r\033[K", stderr);
  return failed > 0 ? exit_error : status;
}

}  // namespace urlmint_cli
