#include <catch2/catch.hpp>

#include <sys/stat.h>  // chmod: an unreadable token file
#include <unistd.h>    // mkdtemp, getuid

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <urlmint/providers.hpp>
#include <urlmint/s3.hpp>

#include "providers_support.hpp"

using namespace test_support;
using std::chrono::seconds;

TEST_CASE("ISO 8601 expiration times parse with fractions and offsets", "[providers]") {
  CHECK(p::format_iso8601(*p::parse_iso8601("2026-11-25T12:00:00Z")) == "2026-11-25T12:00:00Z");
  CHECK(p::format_iso8601(*p::parse_iso8601("2026-11-25T12:00:00.123456Z")) == "2026-11-25T12:00:00Z");
  CHECK(p::format_iso8601(*p::parse_iso8601("2026-11-25T14:30:00+02:30")) == "2026-11-25T12:00:00Z");
  CHECK(p::format_iso8601(*p::parse_iso8601("2026-11-25T07:00:00-05:00")) == "2026-11-25T12:00:00Z");
  CHECK(p::format_iso8601(*p::parse_iso8601("2026-11-25T12:00:00UTC")) == "2026-11-25T12:00:00Z");  // JSONFileCache
  SECTION("years beyond what time_point holds are clamped, not overflowed") {
    // Regression (fuzz_json_credentials): "9999-12-31T23:59:59Z" overflowed the nanosecond clock.
    CHECK(p::format_iso8601(*p::parse_iso8601("9999-12-31T23:59:59Z")) == "2262-04-11T23:47:16Z");
    CHECK(p::format_iso8601(*p::parse_iso8601("0000-01-01T00:00:00Z")) == "1677-09-21T00:12:44Z");
  }
  SECTION("anything else is rejected") {
    for (const char* bad : {"2026-11-25", "2026-11-25T12:00:00", "2026-02-30T12:00:00Z", "2026-11-25T12:00:00.Z",
                            "2026-11-25T25:00:00Z", "20261125T120000Z", "2026-11-25T12:00:00+0200", ""})
      CHECK_FALSE(p::parse_iso8601(bad));
  }
}

TEST_CASE("the JSON reader is strict and keeps nested values as raw JSON", "[providers]") {
  const auto doc = p::parse_json_object(R"( {"a": "x\"y\u00e9\ud83d\ude00", "n": 1, "b": true, "z": null,
                                           "nested": {"k": [1, 2, {"q": "r"}]}} )",
                                        "test");
  CHECK(doc.at("a").text.reveal() == "x\"y\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(doc.at("n").type == p::json_member::kind::number);
  CHECK(doc.at("n").text.reveal() == "1");
  CHECK(doc.at("b").text.reveal() == "true");
  CHECK(doc.at("z").type == p::json_member::kind::null);
  CHECK(doc.at("nested").type == p::json_member::kind::nested);
  CHECK(doc.at("nested").text.reveal() == R"({"k": [1, 2, {"q": "r"}]})");
  CHECK(p::parse_json_object(doc.at("nested").text.reveal(), "nested").at("k").text.reveal() == R"([1, 2, {"q": "r"}])");
  SECTION("malformed documents are errors naming the source and a byte offset") {
    for (const char* bad : {"", "[]", "{", "{\"a\": 1,}", "{\"a\": 01}", "{\"a\": \"x\"} trailing", "{'a': 1}",
                            "{\"a\": \"\\x\"}", "{\"a\": 1, \"a\": 2}", "{\"n\": {\"a\": 1, \"a\": 2}}", "{\"a\": \"\\ud800\"}"}) {
      INFO(bad);
      CHECK_THAT(error_text([&] { p::parse_json_object(bad, "credential_process"); }),
                 Catch::StartsWith("credential_process: response is not a valid JSON object (error near byte "));
    }
  }
}

