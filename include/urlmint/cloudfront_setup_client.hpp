#ifndef URLMINT_CLOUDFRONT_SETUP_CLIENT_HPP
#define URLMINT_CLOUDFRONT_SETUP_CLIENT_HPP

// Sends the calls of cloudfront_setup.hpp (CloudFront, STS, S3 bucket policy) through
// s3::client's retries (connection errors, timeouts, 429, 5xx and Throttling, with full-jitter
// backoff, re-signed for every attempt), and runs the two commands built from them: setup (the
// seed's steps 1 to 3, each idempotent) and doctor (the seed's troubleshooting list).
// Needs libcurl; signing-only code includes cloudfront_setup.hpp instead.

#include <chrono>      // std::chrono::seconds
#include <functional>  // std::function
#include <optional>    // std::optional
#include <string>
#include <string_view>
#include <utility>  // std::move
#include <vector>

#include "cloudfront_setup.hpp"
#include "curl.hpp"
#include "s3_client.hpp"

namespace urlmint {
namespace cloudfront {

/// Sends setup's API calls. Not thread-safe (it owns curl connections); one per thread.
class api_client {
 public:
  /// `region` is the bucket's (S3 and STS are called there; CloudFront is global). Each
  /// attempt is signed with `creds` as they are at that moment (fixed keys or a rotating
  /// provider, see credentials_source).
  api_client(credentials_source creds, std::string region, service_endpoints endpoints, s3::client_options opts = {})
      : region_(std::move(region)),
        endpoints_(std::move(endpoints)),
        s3_(std::move(creds), s3::config{region_, endpoints_.s3, s3::addressing_style::automatic}, opts),
        cloudfront_http_(opts.http),
        sts_http_(opts.http) {}

  const std::string& region() const noexcept { return region_; }

  /// Sends one CloudFront call and returns the 2xx answer's body. Throws errc::service (or
  /// signature_mismatch, invalid_credentials) with CloudFront's code, message and a fix.
  std::string cloudfront(std::string_view operation, std::string_view method, const std::string& resource,
                         const std::string& body = {}, const std::string& marker = {}) {
    try {
      return s3_
          .execute(cloudfront_http_, std::string(operation),
                   [&](time_point now) {
                     return cloudfront_request(creds(now), method, resource, body, now, endpoints_.cloudfront, marker).request;
                   },
                   body.empty() ? s3::client::body_factory() : s3::client::memory_body(body))
          .body;
    } catch (const s3::service_error& e) {
      throw error(e.code(), describe("cloudfront", operation, e.details()));
    }
  }

  /// Every item of a paginated List call (e.g. "distribution", "DistributionSummary").
  template <typename T, typename Parse>
  std::vector<T> list_all(std::string_view operation, const std::string& resource, std::string_view item, Parse parse) {
    std::vector<T> out;
    std::string marker;
    for (int page = 0; page < 1000; ++page) {
      const std::string body = cloudfront(operation, "GET", resource, {}, marker);
      const list_page p = parse_list_page(body, item);
      for (auto x : p.items) out.push_back(parse(x));
      if (p.next_marker.empty() || p.next_marker == marker) break;
      marker = p.next_marker;
    }
    return out;
  }

  /// The account of the credentials (STS GetCallerIdentity).
  std::string account_id() {
    const api_request probe = get_caller_identity_request(creds(clock::now()), endpoints_.sts, endpoints_.sts_region, clock::now());
    try {
      const auto resp = s3_.execute(sts_http_, "GetCallerIdentity", [&](time_point now) {
        return get_caller_identity_request(creds(now), endpoints_.sts, endpoints_.sts_region, now).request;
      }, s3::client::memory_body(probe.body));
      return parse_caller_identity_account(resp.body);
    } catch (const s3::service_error& e) {
      throw error(e.code(), describe("sts", "GetCallerIdentity", e.details()));
    }
  }

  /// The bucket's policy JSON, or nullopt when it has none (NoSuchBucketPolicy).
  std::optional<std::string> get_bucket_policy(const std::string& bucket) {
    try {
      return s3_.execute(s3_http_(), "GET s3://" + bucket + "?policy", [&](time_point now) {
        return get_bucket_policy_request(creds(now), s3_.configuration(), bucket, now).request;
      }).body;
    } catch (const s3::service_error& e) {
      if (e.details().code == "NoSuchBucketPolicy") return std::nullopt;
      throw;
    }
  }

