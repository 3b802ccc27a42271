// The pure parts of `urlmint cloudfront setup` and `doctor` (<urlmint/cloudfront_setup.hpp>):
// XML bodies byte for byte against botocore's serialisation (tests/data/cloudfront-setup/),
// the signed requests, the parsing of CloudFront, STS and S3 answers, the bucket policy merge,
// the env-file update, the domain check and the endpoint settings. The calls against a server
// are in tests/cloudfront_setup_cli_test.py (moto on 127.0.0.1).

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <urlmint/cloudfront_setup.hpp>

#include "test_support.hpp"

namespace cf = urlmint::cloudfront;
using test_support::data_dir;
using test_support::read_file;

namespace {

std::string golden(const std::string& name) {
  const auto text = read_file(data_dir() + "/cloudfront-setup/" + name);
  REQUIRE(text);
  return *text;
}

cf::distribution_settings seed_settings() {
  cf::distribution_settings s;
  s.bucket = "chart-bucket";
  s.region = "eu-west-1";
  s.origin_access_control_id = "E2QWRUHAPOMQZL";
  s.caller_reference = "urlmint-1700000000-00112233aabbccdd";
  return s;
}

urlmint::providers::environment env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const std::string arn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

}  // namespace

TEST_CASE("cloudfront_setup: request bodies are botocore's", "[cloudfront_setup]") {
  CHECK(cf::distribution_config_xml(seed_settings()) == golden("create-distribution.xml"));
  cf::distribution_settings s = seed_settings();
  s.alias = "charts.example.com";
  s.certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abcd";
  s.key_group_id = "4b3a2f1e-0000-1111-2222-333344445555";
  s.price_class = "PriceClass_200";
  CHECK(cf::distribution_config_xml(s) == golden("create-distribution-alias-private.xml"));
  CHECK(cf::origin_access_control_config_xml("chart-bucket-oac", "urlmint: chart-bucket") ==
        golden("create-origin-access-control.xml"));
  CHECK(cf::public_key_config_xml("chart-bucket-key", "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
                                  "ref-1") == golden("create-public-key.xml"));
  CHECK(cf::key_group_config_xml("chart-bucket-key-group", {"K2JCJMDEHXQW5F", "K3ABC"}) ==
        golden("create-key-group.xml"));
}

TEST_CASE("cloudfront_setup: bad settings are refused before anything is built", "[cloudfront_setup]") {
  cf::distribution_settings s = seed_settings();
  s.price_class = "PriceClass_7";
  CHECK_THROWS_WITH(cf::distribution_config_xml(s), Catch::Contains("PriceClass_All, PriceClass_200, PriceClass_100"));
  s = seed_settings();
  s.alias = "charts.example.com";
  CHECK_THROWS_WITH(cf::distribution_config_xml(s), Catch::Contains("--certificate-arn"));
  s = seed_settings();
  s.bucket = "Bad_Bucket";
  CHECK_THROWS_AS(cf::distribution_config_xml(s), urlmint::error);
  s = seed_settings();
  s.origin_access_control_id.clear();
  CHECK_THROWS_AS(cf::distribution_config_xml(s), urlmint::error);
  CHECK_THROWS_AS(cf::origin_access_control_config_xml(""), urlmint::error);
  CHECK_THROWS_AS(cf::key_group_config_xml("g", {}), urlmint::error);
  CHECK_THROWS_WITH(cf::public_key_config_xml("k", "-----BEGIN RSA PRIVATE KEY-----\n", "r"),
                    Catch::Contains("BEGIN PUBLIC KEY"));
}