TEST_CASE("credential documents are parsed and their missing fields named", "[providers]") {
  SECTION("credential_process output with a session token and expiration") {
    const auto c = p::parse_json_credentials(R"({"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": ")" +
                                                 secret + R"(", "SessionToken": "tok", "Expiration": "2026-11-25T13:00:00Z"})",
                                             p::json_credentials_format::process, "process");
    CHECK(c.access_key_id == "ASIAPROC");
    CHECK(c.secret_access_key.reveal() == secret);
    CHECK(c.session_token.reveal() == "tok");
    CHECK(p::format_iso8601(*c.expiration) == "2026-11-25T13:00:00Z");
  }
  SECTION("credential_process output without Expiration is long-term") {
    const auto c = p::parse_json_credentials(R"({"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "s"})",
                                             p::json_credentials_format::process, "process");
    CHECK_FALSE(c.expiration);
    CHECK_FALSE(c.is_temporary());
  }
  SECTION("errors name the field, never a value") {
    CHECK(error_text([] {
            p::parse_json_credentials(R"({"AccessKeyId": "A", "SecretAccessKey": "s"})",
                                      p::json_credentials_format::process, "process");
          }) == "process: JSON has no \"Version\" field; the output must have \"Version\": 1");
    CHECK(error_text([] {
            p::parse_json_credentials(R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"})",
                                      p::json_credentials_format::process, "process");
          }) == "process: JSON \"Version\" must be the number 1");
    CHECK(error_text([] {
            p::parse_json_credentials(R"({"Version": 1, "AccessKeyId": "A"})", p::json_credentials_format::process,
                                      "process");
          }) == "process: JSON has no \"SecretAccessKey\" field");
    const std::string no_token = metadata_json("2026-11-25T13:00:00Z");
    CHECK(error_text([&] {
            p::parse_json_credentials(R"({"AccessKeyId": "A", "SecretAccessKey": ")" + secret +
                                          R"(", "Expiration": "2026-11-25T13:00:00Z"})",
                                      p::json_credentials_format::metadata, "ECS");
          }) == "ECS: JSON has no \"Token\" field");
    CHECK(error_text([&] {
            p::parse_json_credentials(R"({"AccessKeyId": "A", "SecretAccessKey": ")" + secret +
                                          R"(", "Token": "t", "Expiration": "tomorrow"})",
                                      p::json_credentials_format::metadata, "ECS");
          }) == "ECS: JSON \"Expiration\" \"tomorrow\" is not an ISO 8601 time like 2026-01-01T00:00:00Z");
    CHECK(error_text([&] {
            p::parse_json_credentials(R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "no"})",
                                      p::json_credentials_format::metadata, "IMDS");
          }) == "IMDS: metadata service answered Code \"AssumeRoleUnauthorizedAccess\" instead of credentials");
  }
}

TEST_CASE("STS responses yield credentials or STS's error code", "[providers]") {
  const std::string ok =
      "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIASTS</AccessKeyId>"
      "<SecretAccessKey>" + secret + "</SecretAccessKey><SessionToken>a&amp;b&#x2F;c</SessionToken>"
      "<Expiration>2026-11-25T13:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
      "</AssumeRoleWithWebIdentityResponse>";
  const auto c = p::parse_sts_credentials(ok, "web identity");
  CHECK(c.access_key_id == "ASIASTS");
  CHECK(c.session_token.reveal() == "a&b/c");
  CHECK(p::format_iso8601(*c.expiration) == "2026-11-25T13:00:00Z");
  CHECK(error_text([] {
          p::parse_sts_credentials("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                                   "<Message>Token expired</Message></Error></ErrorResponse>",
                                   "web identity");
        }) == "web identity: STS refused: InvalidIdentityToken: Token expired");
  CHECK(error_text([] { p::parse_sts_credentials("<Credentials><AccessKeyId>A</AccessKeyId></Credentials>", "sts"); }) ==
        "sts: STS response has no <SecretAccessKey> in <Credentials>");
  SECTION("a garbled Expiration is not quoted with the token that follows it") {
    // Regression (fuzz_json_credentials): an unclosed <Expiration> ran on over the session token.
    const std::string garbled =
        "<Credentials><AccessKeyId>ASIASTS</AccessKeyId><Expiration>20<SecretAccessKey>" + secret +
        "</SecretAccessKey><SessionToken>TOKEN-THAT-MUST-NOT-SHOW</SessionToken><Expiration>x</Expiration></Credentials>";
    CHECK(error_text([&] { p::parse_sts_credentials(garbled, "sts"); }) == "sts: STS Expiration is not an ISO 8601 time");
    CHECK(error_text([] {
            p::parse_sts_credentials("<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                                     "<SessionToken>T</SessionToken><Expiration>soon</Expiration></Credentials>",
                                     "sts");
          }) == "sts: STS Expiration \"soon\" is not an ISO 8601 time");
  }
}