  /// PutBucketPolicy.
  void put_bucket_policy(const std::string& bucket, const std::string& policy) {
    const api_request probe = put_bucket_policy_request(creds(clock::now()), s3_.configuration(), bucket, policy, clock::now());
    s3_.execute(s3_http_(), "PUT s3://" + bucket + "?policy", [&](time_point now) {
      return put_bucket_policy_request(creds(now), s3_.configuration(), bucket, policy, now).request;
    }, s3::client::memory_body(probe.body));
  }

  std::vector<origin_access_control> list_origin_access_controls() {
    return list_all<origin_access_control>("ListOriginAccessControls", "origin-access-control",
                                           "OriginAccessControlSummary", parse_origin_access_control);
  }
  origin_access_control create_origin_access_control(std::string_view name, std::string_view description = {}) {
    const std::string body = cloudfront("CreateOriginAccessControl", "POST", "origin-access-control",
                                        origin_access_control_config_xml(name, description));
    return parse_origin_access_control(detail::xml_root(body));
  }
  std::vector<distribution> list_distributions() {
    return list_all<distribution>("ListDistributions", "distribution", "DistributionSummary", parse_distribution);
  }
  distribution get_distribution(const std::string& id) {
    validate_distribution_id(id);
    return parse_distribution(detail::xml_root(cloudfront("GetDistribution", "GET", "distribution/" + id)));
  }
  distribution create_distribution(const distribution_settings& s) {
    const std::string body = cloudfront("CreateDistribution", "POST", "distribution", distribution_config_xml(s));
    return parse_distribution(detail::xml_root(body));
  }
  std::vector<public_key_summary> list_public_keys() {
    return list_all<public_key_summary>("ListPublicKeys", "public-key", "PublicKeySummary", parse_public_key);
  }
  public_key_summary create_public_key(std::string_view name, std::string_view pem, std::string_view caller_reference) {
    const std::string body =
        cloudfront("CreatePublicKey", "POST", "public-key", public_key_config_xml(name, pem, caller_reference));
    return parse_public_key(detail::xml_root(body));
  }
  std::vector<key_group> list_key_groups() {
    return list_all<key_group>("ListKeyGroups", "key-group", "KeyGroupSummary", parse_key_group);
  }
  key_group create_key_group(std::string_view name, const std::vector<std::string>& public_key_ids) {
    const std::string body = cloudfront("CreateKeyGroup", "POST", "key-group", key_group_config_xml(name, public_key_ids));
    return parse_key_group(detail::xml_root(body));
  }

  /// The one-line message for a refused CloudFront or STS call, with a fix where one is known.
  static std::string describe(std::string_view service, std::string_view operation, const s3::error_details& d) {
    std::string msg = std::string(service) + ": " + std::string(operation) + " failed: HTTP " + std::to_string(d.status);
    if (!d.code.empty()) msg += " " + d.code;
    std::string m = s3::detail::printable_excerpt(d.message, 300);
    while (!m.empty() && (m.back() == '.' || m.back() == ' ')) m.pop_back();
    if (!m.empty()) msg += ": " + m;
    std::string fix;
    if (d.code == "AccessDenied" || d.code == "AccessDeniedException")
      fix = "the credentials are not allowed to call " + std::string(service) + ":" + std::string(operation) +
            "; add it to the IAM policy";
    else if (d.code == "InvalidClientTokenId" || d.code == "InvalidAccessKeyId")
      fix = "the access key id is unknown; check AWS_ACCESS_KEY_ID and the endpoint";
    else if (d.code == "SignatureDoesNotMatch")
      fix = "the secret access key is wrong for this access key id; check AWS_SECRET_ACCESS_KEY";
    else if (d.code == "CNAMEAlreadyExists")
      fix = "another distribution already uses this --alias; remove it there first";
    else if (d.code == "InvalidViewerCertificate")
      fix = "--certificate-arn must be an issued ACM certificate in us-east-1 that covers --alias";
    else if (d.code.empty() && !d.body_excerpt.empty())
      fix = "the answer is not XML (\"" + d.body_excerpt + "\"); check the endpoint (AWS_ENDPOINT_URL_" +
            (service == "sts" ? "STS" : "CLOUDFRONT") + ")";
    if (!fix.empty()) msg += "; " + fix;
    if (!d.request_id.empty()) msg += " (request id " + s3::detail::printable_excerpt(d.request_id, 80) + ")";
    return msg;
  }