TEST_CASE("cloudfront_setup: signed requests", "[cloudfront_setup]") {
  const auto now = *urlmint::parse_amz_date("20261202T000000Z");
  const cf::api_request list = cf::cloudfront_request(creds, "GET", "distribution", {}, now, {}, "EMARKER");
  CHECK(list.request.method == "GET");
  CHECK(list.request.url == "https://cloudfront.amazonaws.com/2020-05-31/distribution?Marker=EMARKER");
  const cf::api_request create =
      cf::cloudfront_request(creds, "POST", "origin-access-control", "<x/>", now, "http://127.0.0.1:5000");
  CHECK(create.request.url == "http://127.0.0.1:5000/2020-05-31/origin-access-control");
  bool signed_for_cloudfront = false;
  for (const auto& h : create.request.headers)
    if (h.name == "Authorization")
      signed_for_cloudfront = h.value.find("/20261202/us-east-1/cloudfront/aws4_request") != std::string::npos;
  CHECK(signed_for_cloudfront);

  const cf::api_request sts = cf::get_caller_identity_request(creds, "https://sts.eu-west-1.amazonaws.com", "eu-west-1", now);
  CHECK(sts.request.url == "https://sts.eu-west-1.amazonaws.com/");
  CHECK(sts.body == "Action=GetCallerIdentity&Version=2011-06-15");

  urlmint::s3::config cfg;
  cfg.region = "eu-west-1";
  CHECK(cf::get_bucket_policy_request(creds, cfg, "chart-bucket", now).request.url ==
        "https://chart-bucket.s3.eu-west-1.amazonaws.com/?policy=");  // S3 reads ?policy= as ?policy
  const cf::api_request put = cf::put_bucket_policy_request(creds, cfg, "chart-bucket", "{}", now);
  CHECK(put.request.method == "PUT");
  CHECK(put.body == "{}");
}

