#ifndef URLMINT_IMPL_CLOUDFRONT_SETUP_IPP
#define URLMINT_IMPL_CLOUDFRONT_SETUP_IPP

// Definitions for cloudfront_setup.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../cloudfront_setup.hpp"

namespace urlmint {
namespace cloudfront {

URLMINT_DECL service_endpoints configured_endpoints(std::string_view region,
                                              const std::optional<std::string>& profile,
                                              const providers::environment& env) {
  const providers::shared_files files = providers::load_shared_files(env);
  const std::string name = providers::profile_name(profile, env);
  service_endpoints e;
  e.cloudfront = providers::configured_endpoint("cloudfront", std::nullopt, files, name, env).value_or("");
  e.s3 = providers::configured_endpoint("s3", std::nullopt, files, name, env).value_or("");
  const providers::service_endpoint sts = providers::sts_service_endpoint(region, files, name, env);
  e.sts = sts.url;
  e.sts_region = sts.signing_region;
  return e;
}

URLMINT_DECL std::string bucket_regional_domain(std::string_view bucket, std::string_view region) {
  const std::string r(region);
  return std::string(bucket) + ".s3." + r + (r.rfind("cn-", 0) == 0 ? ".amazonaws.com.cn" : ".amazonaws.com");
}

URLMINT_DECL std::string distribution_arn(std::string_view account_id, std::string_view id, std::string_view region) {
  const std::string partition = std::string(region).rfind("cn-", 0) == 0 ? "aws-cn" : "aws";
  return "arn:" + partition + ":cloudfront::" + std::string(account_id) + ":distribution/" + std::string(id);
}

URLMINT_DECL void validate_price_class(std::string_view p) {
  if (p != "PriceClass_All" && p != "PriceClass_200" && p != "PriceClass_100")
    throw error(errc::invalid_argument, "cloudfront: price class \"" + std::string(p) +
                                            "\" is not one of PriceClass_All, PriceClass_200, PriceClass_100");
}
namespace detail {

URLMINT_DECL std::string xml_open_root(std::string_view name) {
  return "<" + std::string(name) + " xmlns=\"http://cloudfront.amazonaws.com/doc/" + std::string(api_version) + "/\">";
}

URLMINT_DECL void xml_leaf(std::string& out, std::string_view name, std::string_view text) {
  out.append("<").append(name);
  if (text.empty()) {
    out.append(" />");
    return;
  }
  out.append(">").append(xml_escape(text)).append("</").append(name).append(">");
}

URLMINT_DECL void xml_list(std::string& out, std::string_view item, const std::vector<std::string>& values) {
  out.append("<Quantity>").append(std::to_string(values.size())).append("</Quantity>");
  if (values.empty()) return;
  out.append("<Items>");
  for (const auto& v : values) xml_leaf(out, item, v);
  out.append("</Items>");
}

URLMINT_DECL void require(bool ok, std::string_view what) {
  if (!ok) throw error(errc::invalid_argument, "cloudfront: " + std::string(what));
}
}  // namespace detail

URLMINT_DECL std::string origin_access_control_config_xml(std::string_view name, std::string_view description) {
  detail::require(!name.empty() && name.size() <= 64, "OAC name must be 1 to 64 characters, e.g. chart-bucket-oac");
  std::string x = detail::xml_open_root("OriginAccessControlConfig");
  detail::xml_leaf(x, "Name", name);
  detail::xml_leaf(x, "Description", description);
  x.append("<SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior>"
           "<OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlConfig>");
  return x;
}

URLMINT_DECL std::string distribution_config_xml(const distribution_settings& s) {
  const std::string problem = s3::aws_bucket_name_problem(s.bucket);
  detail::require(problem.empty(), "bucket name \"" + s.bucket + "\" " + problem);
  detail::require(!s.region.empty(), "the bucket's region is empty; pass --region");
  detail::require(!s.origin_access_control_id.empty(), "the distribution needs an origin access control ID");
  detail::require(!s.caller_reference.empty(), "caller reference is empty; use make_caller_reference()");
  detail::require(s.alias.empty() == s.certificate_arn.empty(),
                  "a custom domain needs both --alias and --certificate-arn (an ACM certificate in us-east-1)");
  validate_price_class(s.price_class);
  const std::string origin = bucket_regional_domain(s.bucket, s.region);
  std::string x = detail::xml_open_root("DistributionConfig");
  detail::xml_leaf(x, "CallerReference", s.caller_reference);
  if (!s.alias.empty()) {
    x.append("<Aliases>");
    detail::xml_list(x, "CNAME", {s.alias});
    x.append("</Aliases>");
  }
  detail::xml_leaf(x, "DefaultRootObject", "");
  x.append("<Origins><Quantity>1</Quantity><Items><Origin>");
  detail::xml_leaf(x, "Id", origin);
  detail::xml_leaf(x, "DomainName", origin);
  x.append("<S3OriginConfig><OriginAccessIdentity /></S3OriginConfig>");
  detail::xml_leaf(x, "OriginAccessControlId", s.origin_access_control_id);
  x.append("</Origin></Items></Origins><DefaultCacheBehavior>");
  detail::xml_leaf(x, "TargetOriginId", origin);
  if (!s.key_group_id.empty()) {
    x.append("<TrustedKeyGroups><Enabled>true</Enabled>");
    detail::xml_list(x, "KeyGroup", {s.key_group_id});
    x.append("</TrustedKeyGroups>");
  }
  x.append("<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy><AllowedMethods>");
  detail::xml_list(x, "Method", {"GET", "HEAD", "OPTIONS"});
  x.append("<CachedMethods>");
  detail::xml_list(x, "Method", {"GET", "HEAD"});
  x.append("</CachedMethods></AllowedMethods><Compress>true</Compress>");
  detail::xml_leaf(x, "CachePolicyId", caching_optimized_policy_id);
  detail::xml_leaf(x, "OriginRequestPolicyId", cors_s3_origin_policy_id);
  x.append("</DefaultCacheBehavior>");
  detail::xml_leaf(x, "Comment", s.comment.empty() ? "urlmint: " + s.bucket : s.comment);
  detail::xml_leaf(x, "PriceClass", s.price_class);
  x.append("<Enabled>true</Enabled>");
  if (!s.alias.empty()) {
    x.append("<ViewerCertificate>");
    detail::xml_leaf(x, "ACMCertificateArn", s.certificate_arn);
    x.append("<SSLSupportMethod>sni-only</SSLSupportMethod><MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion>"
             "</ViewerCertificate>");
  }
  x.append("<HttpVersion>http2and3</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled></DistributionConfig>");
  return x;
}

URLMINT_DECL std::string public_key_config_xml(std::string_view name, std::string_view public_key_pem,
                                         std::string_view caller_reference, std::string_view comment) {
  detail::require(!name.empty() && name.size() <= 128, "public key name must be 1 to 128 characters");
  detail::require(public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0,
                  "the public key must be a PEM \"BEGIN PUBLIC KEY\" block");
  detail::require(!caller_reference.empty(), "caller reference is empty; use make_caller_reference()");
  std::string x = detail::xml_open_root("PublicKeyConfig");
  detail::xml_leaf(x, "CallerReference", caller_reference);
  detail::xml_leaf(x, "Name", name);
  detail::xml_leaf(x, "EncodedKey", public_key_pem);
  detail::xml_leaf(x, "Comment", comment);
  x.append("</PublicKeyConfig>");
  return x;
}

URLMINT_DECL std::string key_group_config_xml(std::string_view name, const std::vector<std::string>& public_key_ids,
                                        std::string_view comment) {
  detail::require(!name.empty() && name.size() <= 128, "key group name must be 1 to 128 characters");
  detail::require(!public_key_ids.empty(), "a key group needs at least one public key");
  std::string x = detail::xml_open_root("KeyGroupConfig");
  detail::xml_leaf(x, "Name", name);
  x.append("<Items>");
  for (const auto& id : public_key_ids) detail::xml_leaf(x, "PublicKey", id);
  x.append("</Items>");
  detail::xml_leaf(x, "Comment", comment);
  x.append("</KeyGroupConfig>");
  return x;
}

URLMINT_DECL std::string public_key_pem(std::string_view pem) {
  urlmint::detail::unique_evp_pkey key;
  std::optional<private_key> priv;
  if (detail::pem_label(pem) == "PUBLIC KEY") {
    detail::unique_bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (in) key.reset(PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr));
    urlmint::detail::openssl_errors();
    const int id = key ? EVP_PKEY_get_base_id(key.get()) : 0;
    const int bits = key ? EVP_PKEY_get_bits(key.get()) : 0;
    if (!key || !((id == EVP_PKEY_RSA && bits == 2048) || (id == EVP_PKEY_EC && bits == 256)))
      throw error(errc::key, "cloudfront: the public key is not an RSA-2048 or ECDSA P-256 PEM public key; make one "
                             "with: openssl rsa -in private_key.pem -pubout -out public_key.pem");
  } else {
    priv = private_key::from_pem(pem);
  }
  detail::unique_bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key ? key.get() : priv->get()) != 1)
    throw error(errc::crypto, "cloudfront: writing the public key failed: " + urlmint::detail::openssl_errors());
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