TEST_CASE("INI files are read as the AWS CLI reads them", "[providers]") {
  const auto doc = p::parse_ini("# comment\n; another\n[default]\nAWS_Access_Key_ID=AKIA1\n"
                                "aws_secret_access_key   =   s1 # not a comment\n"
                                "region: eu-west-1\n\n[profile dev]\n  region = us-west-2\n  s3 =\n"
                                "    max_concurrent_requests = 10\n  output = json\n",
                                "/home/me/.aws/config");
  REQUIRE(doc.sections.size() == 2);
  const auto* def = doc.find("default");
  REQUIRE(def != nullptr);
  CHECK(def->find("aws_access_key_id")->reveal() == "AKIA1");
  CHECK(def->find("aws_secret_access_key")->reveal() == "s1 # not a comment");
  CHECK(def->find("region")->reveal() == "eu-west-1");
  const auto* dev = doc.find("profile dev");
  REQUIRE(dev != nullptr);
  CHECK(dev->find("region")->reveal() == "us-west-2");
  CHECK(dev->find("s3")->reveal() == "\nmax_concurrent_requests = 10");
  CHECK(dev->find("output")->reveal() == "json");

  SECTION("malformed files name the file and line, never the line's text") {
    const auto err = [](const std::string& text) {
      return error_text([&] { p::parse_ini(text, "/x/credentials"); });
    };
    CHECK(err("aws_access_key_id = A\n") ==
          "config file /x/credentials line 1: 'key = value' before any [section]; add a [default] header above it");
    CHECK(err("[default]\n" + secret + "\n") ==
          "config file /x/credentials line 2: expected 'key = value', a [section] or a # comment");
    CHECK(err("[default\n") == "config file /x/credentials line 1: section header has no closing ']'");
    CHECK(err("[a]\n[a]\n") == "config file /x/credentials line 2: section [a] appears twice; merge them");
    CHECK(err("[a]\nk=1\nK = 2\n") == "config file /x/credentials line 3: key k appears twice in [a]; keep one");
    CHECK(err("[a]\n = 2\n") == "config file /x/credentials line 2: the key before '=' is empty");
  }
}

