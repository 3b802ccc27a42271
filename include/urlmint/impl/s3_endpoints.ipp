#ifndef URLMINT_IMPL_S3_ENDPOINTS_IPP
#define URLMINT_IMPL_S3_ENDPOINTS_IPP

// Definitions for s3_endpoints.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3_endpoints.hpp"

namespace urlmint {
namespace s3 {

URLMINT_DECL addressing_style parse_addressing_style(std::string_view text) {
  if (text == "auto") return addressing_style::automatic;
  if (text == "path") return addressing_style::path;
  if (text == "virtual") return addressing_style::virtual_hosted;
  throw error(errc::invalid_argument,
              "s3: addressing style \"" + std::string(text) + "\" is unknown; use auto, path or virtual");
}

URLMINT_DECL endpoint parse_endpoint(std::string_view url) {
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "s3: endpoint URL \"" + std::string(url) + "\" " + why);
  };
  endpoint e;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw bad("has no scheme; write it as http://HOST[:PORT] or https://HOST[:PORT]");
  e.scheme = sigv4::lowercase(url.substr(0, sep));
  if (e.scheme != "http" && e.scheme != "https")
    throw bad("uses scheme \"" + e.scheme + "\"; only http:// and https:// endpoints are supported");
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) throw bad("has a query or fragment; remove it");
  if (rest.find('@') != std::string_view::npos) throw bad("contains user info ('@'); remove it");
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    e.base_path.assign(path);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw bad("has an unclosed IPv6 bracket");
    e.host.assign(authority.substr(0, close + 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw bad("has text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) throw bad("has an empty port");
    }
  } else {
    const auto colon = authority.find(':');
    e.host.assign(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) throw bad("has an empty port");
    }
  }
  if (e.host.empty() || e.host == "[]") throw bad("has no host");
  for (char c : e.host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '%' || c == '\\')
      throw bad("has an invalid character in its host");
  e.host = sigv4::lowercase(e.host);
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') throw bad("has a non-numeric port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) throw bad("has a port above 65535");
    }
    if (port == 0) throw bad("has port 0");
    e.port = static_cast<std::uint16_t>(port);
  }
  return e;
}

URLMINT_DECL bool is_ip_address(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    const auto dot = find_or_end(host, '.', pos);
    const auto part = host.substr(pos, dot - pos);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    pos = dot + 1;
  }
  return parts == 4;
}

URLMINT_DECL std::string aws_bucket_name_problem(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return "must be 3 to 63 characters long";
  for (char c : bucket) {
    if (c >= 'A' && c <= 'Z') return "must not contain uppercase letters";
    if (c == '_') return "must not contain underscores";
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
      return "may contain only lowercase letters, digits, '.' and '-'";
  }
  const auto edge_ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!edge_ok(bucket.front()) || !edge_ok(bucket.back())) return "must start and end with a letter or digit";
  if (bucket.find("..") != std::string_view::npos) return "must not contain two adjacent periods";
  if (bucket.find(".-") != std::string_view::npos || bucket.find("-.") != std::string_view::npos)
    return "must not have '-' next to '.'";
  if (is_ip_address(bucket)) return "must not be formatted as an IP address";
  for (std::string_view prefix : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (bucket.substr(0, prefix.size()) == prefix) return "must not start with \"" + std::string(prefix) + "\"";
  // "-s3alias" and "--ol-s3" are reserved too, but they are how access point aliases are
  // addressed (as buckets), so they are accepted here.
  for (std::string_view suffix : {".mrap", "--x-s3", "--table-s3"})
    if (bucket.size() >= suffix.size() && bucket.substr(bucket.size() - suffix.size()) == suffix)
      return "must not end with \"" + std::string(suffix) + "\"";
  return {};
}

URLMINT_DECL void validate_bucket(std::string_view bucket, bool aws_endpoint) {
  if (bucket.empty()) throw error(errc::invalid_argument, "s3: bucket name is empty; write s3://BUCKET/KEY");
  if (aws_endpoint) {
    const std::string problem = aws_bucket_name_problem(bucket);
    if (!problem.empty())
      throw error(errc::invalid_argument, "s3: bucket name \"" + std::string(bucket) + "\" is invalid: it " +
                                              problem + " (AWS bucket naming rules)");
    return;
  }
  if (bucket.size() > 255) throw error(errc::invalid_argument, "s3: bucket name is longer than 255 characters");
  for (char c : bucket)
    if (c == '/' || static_cast<unsigned char>(c) < ' ' || c == 0x7f)
      throw error(errc::invalid_argument, "s3: bucket name \"" + std::string(bucket) +
                                              "\" contains '/' or a control character");
}