URLMINT_DECL api_request cloudfront_request(const credentials& creds, std::string_view method, std::string_view resource,
                                      std::string body, time_point now, std::string_view endpoint_url,
                                      std::string_view marker) {
  std::vector<sigv4::query_param> query;
  if (!marker.empty()) query.push_back({"Marker", std::string(marker)});
  api_request r;
  r.body = std::move(body);
  r.request = detail::sign_api_request(creds, method, resource, std::move(query), r.body, now, endpoint_url);
  return r;
}

URLMINT_DECL api_request get_caller_identity_request(const credentials& creds, std::string_view endpoint_url,
                                               std::string_view signing_region, time_point now) {
  const s3::endpoint ep = s3::parse_endpoint(endpoint_url);
  api_request out;
  out.body = "Action=GetCallerIdentity&Version=2011-06-15";
  sigv4::request req;
  req.method = "POST";
  req.scheme = ep.scheme;
  req.host = ep.authority();
  req.path = ep.base_path + "/";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.payload_hash = sha256_hex(out.body);
  sigv4::params p;
  p.region = signing_region.empty() ? "us-east-1" : std::string(signing_region);
  p.service = "sts";
  p.time = now;
  p.path = sigv4::path_encoding::normalize_and_double_encode;
  out.request = sigv4::sign(req, creds, p);
  return out;
}

