// urlmint s3 ls, rm, mb and rb: the AWS CLI's bucket and listing commands, printed the way
// `aws s3` prints them (requests and parsing in <urlmint/s3_listing.hpp>).

#include <cmath>  // std::nearbyint
#include <ctime>  // localtime_r, strftime
#include <cstdio>
#include <string>
#include <vector>

#include <urlmint/credential_formats.hpp>  // providers::parse_iso8601
#include <urlmint/s3_client.hpp>

#include "cli.hpp"

namespace urlmint_cli {
namespace {

constexpr const char* ls_help =
    "usage: urlmint s3 ls [s3://BUCKET[/PREFIX]] [options]\n"
    "\n"
    "Without a bucket, lists the buckets ('DATE TIME NAME'). With one, lists what is under PREFIX as\n"
    "the AWS CLI does: 'PRE name/' for each common prefix, then 'DATE TIME SIZE NAME' for each object\n"
    "(local time). Every page of ListObjectsV2 is read. Exits 1 when PREFIX matches nothing.\n"
    "\n"
    "  --recursive          every object under PREFIX, with its full key, no PRE lines\n"
    "  --human-readable     sizes as 1 Byte, 10 Bytes, 1.0 KiB, 2.5 MiB, ...\n"
    "  --summarize          end with 'Total Objects: N' and 'Total Size: S'\n"
    "  --page-size N        keys per ListObjectsV2 request, 1..1000; default 1000\n"
    "  --output text|json   json: {\"Buckets\": [...]} or {\"Contents\": [...], \"CommonPrefixes\": [...]},\n"
    "                       the shape of 'aws s3api list-buckets' / 'list-objects-v2'\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --debug\n"
    "                       as for 'urlmint s3 presign'\n";

constexpr const char* rm_help =
    "usage: urlmint s3 rm s3://BUCKET/KEY [options]\n"
    "       urlmint s3 rm s3://BUCKET/PREFIX --recursive [options]\n"
    "\n"
    "Deletes one object, or with --recursive every object whose key starts with PREFIX, in\n"
    "DeleteObjects requests of up to 1000 keys. Prints 'delete: s3://BUCKET/KEY' per object; a key S3\n"
    "refuses is reported as 'delete failed: s3://BUCKET/KEY CODE: message' on stderr and the exit\n"
    "status is 1.\n"
    "\n"
    "  --recursive          every object under PREFIX\n"
    "  --exclude GLOB       keep objects matching GLOB (relative to PREFIX; * also matches /)\n"
    "  --include GLOB       delete objects matching GLOB after all; later --exclude/--include win\n"
    "  --dryrun             print '(dryrun) delete: s3://...' for each object; delete nothing\n"
    "  --quiet              print nothing but errors\n"
    "  --only-show-errors   print only errors and warnings\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --debug\n"
    "                       as for 'urlmint s3 presign'\n";

constexpr const char* mb_help =
    "usage: urlmint s3 mb s3://BUCKET [options]\n"
    "\n"
    "Creates the bucket in the region (--region, AWS_REGION, ...; a LocationConstraint except in\n"
    "us-east-1) and prints 'make_bucket: BUCKET'.\n"
    "\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --debug\n"
    "                       as for 'urlmint s3 presign'\n";

constexpr const char* rb_help =
    "usage: urlmint s3 rb s3://BUCKET [--force] [options]\n"
    "\n"
    "Deletes the bucket, which must be empty, and prints 'remove_bucket: BUCKET'.\n"
    "\n"
    "  --force              first delete every object in it (as 'urlmint s3 rm --recursive'); the bucket\n"
    "                       is kept if any object could not be deleted\n"
    "  --region R, --endpoint-url URL, --addressing-style S, --profile P, --debug\n"
    "                       as for 'urlmint s3 presign'\n";

// "2026-12-02 04:00:00" in local time, as the AWS CLI prints LastModified / CreationDate.
std::string local_time_text(const std::string& iso) {
  const auto t = urlmint::providers::parse_iso8601(iso);
  if (!t) return std::string(19, ' ');
  const std::time_t secs = static_cast<std::time_t>(urlmint::to_unix_seconds(*t));
  std::tm tm{};
  localtime_r(&secs, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
  return out;
}

// awscli.customizations.s3.utils.human_readable_size.
std::string human_size(std::uint64_t value) {
  static const char* const suffixes[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  const double bytes = static_cast<double>(value);
  if (value == 1) return "1 Byte";
  if (value < 1024) return std::to_string(value) + " Bytes";
  char out[32];
  double unit = 1024.0 * 1024.0;
  for (const char* suffix : suffixes) {
    if (std::nearbyint(bytes / unit * 1024.0) < 1024.0 || suffix == suffixes[5]) {
      std::snprintf(out, sizeof out, "%.1f %s", 1024.0 * bytes / unit, suffix);
      return out;
    }
    unit *= 1024.0;
  }
  return out;
}

std::string size_text(std::uint64_t size, bool human) {
  std::string s = human ? human_size(size) : std::to_string(size);
  if (s.size() < 10) s.insert(0, 10 - s.size(), ' ');
  return s;
}

// Calls fn(page) for every page of ListObjectsV2 under `r`.
template <class Fn>
void for_each_page(urlmint::s3::client& client, const std::string& bucket, urlmint::s3::list_objects_request r,
                   Fn&& fn) {
  for (;;) {
    const urlmint::s3::list_objects_page page = client.list_objects_v2(bucket, r);
    fn(page);
    if (!urlmint::s3::next_page(r, page)) return;
  }
}

std::string object_json(const urlmint::s3::object_entry& o) {
  using urlmint::post::json_quote;
  return "{\"Key\": " + json_quote(o.key) + ", \"LastModified\": " + json_quote(o.last_modified) +
         ", \"ETag\": " + json_quote(o.etag) + ", \"Size\": " + std::to_string(o.size) +
         ", \"StorageClass\": " + json_quote(o.storage_class) + "}";
}

int list_buckets(urlmint::s3::client& client, const output_options& out) {
  const auto buckets = client.list_buckets();
  if (out.json) {
    std::string text = "{\"Buckets\": [";
    for (std::size_t i = 0; i < buckets.size(); ++i)
      text += std::string(i ? ", " : "") + "{\"Name\": " + urlmint::post::json_quote(buckets[i].name) +
              ", \"CreationDate\": " + urlmint::post::json_quote(buckets[i].creation_date) + "}";
    std::printf("%s]}\n", text.c_str());
    return exit_ok;
  }
  for (const auto& b : buckets) std::printf("%s %s\n", local_time_text(b.creation_date).c_str(), b.name.c_str());
  return exit_ok;
}

// The key's last component ("a/b/c.png" -> "c.png"); a prefix's ("a/b/" -> "b").
std::string last_component(const std::string& path, bool is_prefix) {
  std::string p = path;
  if (is_prefix && !p.empty()) p.pop_back();
  const auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Every key under `prefix` that the filters keep (s3 rm --recursive, s3 rb --force).
std::vector<std::string> keys_under(urlmint::s3::client& client, const std::string& bucket, const std::string& prefix,
                                    const path_filter& filter) {
  std::vector<std::string> keys;
  urlmint::s3::list_objects_request r;
  r.prefix = prefix;
  for_each_page(client, bucket, r, [&](const urlmint::s3::list_objects_page& page) {
    for (const auto& o : page.objects)
      if (filter.included(bucket + "/" + o.key)) keys.push_back(o.key);
  });
  return keys;
}

// Deletes `keys`, printing the AWS CLI's lines; exit_error when any key failed.
int delete_keys(urlmint::s3::client& client, const std::string& bucket, const std::vector<std::string>& keys,
                const output_options& out) {
  if (out.dryrun) {
    if (out.show_operations())
      for (const auto& k : keys) std::printf("(dryrun) delete: s3://%s/%s\n", bucket.c_str(), k.c_str());
    return exit_ok;
  }
  if (keys.empty()) return exit_ok;
  const urlmint::s3::delete_result r = client.delete_objects(bucket, keys);
  if (out.show_operations())
    for (const auto& k : r.deleted) std::printf("delete: s3://%s/%s\n", bucket.c_str(), k.c_str());
  std::fflush(stdout);
  for (const auto& e : r.errors)
    std::fprintf(stderr, "delete failed: s3://%s/%s %s: %s\n", bucket.c_str(), e.key.c_str(), e.code.c_str(),
                 e.message.c_str());
  return r.errors.empty() ? exit_ok : exit_error;
}

}  // namespace

int cmd_s3_ls(args& a) {
  if (a.wants_help()) {
    std::fputs(ls_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const bool recursive = a.flag("--recursive");
  const bool human = a.flag("--human-readable");
  const bool summarize = a.flag("--summarize");
  urlmint::s3::list_objects_request r;
  if (auto v = a.value("--page-size")) r.max_keys = static_cast<int>(parse_integer(*v, 1, 1000, "--page-size"));
  output_options out;
  out.json = choice(a, "--output").value_or("text") == "json";
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() > 1) throw usage_error("takes at most one s3://BUCKET/PREFIX");
  urlmint::s3::client client(resolve_credentials(common.profile), common.config);
  if (pos.empty() || pos[0] == "s3://") return list_buckets(client, out);
  const auto uri = s3_uri_arg(pos[0]);
  r.prefix = uri.key;
  if (!recursive) r.delimiter = "/";

  std::uint64_t total_size = 0, total_objects = 0;
  bool any = false;
  std::vector<std::string> json_prefixes;
  if (out.json) std::fputs("{\"Contents\": [", stdout);
  for_each_page(client, uri.bucket, r, [&](const urlmint::s3::list_objects_page& page) {
    if (!out.json)
      for (const auto& p : page.common_prefixes)
        std::printf("%30s %s/\n", "PRE", last_component(p, true).c_str());
    for (const auto& o : page.objects) {
      total_size += o.size;
      if (out.json) {
        std::printf("%s%s", total_objects ? ", " : "", object_json(o).c_str());
      } else {
        std::printf("%s %s %s\n", local_time_text(o.last_modified).c_str(), size_text(o.size, human).c_str(),
                    (recursive ? o.key : last_component(o.key, false)).c_str());
      }
      ++total_objects;
    }
    for (const auto& p : page.common_prefixes) json_prefixes.push_back(p);
    any = any || !page.objects.empty() || !page.common_prefixes.empty();
  });
  if (out.json) {
    std::string text = "], \"CommonPrefixes\": [";
    for (std::size_t i = 0; i < json_prefixes.size(); ++i)
      text += std::string(i ? ", " : "") + "{\"Prefix\": " + urlmint::post::json_quote(json_prefixes[i]) + "}";
    std::printf("%s]}\n", text.c_str());
  }
  if (summarize && !out.json) {
    std::printf("\nTotal Objects: %llu\n   Total Size: %s\n", static_cast<unsigned long long>(total_objects),
                human ? human_size(total_size).c_str() : std::to_string(total_size).c_str());
  }
  if (!any && !uri.key.empty()) {
    std::fflush(stdout);
    std::fprintf(stderr, "urlmint s3 ls: nothing in s3://%s matches \"%s\"; check the prefix (keys are case-sensitive)\n",
                 uri.bucket.c_str(), uri.key.c_str());
    return exit_error;
  }
  return exit_ok;
}

int cmd_s3_rm(args& a) {
  if (a.wants_help()) {
    std::fputs(rm_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const bool recursive = a.flag("--recursive");
  const auto filters = a.ordered_values({"--exclude", "--include"});
  const output_options out = parse_output_options(a);
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 1) throw usage_error("needs one s3://BUCKET/KEY");
  const auto uri = s3_uri_arg(pos[0]);
  if (!recursive && !filters.empty()) throw usage_error("--exclude and --include need --recursive");
  if (!recursive && uri.key.empty()) throw usage_error("needs a key, s3://BUCKET/KEY, or --recursive for a prefix");
  urlmint::s3::client client(resolve_credentials(common.profile), common.config);
  if (!recursive) {
    if (out.dryrun) {
      if (out.show_operations()) std::printf("(dryrun) delete: %s\n", pos[0].c_str());
      return exit_ok;
    }
    client.delete_object(uri.bucket, uri.key);
    if (out.show_operations()) std::printf("delete: %s\n", pos[0].c_str());
    return exit_ok;
  }
  const path_filter filter(filters, uri.bucket + "/" + uri.key);
  return delete_keys(client, uri.bucket, keys_under(client, uri.bucket, uri.key, filter), out);
}

int cmd_s3_mb(args& a) {
  if (a.wants_help()) {
    std::fputs(mb_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 1) throw usage_error("needs one s3://BUCKET");
  const auto uri = s3_uri_arg(pos[0]);
  if (!uri.key.empty()) throw usage_error("takes a bucket only, s3://" + uri.bucket);
  urlmint::s3::validate_bucket(uri.bucket, urlmint::s3::is_aws_endpoint(common.config));
  urlmint::s3::client client(resolve_credentials(common.profile), common.config);
  client.create_bucket(uri.bucket);
  std::printf("make_bucket: %s\n", uri.bucket.c_str());
  return exit_ok;
}

int cmd_s3_rb(args& a) {
  if (a.wants_help()) {
    std::fputs(rb_help, stdout);
    return exit_ok;
  }
  s3_common common = parse_s3_common(a);
  const bool force = a.flag("--force");
  const auto pos = a.positionals();
  a.finish();
  if (pos.size() != 1) throw usage_error("needs one s3://BUCKET");
  const auto uri = s3_uri_arg(pos[0]);
  if (!uri.key.empty()) throw usage_error("takes a bucket only, s3://" + uri.bucket);
  urlmint::s3::client client(resolve_credentials(common.profile), common.config);
  if (force) {
    const int rc = delete_keys(client, uri.bucket, keys_under(client, uri.bucket, "", path_filter({}, uri.bucket + "/")),
                               output_options{});
    if (rc != exit_ok)
      throw urlmint::error(urlmint::errc::service, "s3 rb: some objects could not be deleted, so the bucket s3://" +
                                                       uri.bucket + " is kept; fix the errors above and retry");
  }
  client.delete_bucket(uri.bucket);
  std::printf("remove_bucket: %s\n", uri.bucket.c_str());
  return exit_ok;
}

}  // namespace urlmint_cli
