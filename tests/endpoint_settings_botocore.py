#!/usr/bin/env python3
"""AWS's standard endpoint settings: `urlmint s3 presign --now ...` against botocore.

For each setting (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, a [services NAME] section, a profile's
endpoint_url, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls, --endpoint-url)
and their combinations, urlmint and botocore's generate_presigned_url sign the same GET with a
frozen clock; the URLs must be identical (query order aside). botocore also answers which STS
endpoint sts_regional_endpoints selects, for the table providers_test.cpp checks. Offline: no
request is sent anywhere.
"""
import os
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from credential_test_support import Checks, clean_env  # noqa: E402

CLI = sys.argv[1]
NOW_FLAG = "20260301T123456Z"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
check = Checks("endpoint_settings_botocore")

BOTOCORE = r"""
import datetime, sys
from unittest import mock
import botocore.auth, botocore.session
from botocore.config import Config
profile, endpoint, style = sys.argv[1] or None, sys.argv[2] or None, sys.argv[3] or None
try:
    s = botocore.session.Session(profile=profile)
    cfg = Config(signature_version="s3v4", s3={"addressing_style": style} if style else {})
    c = s.create_client("s3", region_name="us-west-2", endpoint_url=endpoint, config=cfg)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=datetime.datetime(2026, 3, 1, 12, 34, 56)):
        print(c.generate_presigned_url("get_object", Params={"Bucket": "examplebucket", "Key": "k"}, ExpiresIn=600))
except Exception as e:
    print("ERROR " + type(e).__name__)
"""

RULES = r"""
import sys, botocore.session
s = botocore.session.Session()
service, operation = sys.argv[1], sys.argv[2]
for region in sys.argv[3:]:
    c = s.create_client(service, region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
    print(region, c._ruleset_resolver.construct_endpoint(c.meta.service_model.operation_model(operation), {}, {}).url)
"""


def same_url(a, b):
    pa, pb = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return ((pa.scheme, pa.netloc, pa.path) == (pb.scheme, pb.netloc, pb.path)
            and sorted(pa.query.split("&")) == sorted(pb.query.split("&")))


tmp = tempfile.TemporaryDirectory(prefix="urlmint-endpoints-")
d = tmp.name
CONFIG = os.path.join(d, "config")
CREDS = os.path.join(d, "credentials")
KEYS = f"aws_access_key_id = AKIDENDPOINTS\naws_secret_access_key = {SECRET}\n"
with open(CONFIG, "w") as f:
    f.write(f"""[default]
{KEYS}
[profile svc]
{KEYS}services = local
[profile svc-and-url]
{KEYS}services = local
endpoint_url = http://127.0.0.1:9002
[profile url]
{KEYS}endpoint_url = http://127.0.0.1:9003
[profile sts-only]
{KEYS}services = sts-only
endpoint_url = http://127.0.0.1:9004
[profile ignored]
{KEYS}endpoint_url = http://127.0.0.1:9005
ignore_configured_endpoint_urls = true
[profile dangling]
{KEYS}services = missing
[profile from-creds-file]
{KEYS}
[services local]
s3 =
  endpoint_url = http://127.0.0.1:9001
  addressing_style = path
sts =
  endpoint_url = http://127.0.0.1:9999
[services sts-only]
sts =
  endpoint_url = http://127.0.0.1:9998
""")
with open(CREDS, "w") as f:
    f.write("[from-creds-file]\nendpoint_url = http://127.0.0.1:9006\n")

BASE = clean_env(HOME=d, AWS_CONFIG_FILE=CONFIG, AWS_SHARED_CREDENTIALS_FILE=CREDS)