URLMINT_DECL api_request get_bucket_policy_request(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                             time_point now) {
  return {s3::sign_request(creds, cfg, "GET", bucket, "", {{"policy", ""}}, {}, sigv4::empty_payload_sha256, now), {}};
}

URLMINT_DECL api_request put_bucket_policy_request(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                             std::string policy, time_point now) {
  api_request r;
  r.body = std::move(policy);
  r.request = s3::sign_request(creds, cfg, "PUT", bucket, "", {{"policy", ""}},
                               {{"Content-MD5", multipart::content_md5(r.body)}, {"Content-Type", "application/json"}},
                               sha256_hex(r.body), now);
  return r;
}
namespace detail {

URLMINT_DECL std::vector<xml_node> xml_nodes(std::string_view xml) {
  std::vector<xml_node> out;
  int depth = 0;
  xml_node open;
  std::size_t content = 0;
  for (std::size_t i = xml.find('<'); i != std::string_view::npos; i = xml.find('<', i)) {
    const std::size_t gt = xml.find('>', i);
    if (gt == std::string_view::npos) break;
    const char kind = i + 1 < xml.size() ? xml[i + 1] : '\0';
    if (kind == '?' || kind == '!') {
      i = gt + 1;
      continue;
    }
    const std::size_t begin = i + (kind == '/' ? 2 : 1);
    std::size_t end = begin;
    while (end < gt && xml[end] != ' ' && xml[end] != '/' && xml[end] != '\t' && xml[end] != '\n' && xml[end] != '\r') ++end;
    const std::string_view tag = xml.substr(begin, end - begin);
    if (kind == '/') {
      if (--depth == 0) {
        open.inner = xml.substr(content, i - content);
        out.push_back(open);
      }
      if (depth < 0) break;
    } else if (xml[gt - 1] == '/') {
      if (depth == 0) out.push_back({tag, {}});
    } else {
      if (depth++ == 0) {
        open.name = tag;
        content = gt + 1;
      }
    }
    i = gt + 1;
  }
  return out;
}

URLMINT_DECL std::vector<std::string_view> xml_children(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& n : xml_nodes(xml))
    if (n.name == name) out.push_back(n.inner);
  return out;
}

URLMINT_DECL std::optional<std::string_view> xml_child(std::string_view xml, std::string_view name) {
  for (const auto& n : xml_nodes(xml))
    if (n.name == name) return n.inner;
  return std::nullopt;
}

URLMINT_DECL std::string xml_child_text(std::string_view xml, std::string_view name) {
  const auto c = xml_child(xml, name);
  return c ? multipart::xml_unescape(*c) : std::string();
}

URLMINT_DECL std::string_view xml_root(std::string_view xml) {
  const auto nodes = xml_nodes(xml);
  return nodes.empty() ? std::string_view() : nodes.front().inner;
}

URLMINT_DECL std::vector<std::string> xml_items(std::string_view list, std::string_view item) {
  std::vector<std::string> out;
  if (const auto items = xml_child(list, "Items"))
    for (auto v : xml_children(*items, item)) out.push_back(multipart::xml_unescape(v));
  return out;
}
}  // namespace detail

URLMINT_DECL list_page parse_list_page(std::string_view body, std::string_view item) {
  const std::string_view root = detail::xml_root(body);
  list_page p;
  if (const auto items = detail::xml_child(root, "Items")) p.items = detail::xml_children(*items, item);
  if (detail::xml_child_text(root, "IsTruncated") == "true") p.next_marker = detail::xml_child_text(root, "NextMarker");
  return p;
}

