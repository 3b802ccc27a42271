// The AWS CLI's caches as urlmint reads and writes them: JSON as Python's json.dumps writes it,
// botocore's cache keys, the role cache, SSO tokens and their refresh, `aws login` sessions.
// Expected keys and JSON were computed with Python's json/hashlib (see the comments); the CLI
// tests (sso_cli_test.py, login_cli_test.py, role_cli_test.py) check the same against botocore.

#include <catch2/catch.hpp>

#include <sys/stat.h>  // mkdir, stat

#include <string>
#include <vector>

#include <urlmint/providers.hpp>

#include "providers_support.hpp"
#include "test_support.hpp"

using namespace test_support;
using std::chrono::seconds;

namespace {

void make_dirs(const std::string& base, const std::string& rel) {
  std::string path = base;
  std::size_t start = 0;
  while (start < rel.size()) {
    const std::size_t slash = rel.find('/', start);
    path += "/" + rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    ::mkdir(path.c_str(), 0700);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

std::string read(const std::string& path) { return test_support::read_file(path).value_or("(missing)"); }

}  // namespace

TEST_CASE("JSON text is written exactly as json.dumps writes it", "[caches]") {
  CHECK(p::python_json_string("plain") == R"("plain")");
  CHECK(p::python_json_string("quote\"back\\slash") == R"("quote\"back\\slash")");
  CHECK(p::python_json_string("tab\tnl\ncr\r") == R"("tab\tnl\ncr\r")");
  CHECK(p::python_json_string("ctl\x01\x1f\x7f") == R"("ctl\u0001\u001f\u007f")");
  CHECK(p::python_json_string("caf\xC3\xA9") == R"("caf\u00e9")");
  CHECK(p::python_json_string("\xE6\x97\xA5\xE6\x9C\xAC") == R"("\u65e5\u672c")");
  CHECK(p::python_json_string("emoji\xF0\x9F\x98\x80") == R"("emoji\ud83d\ude00")");
  CHECK(p::python_json_string("/slash") == R"("/slash")");
  CHECK(p::json_dumps_object({{"a", "1"}, {"b", R"("x")"}}) == R"({"a": 1, "b": "x"})");
}

TEST_CASE("cache file names are botocore's", "[caches]") {
  // hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()
  p::role_cache_args a;
  a.role_arn = "arn:aws:iam::123456789012:role/full";
  a.session_name = "s-full";
  a.external_id = "ext-\xC3\xA9";
  a.duration_seconds = 1800;
  a.serial_number = "arn:aws:iam::123456789012:mfa/me";
  CHECK(p::role_cache_key(a) == "777b147daf7a49a342191a80ae91d7b33ef8406e");
  p::sso_config s;
  s.start_url = "https://corp.awsapps.com/start";
  CHECK(p::sso_cache_key(s) == "a51746d4aa793ae07b25e90c3a5db96fc7832bd7");  // legacy: sha1 of the start URL
  s.session_name = "corp";
  CHECK(p::sso_cache_key(s) == "ee0bfd2552fbd840c02cc48b6e823320543c450f");  // sha1 of the session name
  CHECK(p::login_cache_key("arn:aws:iam::123456789012:user/me") ==
        "286187707741fc2ccb93cf9e56dbd0ee0a16208feed5fbc8ae1baa86d44c283f");  // sha256
}

TEST_CASE("the role cache round-trips in botocore's layout and ignores what it cannot use", "[caches]") {
  temp_dir dir;
  urlmint::credentials c("ASIAROLE", secret, token);
  c.expiration = t0 + seconds(3600);
  p::assumed_role_user user{"arn:aws:sts::123456789012:assumed-role/app/s1", "AROAX:s1"};
  const std::string json = p::role_cache_json(c, user);
  CHECK(json == "{\"Credentials\": {\"AccessKeyId\": \"ASIAROLE\", \"SecretAccessKey\": \"" + secret +
                    "\", \"SessionToken\": \"" + token + "\", \"Expiration\": \"2026-11-25T13:00:00UTC\", "
                    "\"AccountId\": \"123456789012\"}, \"AssumedRoleUser\": {\"AssumedRoleId\": \"AROAX:s1\", "
                    "\"Arn\": \"arn:aws:sts::123456789012:assumed-role/app/s1\"}}");
  const std::string cache = dir.path + "/cache";
  REQUIRE(p::write_role_cache(cache, "k", c, user));
  struct stat st {};
  REQUIRE(::stat((cache + "/k.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto hit = p::read_role_cache(cache, "k", t0);
  REQUIRE(hit);
  CHECK(hit->access_key_id == "ASIAROLE");
  CHECK(hit->session_token.reveal() == token);
  CHECK(*hit->expiration == t0 + seconds(3600));
  CHECK_FALSE(p::read_role_cache(cache, "k", t0 + seconds(2700)));  // 15 minutes left: botocore asks again
  CHECK_FALSE(p::read_role_cache(cache, "missing", t0));
  for (const char* junk : {"", "{", "[]", "{\"Credentials\": 1}", "{\"Credentials\": {\"AccessKeyId\": \"A\"}}",
                           "{\"Credentials\": {\"AccessKeyId\": \"A B\", \"SecretAccessKey\": \"s\", \"SessionToken\": "
                           "\"t\", \"Expiration\": \"2026-11-25T13:00:00Z\"}}"}) {
    INFO(junk);
    dir.write("cache/junk.json", junk);
    CHECK_FALSE(p::read_role_cache(cache, "junk", t0));
  }
}

TEST_CASE("SSO profiles: settings, token refresh, and the provider's in-memory cache", "[caches][sso]") {
  temp_dir dir;
  const std::string config = dir.write(
      "config",
      "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
      "[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
      "sso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
      "[profile half]\nsso_account_id = 111122223333\nsso_region = eu-west-1\n"
      "[profile clash]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}});
  const std::string cache = dir.path + "/.aws/sso/cache";
  make_dirs(dir.path, ".aws/sso/cache");
  const std::string token_file = cache + "/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
  const auto write_token = [&](const std::string& expires_at) {
    dir.write(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
              R"({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "AT1", )"
              R"("expiresAt": ")" + expires_at + R"(", "clientId": "CID", "clientSecret": "CSECRET", )"
              R"("registrationExpiresAt": "2027-01-01T00:00:00Z", "refreshToken": "RT1"})");
  };
  fake_transport http;
  http.answer = [](const p::http_request& r) {
    if (r.url.find("/token") != std::string::npos)
      return p::http_response{200, R"({"accessToken": "AT2", "tokenType": "Bearer", "expiresIn": 3600, "refreshToken": "RT2"})"};
    // expiration: 2026-11-25T13:00:00Z in milliseconds
    return p::http_response{200, R"({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": ")" + secret +
                                     R"(", "sessionToken": ")" + token + R"(", "expiration": 1795611600000}})"};
  };
  auto o = options_for(env);
  o.http = http.fn();
  const auto files = p::load_shared_files(env.fn());

  SECTION("the settings of both forms, and what is wrong with the others") {
    auto dev = p::sso_settings(files, *p::find_profile(files, "dev"));
    REQUIRE(dev);
    CHECK(dev->start_url == "https://corp.awsapps.com/start");
    CHECK(dev->region == "eu-west-1");
    CHECK(dev->session_name == "corp");
    CHECK(p::sso_settings(files, *p::find_profile(files, "legacy"))->session_name.empty());
    CHECK(error_text([&] { p::sso_settings(files, *p::find_profile(files, "half")); }) ==
          "profile 'half' is configured for SSO but is missing sso_start_url, sso_role_name; run: aws configure sso "
          "--profile half");
    CHECK(error_text([&] { p::sso_settings(files, *p::find_profile(files, "clash")); }) ==
          "profile 'clash': sso_region differs between the profile (us-east-1) and [sso-session corp] (eu-west-1); "
          "keep one");
  }
  SECTION("a fresh token goes straight to the portal; the provider keeps the role credentials in memory") {
    write_token("2026-11-25T20:00:00Z");
    o.profile = "dev";
    p::provider prov(o);
    CHECK(prov.get(t0)->access_key_id == "ASIASSO");
    CHECK(prov.get(t0 + seconds(600))->access_key_id == "ASIASSO");
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].url ==
          "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?role_name=ReadOnly&account_id=111122223333");
    CHECK(http.requests[0].headers[0].name == "x-amz-sso_bearer_token");
    CHECK(http.requests[0].headers[0].value == "AT1");
    CHECK(prov.source() == "profile 'dev' in " + config + " (SSO role ReadOnly in account 111122223333)");
    (void)prov.get(t0 + seconds(3300));  // inside the 5-minute margin of 13:00: asks the portal again
    CHECK(http.requests.size() == 2);
  }
  SECTION("a token within 15 minutes of expiry is refreshed and the file rewritten as botocore does") {
    write_token("2026-11-25T12:10:00Z");
    o.profile = "dev";
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIASSO");
    REQUIRE(http.requests.size() == 2);
    CHECK(http.requests[0].url == "https://oidc.eu-west-1.amazonaws.com/token");
    CHECK(http.requests[0].body ==
          R"({"clientId":"CID","clientSecret":"CSECRET","grantType":"refresh_token","refreshToken":"RT1"})");
    CHECK(http.requests[1].headers[0].value == "AT2");
    CHECK(read(token_file) ==
          R"({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "AT2", )"
          R"("expiresAt": "2026-11-25T13:00:00Z", "clientId": "CID", "clientSecret": "CSECRET", )"
          R"("registrationExpiresAt": "2027-01-01T00:00:00Z", "refreshToken": "RT2"})");
  }
  SECTION("an expired token whose refresh fails is the one-line message") {
    write_token("2026-11-25T11:00:00Z");
    http.answer = [](const p::http_request&) { return p::http_response{400, R"({"error": "invalid_grant"})"}; };
    o.profile = "dev";
    CHECK(error_text([&] { p::resolve_credentials(o, t0); }) ==
          "the SSO session for profile 'dev' has expired; run: aws sso login --profile dev");
    CHECK(http.requests.size() == 1);  // the refresh attempt, no portal call
  }
  SECTION("the legacy form never refreshes") {
    dir.write(".aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json",
              R"({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "AT1", )"
              R"("expiresAt": "2026-11-25T12:05:00Z", "refreshToken": "RT1", "clientId": "C", "clientSecret": "S", )"
              R"("registrationExpiresAt": "2027-01-01T00:00:00Z"})");
    o.profile = "legacy";
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIASSO");
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].url.find("/federation/credentials") != std::string::npos);
  }
}