TEST_CASE("cloudfront_setup: endpoints follow AWS's standard settings", "[cloudfront_setup]") {
  const std::map<std::string, std::string> no_files = {{"AWS_CONFIG_FILE", "/nonexistent/config"},
                                                       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"}};
  const auto with = [&](std::map<std::string, std::string> vars) {
    vars.insert(no_files.begin(), no_files.end());
    return env_of(vars);
  };
  auto e = cf::configured_endpoints("eu-west-1", std::nullopt,
                                    with({{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2"}}));
  CHECK(e.cloudfront == "http://127.0.0.1:1");
  CHECK(e.s3 == "http://127.0.0.1:1");
  CHECK(e.sts == "http://127.0.0.1:2");
  CHECK(e.sts_region == "eu-west-1");
  e = cf::configured_endpoints("eu-west-1", std::nullopt,
                               with({{"AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:3"}, {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4"}}));
  CHECK(e.cloudfront == "http://127.0.0.1:3");
  CHECK(e.s3 == "http://127.0.0.1:4");
  CHECK(e.sts == "https://sts.eu-west-1.amazonaws.com");
  e = cf::configured_endpoints("eu-west-1", std::nullopt,
                               with({{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}));
  CHECK(e.cloudfront.empty());
}

TEST_CASE("cloudfront_setup: parsing CloudFront answers", "[cloudfront_setup]") {
  const std::string list =
      R"(<?xml version="1.0"?><DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">)"
      "<Marker></Marker><NextMarker>EB</NextMarker><MaxItems>1</MaxItems><IsTruncated>true</IsTruncated>"
      "<Quantity>1</Quantity><Items><DistributionSummary><Id>EA</Id>"
      "<ARN>arn:aws:cloudfront::123456789012:distribution/EA</ARN><Status>InProgress</Status>"
      "<DomainName>d1.cloudfront.net</DomainName><Aliases><Quantity>1</Quantity><Items><CNAME>charts.example.com"
      "</CNAME></Items></Aliases><Origins><Quantity>2</Quantity><Items><Origin><Id>o1</Id>"
      "<DomainName>other.example.com</DomainName><OriginPath/></Origin><Origin><Id>o2</Id>"
      "<DomainName>chart-bucket.s3.eu-west-1.amazonaws.com</DomainName><S3OriginConfig>"
      "<OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig><OriginAccessControlId>E2OAC"
      "</OriginAccessControlId></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>o2</TargetOriginId>"
      "<TrustedKeyGroups><Enabled>true</Enabled><Quantity>1</Quantity><Items><KeyGroup>kg-1</KeyGroup></Items>"
      "</TrustedKeyGroups><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy><AllowedMethods>"
      "<Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></AllowedMethods>"
      "<Compress>true</Compress><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId>"
      "</DefaultCacheBehavior><Comment>a &amp; b</Comment><PriceClass>PriceClass_100</PriceClass>"
      "<Enabled>true</Enabled><HttpVersion>http2and3</HttpVersion><IsIPV6Enabled>false</IsIPV6Enabled>"
      "</DistributionSummary></Items></DistributionList>";
  const cf::list_page page = cf::parse_list_page(list, "DistributionSummary");
  REQUIRE(page.items.size() == 1);
  CHECK(page.next_marker == "EB");
  const cf::distribution d = cf::parse_distribution(page.items[0]);
  CHECK(d.id == "EA");
  CHECK(d.status == "InProgress");
  CHECK(d.domain_name == "d1.cloudfront.net");
  CHECK(d.aliases == std::vector<std::string>{"charts.example.com"});
  REQUIRE(d.origins.size() == 2);
  CHECK(d.origins[0].origin_access_control_id.empty());
  CHECK(d.origins[1].origin_access_control_id == "E2OAC");
  CHECK(d.viewer_protocol_policy == "redirect-to-https");
  CHECK(d.allowed_methods == std::vector<std::string>{"HEAD", "GET"});
  CHECK(d.compress);
  CHECK_FALSE(d.ipv6);
  CHECK(d.trusted_key_groups_enabled);
  CHECK(d.trusted_key_groups == std::vector<std::string>{"kg-1"});
  CHECK(d.price_class == "PriceClass_100");
  const cf::origin* o = cf::find_bucket_origin(d, "chart-bucket", "eu-west-1");
  REQUIRE(o != nullptr);
  CHECK(o->id == "o2");
  CHECK(cf::find_bucket_origin(d, "chart-bucket", "us-east-1") == nullptr);
  CHECK(cf::find_bucket_origin(d, "chart", "eu-west-1") == nullptr);

  // A Distribution (Get/Create) nests the same fields under DistributionConfig; its Id is the
  // distribution's, not an origin's.
  const std::string got = "<Distribution><Id>EDFDVBD6EXAMPLE</Id><Status>Deployed</Status><DomainName>d2.cloudfront.net"
                          "</DomainName><DistributionConfig><Origins><Quantity>1</Quantity><Items><Origin><Id>x</Id>"
                          "<DomainName>b.s3.us-east-1.amazonaws.com</DomainName></Origin></Items></Origins>"
                          "<Enabled>false</Enabled></DistributionConfig></Distribution>";
  const cf::distribution g = cf::parse_distribution(cf::detail::xml_root(got));
  CHECK(g.id == "EDFDVBD6EXAMPLE");
  CHECK(g.status == "Deployed");
  CHECK_FALSE(g.enabled);
  REQUIRE(g.origins.size() == 1);
  CHECK(g.origins[0].id == "x");

  const std::string oacs = "<OriginAccessControlList><IsTruncated>false</IsTruncated><Items>"
                           "<OriginAccessControlSummary><Id>E1</Id><Description/><Name>chart-bucket-oac</Name>"
                           "<SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior>"
                           "<OriginAccessControlOriginType>s3</OriginAccessControlOriginType>"
                           "</OriginAccessControlSummary></Items></OriginAccessControlList>";
  const cf::list_page op = cf::parse_list_page(oacs, "OriginAccessControlSummary");
  CHECK(op.next_marker.empty());
  REQUIRE(op.items.size() == 1);
  const cf::origin_access_control oac = cf::parse_origin_access_control(op.items[0]);
  CHECK(oac.id == "E1");
  CHECK(oac.name == "chart-bucket-oac");
  CHECK(oac.signing_behavior == "always");
  const cf::origin_access_control created = cf::parse_origin_access_control(cf::detail::xml_root(
      "<OriginAccessControl><Id>E9</Id><OriginAccessControlConfig><Name>n</Name><SigningProtocol>sigv4"
      "</SigningProtocol></OriginAccessControlConfig></OriginAccessControl>"));
  CHECK(created.id == "E9");
  CHECK(created.name == "n");

  const cf::key_group kg = cf::parse_key_group(
      "<KeyGroup><Id>kg-1</Id><KeyGroupConfig><Name>g</Name><Items><PublicKey>K1</PublicKey><PublicKey>K2</PublicKey>"
      "</Items></KeyGroupConfig></KeyGroup>");
  CHECK(kg.id == "kg-1");
  CHECK(kg.public_key_ids == std::vector<std::string>{"K1", "K2"});
  CHECK(cf::same_pem("-----BEGIN PUBLIC KEY-----\nAB\nCD\n-----END PUBLIC KEY-----\n",
                     "-----BEGIN PUBLIC KEY-----\r\nABCD\r\n-----END PUBLIC KEY-----"));

  CHECK(cf::parse_caller_identity_account(
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>"
            "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
            "</GetCallerIdentityResponse>") == "123456789012");
  CHECK_THROWS_AS(cf::parse_caller_identity_account("<html>proxy</html>"), urlmint::error);
}

TEST_CASE("cloudfront_setup: ARNs and origin domains", "[cloudfront_setup]") {
  CHECK(cf::distribution_arn("123456789012", "EDFDVBD6EXAMPLE") == arn);
  CHECK(cf::distribution_arn("123456789012", "E1", "cn-north-1") == "arn:aws-cn:cloudfront::123456789012:distribution/E1");
  CHECK(cf::bucket_regional_domain("b", "eu-west-1") == "b.s3.eu-west-1.amazonaws.com");
  CHECK(cf::bucket_regional_domain("b", "cn-north-1") == "b.s3.cn-north-1.amazonaws.com.cn");
}

TEST_CASE("cloudfront_setup: the public key of a CloudFront signing key", "[cloudfront_setup]") {
  const auto pem = read_file(data_dir() + "/cloudfront/test-only-rsa2048-pkcs1.pem");
  REQUIRE(pem);
  const std::string pub = cf::public_key_pem(*pem);
  CHECK(pub.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
  CHECK(pub.find("PRIVATE") == std::string::npos);
  CHECK(cf::public_key_pem(pub) == pub);  // a public key goes through unchanged
  CHECK_THROWS_AS(cf::public_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), urlmint::error);
  CHECK_THROWS_AS(cf::public_key_pem("not a key"), urlmint::error);
}

TEST_CASE("cloudfront_setup: merging the OAC statement into a bucket policy", "[cloudfront_setup]") {
  const std::string seed =
      R"({"Sid":"AllowCloudFrontServicePrincipal","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},)"
      R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::chart-bucket/*","Condition":{"StringEquals":)"
      R"({"AWS:SourceArn":"arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"}}})";

  SECTION("no policy yet") {
    const cf::policy_merge m = cf::merge_oac_statement("", "chart-bucket", arn);
    CHECK(m.changed);
    CHECK(m.policy == R"({"Version":"2012-10-17","Statement":[)" + seed + "]}");
    CHECK(cf::policy_allows_distribution(m.policy, "chart-bucket", arn));
  }
  SECTION("another statement is kept, in order, with its formatting normalised") {
    const std::string existing = "{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"p1\",\n  \"Statement\": [\n"
                                 "    {\"Sid\": \"Deny\\u00e9\", \"Effect\": \"Deny\", \"Principal\": \"*\", "
                                 "\"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::chart-bucket/*\", "
                                 "\"Condition\": {\"NumericLessThan\": {\"s3:TlsVersion\": 1.2}, \"Bool\": "
                                 "{\"aws:SecureTransport\": false}}}\n  ]\n}";
    const cf::policy_merge m = cf::merge_oac_statement(existing, "chart-bucket", arn);
    CHECK(m.changed);
    CHECK(m.policy == R"({"Version":"2012-10-17","Id":"p1","Statement":[{"Sid":"Deny\u00e9","Effect":"Deny",)"
                      R"("Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::chart-bucket/*","Condition":)"
                      R"({"NumericLessThan":{"s3:TlsVersion":1.2},"Bool":{"aws:SecureTransport":false}}},)" +
                          seed + "]}");
    SECTION("and a second merge adds nothing") {
      const cf::policy_merge again = cf::merge_oac_statement(m.policy, "chart-bucket", arn);
      CHECK_FALSE(again.changed);
      CHECK(again.policy == m.policy);
    }
  }
  SECTION("an equivalent statement written differently counts as present") {
    const std::string existing =
        R"({"Statement":[{"Effect":"Allow","Principal":{"Service":["cloudfront.amazonaws.com"]},)"
        R"("Action":["s3:ListBucket","s3:getobject"],"Resource":["arn:aws:s3:::chart-bucket","arn:aws:s3:::chart-bucket/*"],)"
        R"("Condition":{"ArnLike":{"aws:sourcearn":")" + arn + R"("}}}]})";
    const cf::policy_merge m = cf::merge_oac_statement(existing, "chart-bucket", arn);
    CHECK_FALSE(m.changed);
    CHECK(m.policy == existing);
  }
  SECTION("a single statement object becomes a list of two") {
    const std::string existing = R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}})";
    const cf::policy_merge m = cf::merge_oac_statement(existing, "chart-bucket", arn);
    CHECK(m.policy == R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"},)" +
                          seed + "]}");
  }
  SECTION("the seed's Sid used for another distribution: the new statement gets its own") {
    const std::string other = "arn:aws:cloudfront::123456789012:distribution/EOLD";
    const cf::policy_merge first = cf::merge_oac_statement("", "chart-bucket", other);
    const cf::policy_merge m = cf::merge_oac_statement(first.policy, "chart-bucket", arn);
    CHECK(m.changed);
    CHECK(m.policy.find("\"Sid\":\"AllowCloudFrontServicePrincipalEDFDVBD6EXAMPLE\"") != std::string::npos);
    CHECK(cf::policy_allows_distribution(m.policy, "chart-bucket", other));
    CHECK(cf::policy_allows_distribution(m.policy, "chart-bucket", arn));
  }
  SECTION("statements that do not grant this distribution") {
    const auto allows = [](const std::string& statement) {
      return cf::policy_allows_distribution(R"({"Statement":[)" + statement + "]}", "chart-bucket", arn);
    };
    CHECK(allows(seed));
    std::string s = seed;
    CHECK_FALSE(allows(s.replace(s.find("Allow\""), 5, "Deny")));
    s = seed;
    CHECK_FALSE(allows(s.replace(s.find("EDFDVBD6EXAMPLE"), 15, "EOTHER")));
    s = seed;
    CHECK_FALSE(allows(s.replace(s.find("chart-bucket/*"), 14, "other-bucket/*")));
    s = seed;
    CHECK_FALSE(allows(s.replace(s.find("s3:GetObject"), 12, "s3:PutObject")));
    s = seed;
    CHECK_FALSE(allows(s.replace(s.find("cloudfront.amazonaws.com"), 24, "lambda.amazonaws.com")));
    CHECK_FALSE(cf::policy_allows_distribution(R"({"Version":"2012-10-17"})", "chart-bucket", arn));
  }
  SECTION("broken input is refused, never overwritten") {
    CHECK_THROWS_WITH(cf::merge_oac_statement("{\"Statement\": [", "chart-bucket", arn), Catch::Contains("not valid JSON"));
    CHECK_THROWS_WITH(cf::merge_oac_statement("[]", "chart-bucket", arn), Catch::Contains("not a JSON object"));
    CHECK_THROWS_AS(cf::merge_oac_statement("{\"a\":\"\\ud800\"}", "chart-bucket", arn), urlmint::error);
    CHECK_THROWS_AS(cf::merge_oac_statement("{} x", "chart-bucket", arn), urlmint::error);
    for (const char* bad : {"{\"a\":1true}", "{\"a\":-}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":.5}"})
      CHECK_THROWS_AS(cf::merge_oac_statement(bad, "chart-bucket", arn), urlmint::error);
    CHECK_THROWS_WITH(cf::merge_oac_statement("", "chart-bucket", "EDFDVBD6EXAMPLE"), Catch::Contains("not a distribution ARN"));
    CHECK_THROWS_AS(cf::merge_oac_statement("", "Chart_Bucket", arn), urlmint::error);
  }
  SECTION("JSON round trip") {
    const std::string text = R"({"a":[1,-2.5e3,true,false,null,"\"\\\/\b\f\n\r\t\u0001\ud83d\ude00é"],"b":{}})";
    CHECK(cf::json::write(cf::json::parse(text)) ==
          R"({"a":[1,-2.5e3,true,false,null,"\"\\/\b\f\n\r\t\u0001\ud83d\ude00\u00e9"],"b":{}})");
  }
}

TEST_CASE("cloudfront_setup: setting a line of an env file", "[cloudfront_setup]") {
  CHECK(cf::set_env_line("", "CLOUDFRONT_DOMAIN", "d1.cloudfront.net") == "CLOUDFRONT_DOMAIN=d1.cloudfront.net\n");
  CHECK(cf::set_env_line("A=1\nCLOUDFRONT_DOMAIN=old\nB=2\n", "CLOUDFRONT_DOMAIN", "d1") == "A=1\nCLOUDFRONT_DOMAIN=d1\nB=2\n");
  CHECK(cf::set_env_line("A=1", "CLOUDFRONT_DOMAIN", "d1") == "A=1\nCLOUDFRONT_DOMAIN=d1\n");
  CHECK(cf::set_env_line("export CLOUDFRONT_DOMAIN = old\n", "CLOUDFRONT_DOMAIN", "d1") == "export CLOUDFRONT_DOMAIN=d1\n");
  CHECK(cf::set_env_line("CLOUDFRONT_DOMAIN=a\r\nX=1\r\nCLOUDFRONT_DOMAIN=b\r\n", "CLOUDFRONT_DOMAIN", "d1") ==
        "CLOUDFRONT_DOMAIN=d1\r\nX=1\r\n");
  CHECK(cf::set_env_line("# CLOUDFRONT_DOMAIN=commented\nCLOUDFRONT_DOMAIN_OLD=x\n", "CLOUDFRONT_DOMAIN", "d1") ==
        "# CLOUDFRONT_DOMAIN=commented\nCLOUDFRONT_DOMAIN_OLD=x\nCLOUDFRONT_DOMAIN=d1\n");
}

TEST_CASE("cloudfront_setup: the doctor's domain and object checks", "[cloudfront_setup]") {
  CHECK(cf::domain_problem("d111111abcdef8.cloudfront.net").empty());
  CHECK(cf::domain_problem("https://d111111abcdef8.cloudfront.net") ==
        "the domain \"https://d111111abcdef8.cloudfront.net\" has a scheme; write only the host: "
        "CLOUDFRONT_DOMAIN=d111111abcdef8.cloudfront.net");
  CHECK(cf::domain_problem("d111111abcdef8.cloudfront.net/").find("ends with '/'") != std::string::npos);
  CHECK(cf::domain_problem("d111111abcdef8.cloudfront.net/charts").find("contains a path") != std::string::npos);
  CHECK_FALSE(cf::domain_problem("").empty());
  CHECK(cf::explain_object_status(200, "https://d1/k").ok);
  const cf::check denied = cf::explain_object_status(403, "https://d1/k");
  CHECK_FALSE(denied.ok);
  CHECK(denied.detail.find("no object has this key") != std::string::npos);
  CHECK(denied.detail.find("bucket policy") != std::string::npos);
  CHECK(cf::explain_object_status(404, "https://d1/k").detail.find("404: no object") != std::string::npos);
}