URLMINT_DECL origin_access_control parse_origin_access_control(std::string_view xml) {
  const std::string_view cfg = detail::xml_child(xml, "OriginAccessControlConfig").value_or(xml);
  return {detail::xml_child_text(xml, "Id"), detail::xml_child_text(cfg, "Name"),
          detail::xml_child_text(cfg, "SigningProtocol"), detail::xml_child_text(cfg, "SigningBehavior"),
          detail::xml_child_text(cfg, "OriginAccessControlOriginType")};
}

URLMINT_DECL distribution parse_distribution(std::string_view xml) {
  using detail::xml_child_text;
  const std::string_view cfg = detail::xml_child(xml, "DistributionConfig").value_or(xml);
  distribution d;
  d.id = xml_child_text(xml, "Id");
  d.arn = xml_child_text(xml, "ARN");
  d.status = xml_child_text(xml, "Status");
  d.domain_name = xml_child_text(xml, "DomainName");
  d.aliases = detail::xml_items(detail::xml_child(cfg, "Aliases").value_or(""), "CNAME");
  if (const auto origins = detail::xml_child(cfg, "Origins"))
    if (const auto items = detail::xml_child(*origins, "Items"))
      for (auto o : detail::xml_children(*items, "Origin")) {
        origin out{xml_child_text(o, "Id"), xml_child_text(o, "DomainName"), xml_child_text(o, "OriginPath"),
                   xml_child_text(o, "OriginAccessControlId"), {}};
        if (const auto s3 = detail::xml_child(o, "S3OriginConfig"))
          out.origin_access_identity = xml_child_text(*s3, "OriginAccessIdentity");
        d.origins.push_back(std::move(out));
      }
  d.enabled = xml_child_text(cfg, "Enabled") == "true";
  d.ipv6 = xml_child_text(cfg, "IsIPV6Enabled") == "true";
  d.price_class = xml_child_text(cfg, "PriceClass");
  d.http_version = xml_child_text(cfg, "HttpVersion");
  d.default_root_object = xml_child_text(cfg, "DefaultRootObject");
  d.certificate_arn = xml_child_text(detail::xml_child(cfg, "ViewerCertificate").value_or(""), "ACMCertificateArn");
  const std::string_view behavior = detail::xml_child(cfg, "DefaultCacheBehavior").value_or("");
  d.compress = xml_child_text(behavior, "Compress") == "true";
  d.viewer_protocol_policy = xml_child_text(behavior, "ViewerProtocolPolicy");
  d.cache_policy_id = xml_child_text(behavior, "CachePolicyId");
  d.origin_request_policy_id = xml_child_text(behavior, "OriginRequestPolicyId");
  d.allowed_methods = detail::xml_items(detail::xml_child(behavior, "AllowedMethods").value_or(""), "Method");
  const std::string_view groups = detail::xml_child(behavior, "TrustedKeyGroups").value_or("");
  d.trusted_key_groups_enabled = xml_child_text(groups, "Enabled") == "true";
  d.trusted_key_groups = detail::xml_items(groups, "KeyGroup");
  return d;
}

URLMINT_DECL const origin* find_bucket_origin(const distribution& d, std::string_view bucket, std::string_view region,
                                        bool legacy_global) {
  const std::string regional = bucket_regional_domain(bucket, region);
  const std::string global = std::string(bucket) + ".s3.amazonaws.com";
  for (const auto& o : d.origins)
    if (ascii_iequals(o.domain_name, regional) || (legacy_global && ascii_iequals(o.domain_name, global))) return &o;
  return nullptr;
}

URLMINT_DECL public_key_summary parse_public_key(std::string_view xml) {
  const std::string_view cfg = detail::xml_child(xml, "PublicKeyConfig").value_or(xml);
  return {detail::xml_child_text(xml, "Id"), detail::xml_child_text(cfg, "Name"),
          detail::xml_child_text(cfg, "EncodedKey")};
}

URLMINT_DECL key_group parse_key_group(std::string_view xml) {
  const std::string_view group = detail::xml_child(xml, "KeyGroup").value_or(xml);
  const std::string_view cfg = detail::xml_child(group, "KeyGroupConfig").value_or("");
  return {detail::xml_child_text(group, "Id"), detail::xml_child_text(cfg, "Name"), detail::xml_items(cfg, "PublicKey")};
}

URLMINT_DECL bool same_pem(std::string_view a, std::string_view b) {
  std::string x, y;
  for (char c : a)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') x += c;
  for (char c : b)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') y += c;
  return x == y;
}

URLMINT_DECL std::string parse_caller_identity_account(std::string_view body) {
  std::string account = multipart::xml_element_text(body, "Account").value_or("");
  if (account.empty())
    throw error(errc::service, "sts: GetCallerIdentity answered without an <Account>; is the STS endpoint right?");
  validate_account_id(account);
  return account;
}
}  // namespace cloudfront
}  // namespace urlmint

#endif  // URLMINT_IMPL_CLOUDFRONT_SETUP_IPP