TEST_CASE("the region comes from the flag, the environment, the profile, then us-east-1", "[providers]") {
  temp_dir dir;
  const std::string config = dir.write("config", "[default]\nregion = eu-north-1\n[profile dev]\nregion = ap-east-1\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}});
  CHECK(p::resolve_region(std::string("sa-east-1"), std::nullopt, env.fn()) == "sa-east-1");
  CHECK(p::resolve_region(std::nullopt, std::nullopt, env.fn()) == "eu-north-1");
  CHECK(p::resolve_region(std::nullopt, std::string("dev"), env.fn()) == "ap-east-1");
  env.vars["AWS_PROFILE"] = "dev";
  CHECK(p::resolve_region(std::nullopt, std::nullopt, env.fn()) == "ap-east-1");
  env.vars["AWS_DEFAULT_REGION"] = "us-west-1";
  CHECK(p::resolve_region(std::nullopt, std::nullopt, env.fn()) == "us-west-1");
  env.vars["AWS_REGION"] = "us-west-2";
  CHECK(p::resolve_region(std::nullopt, std::nullopt, env.fn()) == "us-west-2");
  fake_env empty(dir);
  CHECK(p::resolve_region(std::nullopt, std::nullopt, empty.fn()) == "us-east-1");
}

TEST_CASE("the chain takes the first source that yields credentials, in the AWS CLI's order", "[providers]") {
  temp_dir dir;
  const std::string creds_file = dir.write(
      "credentials", "[default]\naws_access_key_id = AKIAFILEDEFAULT\naws_secret_access_key = " + secret +
                         "\n\n[dev]\naws_access_key_id = AKIAFILEDEV\naws_secret_access_key = " + secret +
                         "\naws_session_token = " + token + "\n");
  const std::string config_file = dir.write(
      "config", "[profile cfg]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = " + secret +
                    "\n[profile proc]\ncredential_process = printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
                    "\"SecretAccessKey\": \"s\"}'\n[profile both]\naws_access_key_id = AKIACONFIGBOTH\n"
                    "aws_secret_access_key = x\n[profile roles]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n"
                    "[profile sso]\nsso_session = corp\nsso_account_id = 1\n[profile empty]\nregion = eu-west-1\n");
  dir.write("credentials-both", "");
  fake_env env(dir, {{"AWS_SHARED_CREDENTIALS_FILE", creds_file}, {"AWS_CONFIG_FILE", config_file}});

  SECTION("explicit credentials win over everything") {
    auto o = options_for(env);
    o.explicit_credentials = urlmint::credentials("AKIAEXPLICIT", secret);
    const auto r = p::resolve_credentials(o, t0);
    CHECK(r.creds.access_key_id == "AKIAEXPLICIT");
    CHECK(r.source == "explicit credentials");
  }
  SECTION("the environment wins over the shared files") {
    env.vars["AWS_ACCESS_KEY_ID"] = "AKIAENV";
    env.vars["AWS_SECRET_ACCESS_KEY"] = secret;
    const auto r = p::resolve_credentials(options_for(env), t0);
    CHECK(r.creds.access_key_id == "AKIAENV");
    CHECK(r.source == "environment");
    SECTION("and AWS_PROFILE does not change that") {
      env.vars["AWS_PROFILE"] = "dev";
      CHECK(p::resolve_credentials(options_for(env), t0).creds.access_key_id == "AKIAENV");
    }
    SECTION("but --profile does, as in the AWS CLI") {
      auto o = options_for(env);
      o.profile = "dev";
      const auto rp = p::resolve_credentials(o, t0);
      CHECK(rp.creds.access_key_id == "AKIAFILEDEV");
      CHECK(rp.creds.session_token.reveal() == token);
      CHECK(rp.source == "profile 'dev' in " + creds_file);
    }
  }
  SECTION("the default profile comes from the credentials file") {
    const auto r = p::resolve_credentials(options_for(env), t0);
    CHECK(r.creds.access_key_id == "AKIAFILEDEFAULT");
    CHECK(r.source == "profile 'default' in " + creds_file);
  }
  SECTION("a config-file profile is [profile NAME]") {
    env.vars["AWS_PROFILE"] = "cfg";
    CHECK(p::resolve_credentials(options_for(env), t0).creds.access_key_id == "AKIACONFIG");
  }
  SECTION("credential_process runs the command and reads its JSON") {
    env.vars["AWS_PROFILE"] = "proc";
    const auto r = p::resolve_credentials(options_for(env), t0);
    CHECK(r.creds.access_key_id == "AKIAPROC");
    CHECK(r.source == "profile 'proc' in " + config_file + " (credential_process)");
  }
  SECTION("an SSO profile whose sso-session section is missing says what to run") {
    env.vars["AWS_PROFILE"] = "sso";
    CHECK(error_text([&] { p::resolve_credentials(options_for(env), t0); }) ==
          "profile 'sso' has sso_session = corp but " + config_file +
              " has no [sso-session corp] section; run: aws configure sso");
  }
  SECTION("a named profile that does not exist is an error naming both files") {
    env.vars["AWS_PROFILE"] = "nope";
    CHECK(error_text([&] { p::resolve_credentials(options_for(env), t0); }) ==
          "profile 'nope' not found in " + creds_file + " or " + config_file +
              "; check --profile / AWS_PROFILE or add [profile nope] to the config file");
  }
  SECTION("a profile without credentials falls through to the next sources and the report") {
    env.vars["AWS_PROFILE"] = "empty";
    CHECK(error_text([&] { p::resolve_credentials(options_for(env), t0); }) ==
          "no credentials: tried environment (AWS_ACCESS_KEY_ID is not set), web identity (AWS_WEB_IDENTITY_TOKEN_FILE "
          "is not set), profile 'empty' in " + config_file +
              " (no aws_access_key_id or credential_process), container credentials "
              "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set), EC2 instance metadata (disabled by "
              "AWS_EC2_METADATA_DISABLED); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile "
              "(aws configure)");
  }
}

TEST_CASE("bad shared files and sources are clear errors naming the source", "[providers]") {
  temp_dir dir;
  fake_env env(dir);
  const auto fails = [&](const std::string& expected) {
    const std::string got = error_text([&] { p::resolve_credentials(options_for(env), t0); });
    CHECK(got == expected);
    CHECK(got.find(secret) == std::string::npos);
    CHECK(got.find(token) == std::string::npos);
  };
  SECTION("a profile missing its secret names the file and profile") {
    const auto f = dir.write("credentials", "[default]\naws_access_key_id = AKIA\n");
    env.vars["AWS_SHARED_CREDENTIALS_FILE"] = f;
    fails("profile 'default' in " + f + " has aws_access_key_id but no aws_secret_access_key; add it");
  }
  SECTION("a malformed file names the line") {
    const auto f = dir.write("credentials", "[default]\naws_secret_access_key " + secret + "\n");
    env.vars["AWS_SHARED_CREDENTIALS_FILE"] = f;
    fails("config file " + f + " line 2: expected 'key = value', a [section] or a # comment");
  }
  SECTION("only one environment key is an error") {
    env.vars["AWS_ACCESS_KEY_ID"] = "AKIA";
    fails("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both");
  }
  SECTION("credential_process that fails names its exit status") {
    const auto f = dir.write("config", "[default]\ncredential_process = sh -c 'exit 3'\n");
    env.vars["AWS_CONFIG_FILE"] = f;
    fails("profile 'default' in " + f + ": credential_process exited with status 3; run the command by hand to see why");
  }
  SECTION("credential_process output with an expired Expiration") {
    const auto f = dir.write("config", "[default]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"A\","
                                       "\"SecretAccessKey\":\"" + secret + "\",\"SessionToken\":\"" + token +
                                           "\",\"Expiration\":\"2026-11-25T11:00:00Z\"}'\n");
    env.vars["AWS_CONFIG_FILE"] = f;
    fails("profile 'default' in " + f +
          " credential_process: credentials expired at 2026-11-25T11:00:00Z (now 2026-11-25T12:00:00Z); refresh the "
          "source or check the clock");
  }
  SECTION("an unreadable web identity token file") {
    env.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir.path + "/missing-token";
    env.vars["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/app";
    fails("web identity (role arn:aws:iam::123456789012:role/app, token file " + dir.path +
          "/missing-token): cannot read the token file (missing, empty or unreadable); check AWS_WEB_IDENTITY_TOKEN_FILE");
  }
  SECTION("a container URI on a host the AWS CLI does not allow") {
    env.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://203.0.113.5/creds";
    fails("container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI \"http://203.0.113.5/creds\" must be https://, or "
          "http:// to a loopback address, 169.254.170.2 or 169.254.170.23");
  }
}

TEST_CASE("web identity exchanges the token file with STS in one unsigned call", "[providers]") {
  temp_dir dir;
  const auto token_file = dir.write("token", "eyJhbGciOi.JWT-TOKEN\n");
  fake_env env(dir, {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                     {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app"},
                     {"AWS_ROLE_SESSION_NAME", "s1"},
                     {"AWS_REGION", "eu-west-1"}});
  fake_transport sts;
  sts.answer = [](const p::http_request&) {
    return p::http_response{200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                                 "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>" + secret +
                                     "</SecretAccessKey><SessionToken>" + token +
                                     "</SessionToken><Expiration>2026-11-25T13:00:00Z</Expiration></Credentials>"
                                     "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"};
  };
  auto o = options_for(env);
  o.http = sts.fn();
  const auto r = p::resolve_credentials(o, t0);
  CHECK(r.creds.access_key_id == "ASIAWEB");
  CHECK(r.source == "web identity (role arn:aws:iam::123456789012:role/app)");
  REQUIRE(sts.requests.size() == 1);
  CHECK(sts.requests[0].method == "POST");
  CHECK(sts.requests[0].url == "https://sts.eu-west-1.amazonaws.com/");
  SECTION("a second resolve is served from the AWS CLI's role cache, 0600, with botocore's key") {
    const auto again = p::resolve_credentials(o, t0 + seconds(60));
    CHECK(again.creds.access_key_id == "ASIAWEB");
    CHECK(again.creds.session_token.reveal() == token);
    CHECK(sts.requests.size() == 1);
    // hashlib.sha1(json.dumps({"RoleArn": ..., "RoleSessionName": "s1"}, sort_keys=True).encode()).hexdigest()
    const std::string key = p::sha1_hex(R"({"RoleArn": "arn:aws:iam::123456789012:role/app", "RoleSessionName": "s1"})");
    struct stat st {};
    REQUIRE(::stat((dir.path + "/.aws/cli/cache/" + key + ".json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    SECTION("but not within 15 minutes of expiry") {
      (void)p::resolve_credentials(o, t0 + seconds(46 * 60));
      CHECK(sts.requests.size() == 2);
    }
  }
  SECTION("an STS endpoint override is honoured") {
    env.vars["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9/";
    o.env = env.fn();
    o.use_cli_cache = false;
    (void)p::resolve_credentials(o, t0);
    CHECK(sts.requests.back().url == "http://127.0.0.1:9/");
  }
  SECTION("an STS error carries STS's code") {
    sts.answer = [](const p::http_request&) {
      return p::http_response{400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad</Message>"
                                   "</Error></ErrorResponse>"};
    };
    o.use_cli_cache = false;
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "web identity (role arn:aws:iam::123456789012:role/app, token file " + token_file +
              "): STS refused: InvalidIdentityToken: bad");
  }
}

TEST_CASE("web identity requests carry the role, session name and token as a form", "[providers]") {
  p::web_identity_config cfg;
  cfg.role_arn = "arn:aws:iam::123456789012:role/app";
  cfg.session_name = "s1";
  cfg.sts_endpoint = "https://sts.us-east-1.amazonaws.com";
  const auto r = p::web_identity_request(cfg, "a.b+c");
  CHECK(r.body == "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp"
                  "&RoleSessionName=s1&WebIdentityToken=a.b%2Bc");
  CHECK(r.headers[0].value == "application/x-www-form-urlencoded; charset=utf-8");
  CHECK(p::sts_endpoint("cn-north-1", [](const std::string&) { return std::optional<std::string>(); }) ==
        "https://sts.cn-north-1.amazonaws.com.cn");
}

TEST_CASE("container credentials use the relative URI on 169.254.170.2 or a full URI with a token", "[providers]") {
  temp_dir dir;
  fake_transport ecs;
  ecs.answer = [](const p::http_request&) { return p::http_response{200, metadata_json("2026-11-25T18:00:00Z")}; };
  SECTION("relative URI (the request goes to the fake transport, never to the network)") {
    fake_env env(dir, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}});
    auto o = options_for(env);
    o.http = ecs.fn();
    const auto r = p::resolve_credentials(o, t0);
    CHECK(r.creds.access_key_id == "ASIAMETADATA");
    CHECK(r.creds.session_token.reveal() == token);
    CHECK(r.source == "container credentials (http://169.254.170.2/v2/credentials/abc)");
    CHECK(ecs.requests.at(0).url == "http://169.254.170.2/v2/credentials/abc");
  }
  SECTION("full URI with the token file winning over the token") {
    const auto tf = dir.write("ecs-token", "Bearer from-file\n");
    fake_env env(dir, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tf}});
    auto o = options_for(env);
    o.http = ecs.fn();
    (void)p::resolve_credentials(o, t0);
    const auto& h = ecs.requests.at(0).headers;
    REQUIRE(h.size() == 2);
    CHECK(h[1].name == "Authorization");
    CHECK(h[1].value == "Bearer from-file");
  }
  SECTION("an error status names the endpoint") {
    fake_env env(dir, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"}});
    ecs.answer = [](const p::http_request&) { return p::http_response{403, "denied"}; };
    auto o = options_for(env);
    o.http = ecs.fn();
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "container credentials (http://127.0.0.1:9/creds): HTTP 403 (check the authorization token)");
  }
  SECTION("a body missing fields names the field") {
    fake_env env(dir, {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"}});
    ecs.answer = [](const p::http_request&) {
      return p::http_response{200, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" + secret + "\"}"};
    };
    auto o = options_for(env);
    o.http = ecs.fn();
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "container credentials (http://127.0.0.1:9/creds): JSON has no \"Token\" field");
  }
}

TEST_CASE("instance metadata uses the IMDSv2 token flow", "[providers]") {
  temp_dir dir;
  fake_env env(dir, {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"}});
  env.vars.erase("AWS_EC2_METADATA_DISABLED");
  fake_transport imds;
  // Like a real IMDSv2-only instance: every GET without the session token gets 401.
  imds.answer = [](const p::http_request& r) {
    if (r.method == "PUT" && r.url == "http://127.0.0.1:9/latest/api/token") return p::http_response{200, "IMDS-TOKEN"};
    const bool has_token = !r.headers.empty() && r.headers[0].name == "x-aws-ec2-metadata-token" &&
                           r.headers[0].value == "IMDS-TOKEN";
    if (!has_token) return p::http_response{401, ""};
    if (r.url == "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/") return p::http_response{200, "app-role\n"};
    if (r.url == "http://127.0.0.1:9/latest/meta-data/iam/security-credentials/app-role")
      return p::http_response{200, metadata_json("2026-11-25T18:00:00Z")};
    return p::http_response{404, ""};
  };
  auto o = options_for(env);
  o.http = imds.fn();
  const auto r = p::resolve_credentials(o, t0);
  CHECK(r.creds.access_key_id == "ASIAMETADATA");
  CHECK(r.source == "EC2 instance metadata (http://127.0.0.1:9)");
  REQUIRE(imds.requests.size() == 3);
  CHECK(imds.requests[0].headers[0].name == "x-aws-ec2-metadata-token-ttl-seconds");
  CHECK(imds.requests[0].connect_timeout == std::chrono::milliseconds(1000));

  SECTION("a refused token request falls back to IMDSv1, and its 401 is reported") {
    imds.answer = [](const p::http_request& r) {
      return p::http_response{r.method == "PUT" ? 403L : 401L, ""};
    };
    CHECK_THAT(error_text([&] { p::resolve_credentials(o, t0); }),
               Catch::EndsWith("EC2 instance metadata (http://127.0.0.1:9): HTTP 401: the instance requires IMDSv2 "
                               "session tokens and none was issued; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                               "or configure a profile (aws configure)"));
  }
  SECTION("an unreachable endpoint ends up in the report") {
    imds.answer = [](const p::http_request&) -> p::http_response {
      throw urlmint::error(urlmint::errc::transport, "curl: PUT http://127.0.0.1:9/latest/api/token failed: timeout");
    };
    CHECK_THAT(error_text([&] { p::resolve_credentials(o, t0); }),
               Catch::Contains("EC2 instance metadata (http://127.0.0.1:9): unreachable: curl: PUT "
                               "http://127.0.0.1:9/latest/api/token failed: timeout;"));
  }
  SECTION("without a transport it is skipped, not probed") {
    o.http = nullptr;
    CHECK_THAT(error_text([&] { p::resolve_credentials(o, t0); }),
               Catch::Contains("EC2 instance metadata (skipped: no HTTP transport)"));
  }
}

TEST_CASE("the provider caches long-term keys and refreshes temporary ones before they expire", "[providers]") {
  int fetches = 0;
  urlmint::time_point expiry = t0 + std::chrono::hours(1);
  bool fail = false;
  p::provider prov(
      [&](urlmint::time_point) {
        ++fetches;
        if (fail) throw urlmint::error(urlmint::errc::transport, "sts down");
        urlmint::credentials c("ASIA" + std::to_string(fetches), secret, token);
        c.expiration = expiry;
        return p::resolved_credentials{c, "test"};
      },
      seconds(300));
  CHECK(prov.get(t0)->access_key_id == "ASIA1");
  CHECK(prov.get(t0 + std::chrono::minutes(54))->access_key_id == "ASIA1");
  CHECK(prov.source() == "test");
  SECTION("inside the margin the next call refreshes") {
    expiry = t0 + std::chrono::hours(2);
    CHECK(prov.get(t0 + std::chrono::minutes(56))->access_key_id == "ASIA2");
    CHECK(prov.get(t0 + std::chrono::minutes(90))->access_key_id == "ASIA2");
    CHECK(prov.fetch_count() == 2);
  }
  SECTION("a failed refresh inside the margin keeps the still-valid credentials") {
    fail = true;
    CHECK(prov.get(t0 + std::chrono::minutes(56))->access_key_id == "ASIA1");
    SECTION("but once they have expired the failure is thrown") {
      CHECK(error_text([&] { prov.get(t0 + std::chrono::minutes(61)); }) == "sts down");
    }
  }
  SECTION("a fetch function that returns expired credentials is an error, not a cache entry") {
    p::provider stale([&](urlmint::time_point) {
      urlmint::credentials c("ASIA", secret, token);
      c.expiration = t0 - seconds(1);
      return p::resolved_credentials{c, "stale source"};
    });
    CHECK(error_text([&] { stale.get(t0); }) ==
          "stale source: credentials expired at 2026-11-25T11:59:59Z (now 2026-11-25T12:00:00Z); refresh the source or "
          "check the clock");
  }
  SECTION("long-term keys are fetched once") {
    int n = 0;
    p::provider keys([&](urlmint::time_point) {
      ++n;
      return p::resolved_credentials{urlmint::credentials("AKIA", secret), "test"};
    });
    for (int i = 0; i < 5; ++i) (void)keys.get(t0 + std::chrono::hours(24 * i));
    CHECK(n == 1);
  }
}

TEST_CASE("many threads sign while the credentials refresh, and only one thread fetches", "[providers]") {
  std::atomic<int> fetches{0};
  p::provider prov(
      [&](urlmint::time_point now) {
        const int n = ++fetches;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow STS
        urlmint::credentials c("ASIAGEN" + std::to_string(n), secret, token);
        c.expiration = now + std::chrono::minutes(15);
        return p::resolved_credentials{c, "test"};
      },
      seconds(300));
  const urlmint::s3::config cfg;
  std::atomic<int> urls{0};
  std::atomic<bool> bad{false};
  // Time runs at one virtual minute per round: every 10 rounds the credentials enter the
  // refresh margin, and every thread asks at once.
  constexpr int rounds = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < rounds; ++round) {
        const urlmint::time_point now = t0 + std::chrono::minutes(round);
        const auto creds = prov.get(now);
        if (!creds->expiration || *creds->expiration <= now) bad = true;
        const std::string url = urlmint::s3::presign_get_object(*creds, cfg, "bucket", "key", seconds(60), now);
        if (url.find("X-Amz-Credential=" + creds->access_key_id) == std::string::npos) bad = true;
        ++urls;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK_FALSE(bad);
  CHECK(urls == 8 * rounds);
  // Round 0 fetches (expires at minute 15, refresh at 10), then one fetch per 10-minute window
  // at most, however many threads arrive at once.
  CHECK(fetches >= 2);
  CHECK(fetches <= 5);
  CHECK(static_cast<int>(prov.fetch_count()) == fetches);
}

TEST_CASE("a presign longer than the credentials' remaining life is reported, not clamped", "[providers]") {
  urlmint::credentials temp("ASIA", secret, token);
  temp.expiration = t0 + std::chrono::minutes(30);
  const auto l = p::check_presign_lifetime(temp, t0, seconds(3600));
  CHECK(l.outlives_credentials);
  CHECK(l.effective == seconds(1800));
  CHECK(*p::presign_lifetime_warning(temp, t0, seconds(3600)) ==
        "the URL asks for 3600 s but the temporary credentials expire at 2026-11-25T12:30:00Z (in 1800 s); S3 will "
        "reject it after that. Use long-term keys or a shorter --expires-in");
  CHECK_FALSE(p::presign_lifetime_warning(temp, t0, seconds(1800)));
  CHECK_FALSE(p::presign_lifetime_warning(urlmint::credentials("AKIA", secret), t0, seconds(604800)));
  CHECK(*p::remaining_life(temp, t0) == seconds(1800));
}

TEST_CASE("assume-role profiles sign an STS AssumeRole call with the source profile's keys", "[providers]") {
  temp_dir dir;
  const std::string creds_file = dir.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " +
                                                              secret + "\n");
  const std::string config_file = dir.write(
      "config", "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n"
                "role_session_name = s1\nexternal_id = ext\n"
                "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\nsource_profile = app\n"
                "[profile from-env]\nrole_arn = arn:aws:iam::123456789012:role/env\ncredential_source = Environment\n"
                "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n"
                "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n"
                "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/u\n");
  fake_env env(dir, {{"AWS_SHARED_CREDENTIALS_FILE", creds_file}, {"AWS_CONFIG_FILE", config_file}});
  fake_transport sts;
  int n = 0;
  sts.answer = [&](const p::http_request&) {
    ++n;
    return p::http_response{200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE" +
                                     std::to_string(n) + "</AccessKeyId><SecretAccessKey>" + secret +
                                     "</SecretAccessKey><SessionToken>" + token +
                                     "</SessionToken><Expiration>2026-11-25T13:00:00Z</Expiration></Credentials>"
                                     "</AssumeRoleResult></AssumeRoleResponse>"};
  };
  auto o = options_for(env);
  o.http = sts.fn();
  const auto header = [](const p::http_request& r, const std::string& name) {
    for (const auto& h : r.headers)
      if (urlmint::sigv4::lowercase(h.name) == name) return h.value;
    return std::string("(none)");
  };
  SECTION("one role from a profile's keys") {
    o.profile = "app";
    const auto r = p::resolve_credentials(o, t0);
    CHECK(r.creds.access_key_id == "ASIAROLE1");
    CHECK(r.source == "profile 'app' in " + config_file + " (assume role arn:aws:iam::123456789012:role/app)");
    REQUIRE(sts.requests.size() == 1);
    const auto& req = sts.requests[0];
    CHECK(req.url == "https://sts.us-east-1.amazonaws.com/");
    CHECK(req.body == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp"
                      "&RoleSessionName=s1&ExternalId=ext");
    CHECK(header(req, "x-amz-date") == "20261125T120000Z");
    CHECK_THAT(header(req, "authorization"),
               Catch::StartsWith("AWS4-HMAC-SHA256 Credential=AKIABASE/20261125/us-east-1/sts/aws4_request, "
                                 "SignedHeaders=content-type;host;x-amz-date, Signature="));
  }
  SECTION("a chain signs the second call with the first role's temporary credentials") {
    o.profile = "chained";
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAROLE2");
    REQUIRE(sts.requests.size() == 2);
    CHECK_THAT(header(sts.requests[1], "authorization"), Catch::StartsWith("AWS4-HMAC-SHA256 Credential=ASIAROLE1/"));
    CHECK(header(sts.requests[1], "x-amz-security-token") == token);
  }
  SECTION("credential_source Environment uses the environment keys") {
    env.vars["AWS_ACCESS_KEY_ID"] = "AKIAENVSRC";
    env.vars["AWS_SECRET_ACCESS_KEY"] = secret;
    o.env = env.fn();
    o.profile = "from-env";
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAROLE1");
    CHECK_THAT(header(sts.requests.at(0), "authorization"), Catch::StartsWith("AWS4-HMAC-SHA256 Credential=AKIAENVSRC/"));
  }
  SECTION("a source_profile loop and MFA are clear errors") {
    o.profile = "loop-a";
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "profile 'loop-a' in " + config_file + ": source_profile chain loops back to 'loop-a'; break the loop");
    o.profile = "mfa";
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "profile 'mfa' in " + config_file + ": the role needs an MFA code from arn:aws:iam::1:mfa/u (mfa_serial) "
                                              "but nothing can ask for it; set chain_options::mfa_code");
    CHECK(sts.requests.empty());
  }
  SECTION("mfa_serial: the callback's code goes to STS as TokenCode, once; the role cache keeps it") {
    o.profile = "mfa";
    std::vector<std::string> asked;
    o.mfa_code = [&](const std::string& serial) {
      asked.push_back(serial);
      return std::string("123456");
    };
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAROLE1");
    CHECK(asked == std::vector<std::string>{"arn:aws:iam::1:mfa/u"});
    REQUIRE(sts.requests.size() == 1);
    CHECK_THAT(sts.requests[0].body, Catch::EndsWith("&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fu&TokenCode=123456"));
    const auto again = p::resolve_credentials(o, t0 + seconds(60));
    CHECK(again.source == "profile 'mfa' in " + config_file + " (assume role arn:aws:iam::1:role/m) from " + dir.path +
                              "/.aws/cli/cache/" +
                              p::sha1_hex(R"({"RoleArn": "arn:aws:iam::1:role/m", "SerialNumber": "arn:aws:iam::1:mfa/u"})") +
                              ".json");
    CHECK(asked.size() == 1);
    CHECK(sts.requests.size() == 1);
  }
  SECTION("a corrupt role cache file is ignored and replaced") {
    o.profile = "app";
    const std::string key = p::sha1_hex(
        R"({"ExternalId": "ext", "RoleArn": "arn:aws:iam::123456789012:role/app", "RoleSessionName": "s1"})");
    ::mkdir((dir.path + "/.aws").c_str(), 0700);
    ::mkdir((dir.path + "/.aws/cli").c_str(), 0700);
    ::mkdir((dir.path + "/.aws/cli/cache").c_str(), 0700);
    dir.write(".aws/cli/cache/" + key + ".json", "{\"Credentials\": {\"AccessKeyId\": ");
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAROLE1");
    CHECK(sts.requests.size() == 1);
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAROLE1");
    CHECK(sts.requests.size() == 1);
  }
}