URLMINT_DECL void validate_key(std::string_view key) {
  if (key.empty()) throw error(errc::invalid_argument, "s3: object key is empty; write s3://BUCKET/KEY");
  if (key.size() > max_key_bytes)
    throw error(errc::invalid_argument, "s3: object key is " + std::to_string(key.size()) +
                                            " bytes; S3 allows at most 1024 bytes of UTF-8");
  if (!is_valid_utf8(key))
    throw error(errc::invalid_argument, "s3: object key is not valid UTF-8; S3 keys are UTF-8 text");
}

URLMINT_DECL s3_uri parse_s3_uri(std::string_view text) {
  constexpr std::string_view prefix = "s3://";
  if (text.substr(0, prefix.size()) != prefix)
    throw error(errc::invalid_argument,
                "s3: \"" + std::string(text.substr(0, 64)) + "\" is not an S3 URI; write s3://BUCKET/KEY");
  text.remove_prefix(prefix.size());
  std::size_t slash = text.find('/');
  if (text.substr(0, 4) == "arn:") {
    // As the AWS CLI splits them: the ARN runs to the end of the access point's name.
    const auto at = text.find("accesspoint");
    if (at != std::string_view::npos && at + 11 < text.size() && (text[at + 11] == '/' || text[at + 11] == ':'))
      slash = text.find('/', at + 12);
  }
  s3_uri out;
  out.bucket.assign(text.substr(0, slash));
  if (slash != std::string_view::npos) out.key.assign(text.substr(slash + 1));
  if (out.bucket.empty()) throw error(errc::invalid_argument, "s3: S3 URI has no bucket; write s3://BUCKET/KEY");
  return out;
}

URLMINT_DECL bool is_aws_endpoint(const config& c) { return c.endpoint_url.empty(); }

URLMINT_DECL bool signed_outside_sigv4(std::string_view bucket) {
  return s3express::is_directory_bucket(bucket) || mrap::is_mrap_arn(bucket);
}

URLMINT_DECL const partition_info& partition_of(std::string_view region) noexcept {
  for (const auto& p : partitions)
    if (region.substr(0, p.region_prefix.size()) == p.region_prefix) return p;
  return partitions[sizeof partitions / sizeof partitions[0] - 1];
}

URLMINT_DECL access_point_arn parse_access_point_arn(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "s3: \"" + std::string(text.substr(0, 200)) + "\" is not a valid access point ARN: " +
                                             why + "; write arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME");
  };
  std::string_view fields[6];
  std::string_view rest = text;
  for (int i = 0; i < 5; ++i) {
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) throw bad("it has fewer than six ':'-separated fields");
    fields[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  fields[5] = rest;
  if (fields[0] != "arn") throw bad("it does not start with arn:");
  access_point_arn arn{std::string(fields[1]), std::string(fields[2]), std::string(fields[3]), std::string(fields[4]), {}};
  if (arn.service == "s3-outposts")
    throw error(errc::not_supported, "s3: S3 on Outposts access points are not supported yet; address the bucket "
                                     "through an S3 access point or its alias");
  if (arn.service != "s3" && arn.service != "s3-object-lambda")
    throw bad("its service is \"" + arn.service + "\", not s3 or s3-object-lambda");
  bool known_partition = false;
  for (const auto& p : partitions) known_partition = known_partition || p.id == arn.partition;
  if (!known_partition) throw bad("partition \"" + arn.partition + "\" is unknown; use aws, aws-cn or aws-us-gov");
  if (arn.account.size() != 12 || arn.account.find_first_not_of("0123456789") != std::string::npos)
    throw bad("the account id must be 12 digits");
  std::string_view resource = fields[5];
  if (resource.substr(0, 12) != "accesspoint/" && resource.substr(0, 12) != "accesspoint:")
    throw bad("its resource is not accesspoint/NAME");
  resource.remove_prefix(12);
  if (arn.region.empty())
    throw error(errc::not_supported, "s3: multi-region access points (an ARN without a region) need SigV4a and are "
                                     "not supported yet; use a regional access point");
  for (char c : arn.region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) throw bad("its region is not a region name");
  if (resource.empty() || resource.size() > 63) throw bad("the access point name must be 1 to 63 characters");
  for (char c : resource)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      throw bad("the access point name may contain only letters, digits and '-'");
  arn.name.assign(resource);
  return arn;
}
namespace detail {

URLMINT_DECL bool virtual_host_compatible(std::string_view bucket, std::string_view scheme) {
  if (!aws_bucket_name_problem(bucket).empty()) return false;
  return !(scheme == "https" && bucket.find('.') != std::string_view::npos);
}

URLMINT_DECL const endpoint_row& endpoint_row_for(endpoint_kind kind) noexcept {
  for (const auto& r : endpoint_rows)
    if (r.kind == kind) return r;
  return endpoint_rows[0];
}

URLMINT_DECL std::string aws_host(endpoint_kind kind, const config& cfg, std::string_view region, std::string_view label) {
  const partition_info& part = partition_of(region);
  if (cfg.use_fips && !part.fips)
    throw error(errc::invalid_argument, "s3: partition " + std::string(part.id) + " (region " + std::string(region) +
                                            ") has no FIPS endpoints; turn off use_fips_endpoint / AWS_USE_FIPS_ENDPOINT");
  const endpoint_row& row = endpoint_row_for(kind);
  // us-east-1 keeps the global host: it is what AWS's documentation examples and botocore use.
  if (kind == endpoint_kind::bucket && region == "us-east-1" && !cfg.use_fips && !cfg.use_dualstack)
    return "s3.amazonaws.com";
  const std::string_view pattern = cfg.use_fips ? (cfg.use_dualstack ? row.fips_dualstack : row.fips)
                                                : (cfg.use_dualstack ? row.dualstack : row.plain);
  if (pattern.empty()) throw error(errc::invalid_argument, "s3: " + std::string(row.missing));
  std::string host;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      const auto close = pattern.find('}', i);
      const std::string_view name = pattern.substr(i + 1, close - i - 1);
      host.append(name == "region" ? region : name == "dns" ? part.dns_suffix : label);
      i = close + 1;
    } else {
      host.push_back(pattern[i++]);
    }
  }
  return host;
}