# (name, extra environment, profile, --endpoint-url, addressing style, the host urlmint must use)
CASES = [
    ("no setting: AWS's endpoint", {}, None, None, "virtual", "examplebucket.s3.us-west-2.amazonaws.com"),
    ("AWS_ENDPOINT_URL_S3", {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100"}, None, None, "path", "127.0.0.1:9100"),
    ("AWS_ENDPOINT_URL", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9101"}, None, None, "path", "127.0.0.1:9101"),
    ("AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL",
     {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100", "AWS_ENDPOINT_URL": "http://127.0.0.1:9101"}, None, None, "path",
     "127.0.0.1:9100"),
    ("[services NAME] s3 endpoint_url", {}, "svc", None, "path", "127.0.0.1:9001"),
    ("profile endpoint_url", {}, "url", None, "path", "127.0.0.1:9003"),
    ("the services section beats the profile's endpoint_url", {}, "svc-and-url", None, "path", "127.0.0.1:9001"),
    ("a services section without s3 falls back to endpoint_url", {}, "sts-only", None, "path", "127.0.0.1:9004"),
    ("AWS_ENDPOINT_URL beats the services section", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9101"}, "svc", None,
     "path", "127.0.0.1:9101"),
    ("AWS_ENDPOINT_URL_S3 beats the profile", {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100"}, "svc-and-url", None,
     "path", "127.0.0.1:9100"),
    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores them all",
     {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100"}, "svc-and-url",
     None, "virtual", "examplebucket.s3.us-west-2.amazonaws.com"),
    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE (any case)", {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"}, "url",
     None, "virtual", "examplebucket.s3.us-west-2.amazonaws.com"),
    ("ignore_configured_endpoint_urls = true in the profile", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9101"}, "ignored",
     None, "virtual", "examplebucket.s3.us-west-2.amazonaws.com"),
    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile's true",
     {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}, "ignored", None, "path", "127.0.0.1:9005"),
    ("--endpoint-url beats everything", {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100"}, "svc", "http://127.0.0.1:9200",
     "path", "127.0.0.1:9200"),
    ("--endpoint-url is not ignored", {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, None, "http://127.0.0.1:9200",
     "path", "127.0.0.1:9200"),
    ("AWS_PROFILE picks the profile's services", {"AWS_PROFILE": "svc"}, None, None, "path", "127.0.0.1:9001"),
    ("endpoint_url in the credentials file's profile", {}, "from-creds-file", None, "path", "127.0.0.1:9006"),
    ("an IP endpoint with auto addressing", {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9100"}, None, None, None,
     "127.0.0.1:9100"),
]

for name, extra, profile, flag, style, host in CASES:
    env = dict(BASE, **extra)
    args = [CLI, "s3", "presign", "s3://examplebucket/k", "--expires-in", "600", "--region", "us-west-2",
            "--now", NOW_FLAG]
    if profile:
        args += ["--profile", profile]
    if flag:
        args += ["--endpoint-url", flag]
    if style:
        args += ["--addressing-style", style]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    ours = r.stdout.strip()
    check(name + ": urlmint host", r.returncode == 0 and urllib.parse.urlsplit(ours).netloc == host,
          f"exit {r.returncode}, {ours!r}, {r.stderr!r}")
    b = subprocess.run([sys.executable, "-c", BOTOCORE, profile or "", flag or "", style or ""], env=env,
                       capture_output=True, text=True, timeout=60)
    theirs = b.stdout.strip()
    check(name + ": equals botocore's generate_presigned_url", same_url(ours, theirs),
          f"\n  urlmint:  {ours}\n  botocore: {theirs} {b.stderr[-300:]}")

# A profile naming a services section that does not exist: both refuse.
r = subprocess.run([CLI, "s3", "presign", "s3://examplebucket/k", "--profile", "dangling", "--now", NOW_FLAG],
                   env=BASE, capture_output=True, text=True, timeout=60)
check("a missing services section is one line, exit 1",
      r.returncode == 1 and r.stdout == "" and len(r.stderr.splitlines()) == 1 and
      f"profile 'dangling' has services = missing but {CONFIG} has no [services missing] section" in r.stderr, r.stderr)
b = subprocess.run([sys.executable, "-c", BOTOCORE, "dangling", "", "path"], env=BASE, capture_output=True, text=True)
check("botocore refuses it too", b.stdout.strip() == "ERROR InvalidConfigError", b.stdout)

# sts_regional_endpoints: the table providers_test.cpp checks, asked of botocore.
EXPECTED_STS = {
    ("regional", "eu-west-1"): "https://sts.eu-west-1.amazonaws.com",
    ("legacy", "eu-west-1"): "https://sts.amazonaws.com",
    ("legacy", "us-east-1"): "https://sts.amazonaws.com",
    ("legacy", "af-south-1"): "https://sts.af-south-1.amazonaws.com",
    ("regional", "us-east-1"): "https://sts.us-east-1.amazonaws.com",
    ("regional", "cn-north-1"): "https://sts.cn-north-1.amazonaws.com.cn",
}
for mode in ("regional", "legacy"):
    regions = sorted({r for m, r in EXPECTED_STS if m == mode})
    b = subprocess.run([sys.executable, "-c", RULES, "sts", "AssumeRole"] + regions,
                       env=dict(BASE, AWS_STS_REGIONAL_ENDPOINTS=mode),
                       capture_output=True, text=True, timeout=60)
    got = dict(line.split() for line in b.stdout.splitlines())
    for region in regions:
        check(f"botocore's STS endpoint for {mode} {region}", got.get(region) == EXPECTED_STS[(mode, region)],
              f"{got.get(region)!r} {b.stderr[-200:]}")

# The SSO portal, SSO-OIDC and Sign-In hosts urlmint uses (sso.hpp, aws_login.hpp), asked of botocore's
# endpoint rules for the operation urlmint calls.
OPERATIONS = {"sso": "GetRoleCredentials", "sso-oidc": "CreateToken", "signin": "CreateOAuth2Token"}
EXPECTED_HOSTS = {
    "sso": {"eu-west-1": "https://portal.sso.eu-west-1.amazonaws.com",
            "cn-north-1": "https://portal.sso.cn-north-1.amazonaws.com.cn"},
    "sso-oidc": {"eu-west-1": "https://oidc.eu-west-1.amazonaws.com",
                 "cn-north-1": "https://oidc.cn-north-1.amazonaws.com.cn"},
    "signin": {"eu-west-1": "https://eu-west-1.signin.aws.amazon.com",
               "cn-north-1": "https://cn-north-1.signin.amazonaws.cn",
               "us-gov-west-1": "https://us-gov-west-1.signin.amazonaws-us-gov.com"},
}
for service, table in EXPECTED_HOSTS.items():
    b = subprocess.run([sys.executable, "-c", RULES, service, OPERATIONS[service]] + sorted(table), env=BASE,
                       capture_output=True, text=True, timeout=60)
    got = dict(line.split() for line in b.stdout.splitlines())
    for region, url in table.items():
        check(f"botocore's {service} endpoint for {region}", got.get(region) == url, f"{got.get(region)!r} {b.stderr[-200:]}")

tmp.cleanup()
sys.exit(check.finish())
