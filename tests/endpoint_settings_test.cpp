// AWS's standard endpoint settings (endpoint_settings.hpp) and credential_process command lines
// (credential_process.hpp). tests/endpoint_settings_botocore.py checks the same precedence
// against botocore through the CLI.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <urlmint/providers.hpp>

#include "providers_support.hpp"

using namespace test_support;

TEST_CASE("configured_endpoint follows botocore's order", "[endpoints]") {
  temp_dir dir;
  const std::string config = dir.write("config",
                                       "[default]\nendpoint_url = http://profile:1\nservices = mine\n"
                                       "[profile bare]\nregion = eu-west-1\n"
                                       "[profile ignoring]\nendpoint_url = http://profile:2\nignore_configured_endpoint_urls = True\n"
                                       "[profile dangling]\nservices = nope\n"
                                       "[services mine]\ns3 =\n  endpoint_url = http://services-s3:1\n"
                                       "sso_oidc =\n  endpoint_url = http://services-oidc:1\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}});
  const auto resolve = [&](const char* service, std::optional<std::string> flag = std::nullopt,
                           std::optional<std::string> profile = std::nullopt) {
    return p::configured_endpoint(service, flag, profile, env.fn()).value_or("(none)");
  };
  CHECK(resolve("s3") == "http://services-s3:1");
  CHECK(resolve("sso-oidc") == "http://services-oidc:1");
  CHECK(resolve("sts") == "http://profile:1");  // no sts key in the section: the profile's endpoint_url
  CHECK(resolve("s3", "http://flag:1") == "http://flag:1");
  CHECK(resolve("s3", std::nullopt, "bare") == "(none)");
  env.vars["AWS_ENDPOINT_URL"] = "http://global-env:1";
  CHECK(resolve("s3") == "http://global-env:1");  // the environment beats the services section
  env.vars["AWS_ENDPOINT_URL_SSO_OIDC"] = "http://oidc-env:1";
  CHECK(resolve("sso-oidc") == "http://oidc-env:1");
  CHECK(resolve("s3", std::nullopt, "ignoring") == "(none)");
  env.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false";
  CHECK(resolve("s3", std::nullopt, "ignoring") == "http://global-env:1");
  env.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  CHECK(resolve("s3") == "(none)");
  CHECK(resolve("s3", "http://flag:1") == "http://flag:1");  // --endpoint-url is never ignored
  env.vars.erase("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  env.vars.erase("AWS_ENDPOINT_URL");
  CHECK(error_text([&] { resolve("s3", std::nullopt, "dangling"); }) ==
        "profile 'dangling' has services = nope but " + config +
            " has no [services nope] section; add it or remove the setting");
}

TEST_CASE("sts_regional_endpoints and the STS endpoint", "[endpoints]") {
  temp_dir dir;
  const std::string config = dir.write("config", "[default]\nsts_regional_endpoints = legacy\n"
                                                 "[profile bad]\nsts_regional_endpoints = global\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}});
  const auto files = p::load_shared_files(env.fn());
  const auto sts = [&](const char* region, const char* profile = "default") {
    const auto e = p::sts_service_endpoint(region, files, profile, env.fn());
    return e.url + " " + e.signing_region;
  };
  // The same table tests/endpoint_settings_botocore.py asks botocore about.
  CHECK(sts("eu-west-1") == "https://sts.amazonaws.com us-east-1");
  CHECK(sts("us-east-1") == "https://sts.amazonaws.com us-east-1");
  CHECK(sts("af-south-1") == "https://sts.af-south-1.amazonaws.com af-south-1");
  env.vars["AWS_STS_REGIONAL_ENDPOINTS"] = "regional";
  CHECK(sts("eu-west-1") == "https://sts.eu-west-1.amazonaws.com eu-west-1");
  CHECK(sts("cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn cn-north-1");
  env.vars.erase("AWS_STS_REGIONAL_ENDPOINTS");
  CHECK(error_text([&] { sts("eu-west-1", "bad"); }) ==
        "sts_regional_endpoints \"global\" is not valid; use legacy or regional");
  env.vars["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9/";
  CHECK(sts("eu-west-1") == "http://127.0.0.1:9 eu-west-1");
}

TEST_CASE("the instance metadata endpoint comes from the environment or the profile", "[endpoints]") {
  temp_dir dir;
  const std::string config = dir.write("config", "[default]\nec2_metadata_service_endpoint = http://127.0.0.1:7/\n"
                                                 "ec2_metadata_v1_disabled = true\n"
                                                 "[profile six]\nec2_metadata_service_endpoint_mode = IPv6\n");
  fake_env env(dir, {{"AWS_CONFIG_FILE", config}, {"AWS_EC2_METADATA_DISABLED", "false"}});
  const auto files = p::load_shared_files(env.fn());
  auto c = p::imds_settings(files, "default", env.fn());
  REQUIRE(c);
  CHECK(c->endpoint == "http://127.0.0.1:7");
  CHECK(c->v1_disabled);
  CHECK(p::imds_settings(files, "six", env.fn())->endpoint == "http://[fd00:ec2::254]");
  env.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:8";
  CHECK(p::imds_settings(files, "default", env.fn())->endpoint == "http://127.0.0.1:8");
  env.vars["AWS_EC2_METADATA_DISABLED"] = "true";
  CHECK_FALSE(p::imds_settings(files, "default", env.fn()));
}

TEST_CASE("credential_process command lines split as shlex.split does", "[process]") {
  using words = std::vector<std::string>;
  CHECK(*p::split_command_line("aws configure export-credentials --format process") ==
        words{"aws", "configure", "export-credentials", "--format", "process"});
  CHECK(*p::split_command_line("'/opt/my tools/get creds' --x=\"a b\" c\\ d") ==
        words{"/opt/my tools/get creds", "--x=a b", "c d"});
  CHECK(*p::split_command_line(R"("a\"b\\c\d" 'x\y' '' e"f"g)") == words{"a\"b\\c\\d", "x\\y", "", "efg"});
  CHECK(*p::split_command_line("  one\ttwo  ") == words{"one", "two"});
  CHECK(*p::split_command_line("echo $HOME | cat #x") == words{"echo", "$HOME", "|", "cat", "#x"});  // no shell
  CHECK_FALSE(p::split_command_line("'unclosed"));
  CHECK_FALSE(p::split_command_line("trailing\\"));
  SECTION("run_command runs the program directly") {
    temp_dir dir;
    const auto r = p::run_command("printf '%s|%s' 'a b' '$HOME'");
    CHECK(r.exit_status == 0);
    CHECK(r.output == "a b|$HOME");
    CHECK(p::run_command("false").exit_status == 1);
    CHECK_THAT(error_text([&] { p::run_command("/nonexistent/program --flag secret"); }),
               Catch::Equals("credential_process: cannot run \"/nonexistent/program\": No such file or directory; "
                             "check that it exists, is on PATH and is executable"));
    CHECK_THAT(error_text([&] { p::run_command("a 'b"); }), Catch::Contains("unclosed quote"));
  }
}