 private:
  curl::client& s3_http_() { return s3_http_conn_; }
  const credentials& creds(time_point now) {
    held_ = s3_.signer().credentials_at(now);
    return *held_;
  }

  std::shared_ptr<const credentials> held_;  // the credentials of the attempt being signed
  std::string region_;
  service_endpoints endpoints_;
  s3::client s3_;
  curl::client cloudfront_http_;
  curl::client sts_http_;
  curl::client s3_http_conn_{s3_.options().http};
};

// ---------------------------------------------------------------------------------------------
// Setup.

/// What `urlmint cloudfront setup` is asked to do.
struct setup_options {
  std::string bucket;
  std::string region;
  std::string price_class = "PriceClass_All";
  std::string oac_name;          ///< empty: "BUCKET-oac" (the seed's chart-bucket-oac)
  std::string alias;             ///< custom domain, with certificate_arn
  std::string certificate_arn;
  std::string public_key_pem;    ///< "BEGIN PUBLIC KEY" PEM for a private distribution, or empty
  std::string public_key_name;   ///< empty: "BUCKET-key"
  std::string key_group_name;    ///< empty: "BUCKET-key-group"
};

/// What setup found or made.
struct setup_result {
  std::string account_id;
  origin_access_control oac;
  bool oac_created = false;
  distribution dist;
  bool distribution_created = false;
  std::string distribution_arn;
  bool policy_changed = false;
  std::string public_key_id;
  bool public_key_created = false;
  std::string key_group_id;
  bool key_group_created = false;
};

/// Receives one line of progress per step ("origin access control chart-bucket-oac: reused E2...").
using report_function = std::function<void(const std::string& line)>;

/// Runs the seed's setup against `api`: the account (STS), the OAC (reused by name), with a
/// public key the CloudFront public key and key group (reused by key and by name), the
/// distribution (reused when one has the bucket's regional domain as its origin), then the
/// bucket policy statement (merged, never twice). Each step is idempotent. `now` makes the
/// caller references.
inline setup_result run_setup(api_client& api, const setup_options& o, time_point now,
                              const report_function& report = nullptr) {
  const auto say = [&](const std::string& line) {
    if (report) report(line);
  };
  setup_result r;
  validate_price_class(o.price_class);
  const std::string problem = s3::aws_bucket_name_problem(o.bucket);
  if (!problem.empty())
    throw error(errc::invalid_argument, "cloudfront: bucket name \"" + o.bucket + "\" " + problem);
  r.account_id = api.account_id();
  // The bucket first: a missing bucket, a refused GetBucketPolicy or a policy that cannot be
  // merged stops the setup before anything is created.
  const std::optional<std::string> existing = api.get_bucket_policy(o.bucket);
  check_bucket_policy(existing.value_or(""));

  const std::string oac_name = o.oac_name.empty() ? o.bucket + "-oac" : o.oac_name;
  bool found = false;
  for (const auto& oac : api.list_origin_access_controls())
    if (oac.name == oac_name) {
      r.oac = oac;
      found = true;
      break;
    }
  if (!found) {
    r.oac = api.create_origin_access_control(oac_name, "urlmint: " + o.bucket);
    r.oac_created = true;
  }
  say("origin access control " + oac_name + ": " + (r.oac_created ? "created " : "reused ") + r.oac.id);
  if (!r.oac_created && (r.oac.signing_behavior != "always" || r.oac.signing_protocol != "sigv4" ||
                         r.oac.origin_type != "s3"))
    say("origin access control " + oac_name + ": warning: it signs " + r.oac.signing_behavior + " with " +
        r.oac.signing_protocol + " for origin type " + r.oac.origin_type + "; the seed uses always, sigv4, s3");

  if (!o.public_key_pem.empty()) {
    const std::string key_name = o.public_key_name.empty() ? o.bucket + "-key" : o.public_key_name;
    for (const auto& k : api.list_public_keys())
      if (same_pem(k.encoded_key, o.public_key_pem)) {
        r.public_key_id = k.id;
        break;
      }
    if (r.public_key_id.empty()) {
      r.public_key_id = api.create_public_key(key_name, o.public_key_pem, make_caller_reference(now)).id;
      r.public_key_created = true;
    }
    say("public key " + key_name + ": " + (r.public_key_created ? "created " : "reused ") + r.public_key_id);
    const std::string group_name = o.key_group_name.empty() ? o.bucket + "-key-group" : o.key_group_name;
    for (const auto& g : api.list_key_groups())
      if (g.name == group_name) {
        r.key_group_id = g.id;
        bool has_key = false;
        for (const auto& id : g.public_key_ids) has_key = has_key || id == r.public_key_id;
        if (!has_key)
          throw error(errc::invalid_argument, "cloudfront: key group " + group_name + " (" + g.id +
                                                  ") does not hold public key " + r.public_key_id +
                                                  "; add it in the console or pass another --key-group-name");
        break;
      }
    if (r.key_group_id.empty()) {
      r.key_group_id = api.create_key_group(group_name, {r.public_key_id}).id;
      r.key_group_created = true;
    }
    say("key group " + group_name + ": " + (r.key_group_created ? "created " : "reused ") + r.key_group_id);
  }

  const std::string origin_domain = bucket_regional_domain(o.bucket, o.region);
  found = false;
  for (const auto& d : api.list_distributions())
    if (find_bucket_origin(d, o.bucket, o.region) != nullptr) {
      r.dist = d;
      found = true;
      break;
    }
  if (!found) {
    distribution_settings s;
    s.bucket = o.bucket;
    s.region = o.region;
    s.origin_access_control_id = r.oac.id;
    s.price_class = o.price_class;
    s.alias = o.alias;
    s.certificate_arn = o.certificate_arn;
    s.key_group_id = r.key_group_id;
    s.caller_reference = make_caller_reference(now);
    r.dist = api.create_distribution(s);
    r.distribution_created = true;
  }
  say("distribution " + r.dist.id + " (" + r.dist.domain_name + ", origin " + origin_domain + "): " +
      (r.distribution_created ? "created" : "reused") + ", " + r.dist.status);
  if (!r.distribution_created) {
    const origin* og = find_bucket_origin(r.dist, o.bucket, o.region);
    if (og != nullptr && og->origin_access_control_id.empty())
      say("distribution " + r.dist.id + ": warning: its origin " + origin_domain +
          " has no origin access control; attach " + r.oac.id + " in the console (Origins > Edit)");
    if (!r.key_group_id.empty() && !(r.dist.trusted_key_groups_enabled && [&] {
          for (const auto& g : r.dist.trusted_key_groups)
            if (g == r.key_group_id) return true;
          return false;
        }()))
      say("distribution " + r.dist.id + ": warning: its default behaviour does not trust key group " +
          r.key_group_id + "; add it in the console (Behaviors > Edit > Restrict viewer access)");
  }

  r.distribution_arn = cloudfront::distribution_arn(r.account_id, r.dist.id, o.region);
  const policy_merge merged = merge_oac_statement(existing.value_or(""), o.bucket, r.distribution_arn);
  if (merged.changed) api.put_bucket_policy(o.bucket, merged.policy);
  r.policy_changed = merged.changed;
  say("bucket policy of " + o.bucket + ": " +
      (merged.changed ? "statement added for " : "already allows ") + r.distribution_arn);
  return r;
}

/// Polls GetDistribution every `interval` until `id` is Deployed (about 5 minutes on AWS) or
/// `timeout` passes (then errc::timeout). `on_poll` sees each answer; `sleep` waits.
inline distribution wait_until_deployed(api_client& api, const std::string& id, std::chrono::seconds interval,
                                        std::chrono::seconds timeout,
                                        const std::function<void(const distribution&, std::chrono::seconds waited)>& on_poll,
                                        const std::function<void(std::chrono::seconds)>& sleep) {
  std::chrono::seconds waited{0};
  for (;;) {
    distribution d = api.get_distribution(id);
    if (on_poll) on_poll(d, waited);
    if (d.status == "Deployed") return d;
    if (waited >= timeout)
      throw error(errc::timeout, "cloudfront: distribution " + id + " is still " + d.status + " after " +
                                     std::to_string(waited.count()) + " s; run 'urlmint cloudfront doctor' later");
    sleep(interval);
    waited += interval;
  }
}

// ---------------------------------------------------------------------------------------------
// Doctor.

/// What doctor checks.
struct doctor_options {
  std::string domain;  ///< CLOUDFRONT_DOMAIN as the application has it
  std::string bucket;
  std::string region;
  std::string key;     ///< an object key to fetch through CloudFront (HEAD), or empty
};

/// Runs the seed's troubleshooting list. `head` sends a HEAD to a URL and returns the status
/// (it is only called with a key); the checks after a failed one that they depend on are
/// skipped.
inline std::vector<check> run_doctor(api_client& api, const doctor_options& o,
                                     const std::function<long(const std::string& url)>& head) {
  std::vector<check> out;
  const std::string problem = domain_problem(o.domain);
  std::string host;
  try {
    host = normalize_domain(o.domain);
  } catch (const error&) {
  }
  out.push_back({"domain", problem.empty(), problem.empty() ? host + " has no scheme and no path" : problem});
  if (host.empty()) return out;

  std::optional<distribution> found;
  for (const auto& d : api.list_distributions()) {
    bool match = ascii_iequals(d.domain_name, host);
    for (const auto& a : d.aliases) match = match || ascii_iequals(a, host);
    if (match) {
      found = d;
      break;
    }
  }
  if (!found) {
    out.push_back({"distribution", false, "no distribution has the domain or alias " + host +
                                              "; copy the Distribution domain name from the console, or run "
                                              "'urlmint cloudfront setup --bucket " + o.bucket + "'"});
    return out;
  }
  const distribution d = api.get_distribution(found->id);
  out.push_back({"distribution", true, d.id + " serves " + host});
  if (d.status == "Deployed" && d.enabled)
    out.push_back({"deployed", true, d.id + " is Deployed"});
  else if (!d.enabled)
    out.push_back({"deployed", false, d.id + " is disabled; enable it in the console"});
  else
    out.push_back({"deployed", false, d.id + " is still " + d.status +
                                          " (a new distribution takes about 5 minutes); wait, or run "
                                          "'urlmint cloudfront setup --wait'"});

  const origin* og = find_bucket_origin(d, o.bucket, o.region, true);
  if (og == nullptr) {
    std::string names;
    for (const auto& x : d.origins) names += (names.empty() ? "" : ", ") + x.domain_name;
    out.push_back({"origin", false, "the distribution's origins are " + (names.empty() ? "none" : names) +
                                        ", not " + bucket_regional_domain(o.bucket, o.region) +
                                        "; check --bucket and --region, or edit the origin"});
  } else if (og->origin_access_control_id.empty()) {
    out.push_back({"origin", false, "origin " + og->domain_name + " has no origin access control" +
                                        (og->origin_access_identity.empty() ? "" : " (it uses a legacy OAI)") +
                                        "; attach one (Origins > Edit > Origin access control settings), or run "
                                        "'urlmint cloudfront setup'"});
  } else {
    out.push_back({"origin", true, "origin " + og->domain_name + " uses origin access control " +
                                       og->origin_access_control_id});
  }

  const std::string arn = d.arn.empty() ? distribution_arn(api.account_id(), d.id, o.region) : d.arn;
  try {
    const std::optional<std::string> policy = api.get_bucket_policy(o.bucket);
    if (!policy)
      out.push_back({"bucket policy", false, "bucket " + o.bucket + " has no bucket policy, so CloudFront gets 403; "
                                             "run 'urlmint cloudfront setup --bucket " + o.bucket +
                                             "' or paste 'urlmint cloudfront oac-policy' into the bucket's policy"});
    else if (!policy_allows_distribution(*policy, o.bucket, arn))
      out.push_back({"bucket policy", false, "the bucket policy of " + o.bucket + " does not allow " + arn +
                                                 " to s3:GetObject, so CloudFront gets 403; run 'urlmint cloudfront "
                                                 "setup --bucket " + o.bucket + "' to add the statement"});
    else
      out.push_back({"bucket policy", true, "the bucket policy of " + o.bucket + " allows " + arn});
  } catch (const error& e) {
    out.push_back({"bucket policy", false, std::string("cannot read it: ") + e.what()});
  }

  if (!o.key.empty()) {
    const std::string url = object_url(host, o.key);
    try {
      out.push_back(explain_object_status(head(url), url));
    } catch (const error& e) {
      out.push_back({"object", false, std::string("HEAD ") + url + " failed: " + e.what()});
    }
  }
  return out;
}

}  // namespace cloudfront
}  // namespace urlmint

#endif  // URLMINT_CLOUDFRONT_SETUP_CLIENT_HPP