URLMINT_DECL void check_variants(const config& cfg) {
  if (cfg.endpoint_url.empty() && cfg.use_fips && cfg.use_accelerate)
    throw error(errc::invalid_argument, "s3: " + std::string(endpoint_row_for(endpoint_kind::accelerate).missing));
}

URLMINT_DECL void check_region_name(std::string_view region) {
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      throw error(errc::invalid_argument,
                  "s3: region \"" + std::string(region) + "\" is not an AWS region name; e.g. us-east-1");
}

URLMINT_DECL std::string aws_bucket_host(const config& cfg) {
  check_variants(cfg);
  check_region_name(cfg.region);
  if (cfg.use_accelerate) {
    if (!partition_of(cfg.region).accelerate)
      throw error(errc::invalid_argument, "s3: S3 Accelerate does not exist in region " + cfg.region +
                                              "; turn off use_accelerate_endpoint");
    return aws_host(endpoint_kind::accelerate, cfg, cfg.region);
  }
  return aws_host(endpoint_kind::bucket, cfg, cfg.region);
}

URLMINT_DECL location resolve_mrap(const config& cfg, std::string_view arn_text, std::string_view key) {
  const mrap::arn arn = mrap::parse_arn(arn_text);
  mrap::settings settings;
  settings.region = cfg.region;
  settings.custom_endpoint = !cfg.endpoint_url.empty();
  settings.dualstack = cfg.use_dualstack;
  settings.fips = cfg.use_fips;
  settings.accelerate = cfg.use_accelerate;
  mrap::check(arn, settings);
  if (!key.empty()) validate_key(key);
  location loc;
  loc.scheme = "https";
  loc.host = mrap::host(arn);
  loc.path = "/";
  uri_encode_to(loc.path, key, slash_encoding::keep);
  return loc;
}

URLMINT_DECL location resolve_access_point(const config& cfg, std::string_view bucket, std::string_view key) {
  const access_point_arn arn = parse_access_point_arn(bucket);
  check_variants(cfg);
  if (!cfg.endpoint_url.empty())
    throw error(errc::not_supported, "s3: access point ARNs are addressed on AWS's endpoints only; drop --endpoint-url");
  const partition_info& configured = partition_of(cfg.region);
  if (arn.partition != configured.id)
    throw error(errc::invalid_argument, "s3: the access point ARN is in partition " + arn.partition +
                                            " but region " + cfg.region + " is in " + std::string(configured.id) +
                                            "; pass a --region of the ARN's partition");
  if (arn.region != cfg.region && !cfg.use_arn_region)
    throw error(errc::invalid_argument, "s3: the access point ARN is in region " + arn.region + ", not " + cfg.region +
                                            ", and use_arn_region is false; pass --region " + arn.region +
                                            " or set s3_use_arn_region = true");
  if (cfg.use_accelerate)
    throw error(errc::invalid_argument, "s3: access points do not support S3 Accelerate; turn off use_accelerate_endpoint");
  const endpoint_kind kind = arn.service == "s3" ? endpoint_kind::access_point : endpoint_kind::object_lambda;
  if (!key.empty()) validate_key(key);
  location loc;
  loc.scheme = "https";
  loc.host = aws_host(kind, cfg, arn.region, arn.name + "-" + arn.account);
  loc.signing_region = arn.region;
  loc.signing_service.assign(endpoint_row_for(kind).service);
  loc.path = "/";
  uri_encode_to(loc.path, key, slash_encoding::keep);
  return loc;
}
}  // namespace detail