TEST_CASE("aws login: the DPoP proof and the refresh", "[caches][login]") {
  temp_dir dir;
  // openssl ecparam -name prime256v1 -genkey -noout (a throwaway key for this test)
  const std::string pem =
      "-----BEGIN EC PRIVATE KEY-----\n"
      "MHcCAQEEIIkFCAnnyKPNRMRl2T/EnnlGJ+UMnXGzp8H+ZjAPtEABoAoGCCqGSM49\n"
      "AwEHoUQDQgAEyCv9A3R13TbfsDvKfTP06K4rVGGNzphs0J4MB/eBga2Bj+Ob3t1N\n"
      "aXudz6daABiTCjJqGlbEDvQHtxkU4evttQ==\n"
      "-----END EC PRIVATE KEY-----\n";
  make_dirs(dir.path, ".aws/login/cache");
  const std::string file = dir.path + "/.aws/login/cache/" + p::login_cache_key("me") + ".json";
  const auto write_token = [&](const std::string& expires_at) {
    dir.write(".aws/login/cache/" + p::login_cache_key("me") + ".json",
              R"({"accessToken": {"accessKeyId": "ASIAOLD", "secretAccessKey": "OLDSECRET", "sessionToken": "OLDTOKEN", )"
              R"("accountId": "123456789012", "expiresAt": ")" + expires_at + R"("}, "tokenType": "aws_sigv4", )"
              R"("refreshToken": "RT1", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": )" +
                  p::python_json_string(pem) + "}");
  };
  const std::string config = dir.write("config", "[profile me]\nlogin_session = me\nregion = eu-west-1\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}});
  fake_transport http;
  http.answer = [](const p::http_request&) {
    return p::http_response{200, R"({"accessToken": {"accessKeyId": "ASIANEW", "secretAccessKey": "NEWSECRET", )"
                                 R"("sessionToken": "NEWTOKEN"}, "tokenType": "aws_sigv4", "expiresIn": 900, "refreshToken": "RT2"})"};
  };
  auto o = options_for(env);
  o.http = http.fn();
  o.profile = "me";
  SECTION("more than 5 minutes left: the cached credentials") {
    write_token("2026-11-25T12:10:00Z");
    CHECK(p::resolve_credentials(o, t0).creds.access_key_id == "ASIAOLD");
    CHECK(http.requests.empty());
  }
  SECTION("less: CreateOAuth2Token with a DPoP proof, the file rewritten in its own order") {
    write_token("2026-11-25T12:04:00Z");
    const auto r = p::resolve_credentials(o, t0);
    CHECK(r.creds.access_key_id == "ASIANEW");
    CHECK(r.source == "profile 'me' in " + config + " (aws login session me)");
    REQUIRE(http.requests.size() == 1);
    const auto& req = http.requests[0];
    CHECK(req.url == "https://eu-west-1.signin.aws.amazon.com/v1/token");
    CHECK(req.body == R"({"clientId":"arn:aws:signin:::devtools/same-device","grantType":"refresh_token","refreshToken":"RT1"})");
    REQUIRE(req.headers.size() == 2);
    CHECK(req.headers[1].name == "DPoP");
    const std::string& jwt = req.headers[1].value;
    const auto dot1 = jwt.find('.'), dot2 = jwt.find('.', dot1 + 1);
    REQUIRE(dot2 != std::string::npos);
    const auto b64 = [](std::string s) {
      for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
      while (s.size() % 4) s += '=';
      return *urlmint::base64_decode(s);
    };
    CHECK_THAT(b64(jwt.substr(0, dot1)), Catch::StartsWith(R"({"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":")"));
    CHECK_THAT(b64(jwt.substr(dot1 + 1, dot2 - dot1 - 1)),
               Catch::StartsWith(R"({"htm":"POST","htu":"https://eu-west-1.signin.aws.amazon.com/v1/token",)"
                                 R"("iat":1795608000,"jti":")"));
    CHECK(b64(jwt.substr(dot2 + 1)).size() == 64);  // r || s
    CHECK(read(file) ==
          R"({"accessToken": {"accessKeyId": "ASIANEW", "secretAccessKey": "NEWSECRET", "sessionToken": "NEWTOKEN", )"
          R"("accountId": "123456789012", "expiresAt": "2026-11-25T12:15:00Z"}, "tokenType": "aws_sigv4", )"
          R"("refreshToken": "RT2", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": )" +
              p::python_json_string(pem) + "}");
  }
}