URLMINT_DECL location resolve(const config& cfg, std::string_view bucket, std::string_view key) {
  if (cfg.region.empty()) throw error(errc::invalid_argument, "s3: region is empty; pass --region or set AWS_REGION");
  if (mrap::is_mrap_arn(bucket)) return detail::resolve_mrap(cfg, bucket, key);
  if (bucket.substr(0, 4) == "arn:") return detail::resolve_access_point(cfg, bucket, key);
  const bool aws = is_aws_endpoint(cfg);
  detail::check_variants(cfg);
  // Directory buckets (S3 Express One Zone) live on zonal hosts, virtual-hosted only.
  const bool directory = aws && s3express::is_directory_bucket(bucket);
  if (directory) {
    s3express::validate_bucket(bucket);
    if (cfg.style == addressing_style::path)
      throw error(errc::invalid_argument, "s3: directory bucket \"" + std::string(bucket) +
                                              "\" is reached virtual-hosted only; drop --addressing-style path");
    if (cfg.use_accelerate)
      throw error(errc::invalid_argument, "s3: directory buckets do not support S3 Accelerate; turn off "
                                          "use_accelerate_endpoint");
  } else {
    validate_bucket(bucket, aws);
  }
  if (!key.empty()) validate_key(key);
  location loc;
  loc.signing_region = cfg.region;
  // As botocore: a directory bucket's name means S3 Express signing at any endpoint.
  if (s3express::is_directory_bucket(bucket)) loc.signing_service.assign(s3express::service);
  std::string base_path;
  std::string host;
  bool virtual_hosted = false;
  if (aws) {
    detail::check_region_name(cfg.region);
    loc.scheme = "https";
    if (cfg.use_accelerate && !detail::virtual_host_compatible(bucket, loc.scheme))
      throw error(errc::invalid_argument, "s3: S3 Accelerate needs the bucket in the host name, and \"" +
                                              std::string(bucket) + "\" cannot be one (dots or invalid characters); "
                                              "turn off use_accelerate_endpoint");
    host = directory ? detail::aws_host(endpoint_kind::directory_bucket, cfg, cfg.region, s3express::zone_id(bucket))
                     : detail::aws_bucket_host(cfg);
    // As botocore: Accelerate puts the bucket in the host whatever the style.
    switch (directory || cfg.use_accelerate ? addressing_style::virtual_hosted : cfg.style) {
      case addressing_style::automatic:
        virtual_hosted = detail::virtual_host_compatible(bucket, loc.scheme);
        break;
      case addressing_style::path:
        break;
      case addressing_style::virtual_hosted:
        if (bucket.find('.') != std::string_view::npos)
          throw error(errc::invalid_argument, "s3: bucket \"" + std::string(bucket) +
                                                  "\" has dots, which break TLS with virtual-hosted style; use "
                                                  "--addressing-style path");
        virtual_hosted = true;
        break;
    }
  } else {
    const endpoint e = parse_endpoint(cfg.endpoint_url);
    loc.scheme = e.scheme;
    host = e.authority();
    base_path = e.base_path;
    if (cfg.style == addressing_style::virtual_hosted) {
      if (is_ip_address(e.host) || e.host == "localhost")
        throw error(errc::invalid_argument, "s3: virtual-hosted style needs a DNS name, but the endpoint host is \"" +
                                                e.host + "\"; use --addressing-style path");
      if (!aws_bucket_name_problem(bucket).empty())
        throw error(errc::invalid_argument, "s3: bucket \"" + std::string(bucket) +
                                                "\" cannot be a host name; use --addressing-style path");
      virtual_hosted = true;
    }
  }
  loc.path = base_path;
  if (virtual_hosted) {
    loc.host.assign(bucket).append(1, '.').append(host);
  } else {
    loc.host = std::move(host);
    loc.path.append(1, '/');
    uri_encode_to(loc.path, bucket, slash_encoding::encode);
  }
  // The key is encoded exactly once and "/" is kept, so "a//b", "./x" and a leading "/" reach
  // S3 unchanged; S3 signs the path as sent and never normalizes it.
  if (!key.empty() || virtual_hosted) loc.path.append(1, '/');
  uri_encode_to(loc.path, key, slash_encoding::keep);
  return loc;
}

URLMINT_DECL std::string object_url(const config& cfg, std::string_view bucket, std::string_view key) {
  const location loc = resolve(cfg, bucket, key);
  return loc.scheme + "://" + loc.host + loc.path;
}
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_ENDPOINTS_IPP
