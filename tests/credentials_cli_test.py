#!/usr/bin/env python3
"""`urlmint s3 presign` finds credentials from every source as the AWS CLI does.

Each scenario runs the binary with a clean environment (temp shared files, endpoints on a
loopback fake server) and, where botocore is installed, asks botocore's resolver the same
question with the same environment: both must pick the same access key. Nothing here contacts
anything but 127.0.0.1; AWS_EC2_METADATA_DISABLED=true unless the test points IMDS at the fake.
"""
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from credential_test_support import Checks, botocore_key, key_of  # noqa: E402
from fake_metadata_server import SECRET, SESSION_TOKEN, FakeMetadataServer  # noqa: E402

CLI = sys.argv[1]
FILE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
check = Checks("credentials_cli_test")

try:
    import botocore.session  # noqa: F401
    HAVE_BOTOCORE = True
except ImportError:
    HAVE_BOTOCORE = False

def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


tmp = tempfile.TemporaryDirectory(prefix="urlmint-cred-cli-")
d = tmp.name


def write(name, text, mode=0o600):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


CREDS = write("credentials", f"""# shared credentials
[default]
aws_access_key_id = AKIAFILEDEFAULT
aws_secret_access_key = {FILE_SECRET}

[dev]
aws_access_key_id=AKIAFILEDEV
aws_secret_access_key={FILE_SECRET}
""")
SPACED = write("my proc.sh", "#!/bin/sh\n[ \"$#\" = 2 ] && [ \"$1\" = 'arg one' ] && [ \"$2\" = '$HOME' ] || exit 3\n"
               "printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIASPLIT\", "
               f"\"SecretAccessKey\": \"{FILE_SECRET}\"}}'\n", 0o700)
PROC = write("proc.sh", "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
             f"\"SecretAccessKey\": \"{FILE_SECRET}\"}}'\n", 0o700)
CONFIG = write("config", f"""[default]
region = us-west-2
[profile dev]
region = eu-central-1
[profile cfg]
; keys in the config file
AWS_ACCESS_KEY_ID = AKIACONFIG
aws_secret_access_key = {FILE_SECRET}
[profile proc]
credential_process = {PROC}
[profile split]
credential_process = "{SPACED}" 'arg one' '$HOME'
[profile chain]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = dev
[profile chain2]
role_arn = arn:aws:iam::123456789012:role/r2
source_profile = chain
""")
BAD = write("bad-credentials", f"[default]\naws_access_key_id AKIA\naws_secret_access_key = {FILE_SECRET}\n")
WEB_TOKEN = write("web-token", "fake-jwt-token")  # botocore sends the file as is: no newline
WRONG_WEB_TOKEN = write("wrong-web-token", "not-the-token\n")

BASE = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
BASE.update(HOME=d, AWS_EC2_METADATA_DISABLED="true", AWS_SHARED_CREDENTIALS_FILE=os.path.join(d, "none"),
            AWS_CONFIG_FILE=os.path.join(d, "none"))
FILES = dict(BASE, AWS_SHARED_CREDENTIALS_FILE=CREDS, AWS_CONFIG_FILE=CONFIG)
ENV_KEYS = dict(AWS_ACCESS_KEY_ID="AKIAENV", AWS_SECRET_ACCESS_KEY=FILE_SECRET)
NOW = ["--now", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())]


def run(env, extra=(), expires="600"):
    # Each scenario asks its source afresh: the AWS CLI's role cache (tests/role_cli_test.py) would
    # otherwise answer repeated role and web identity questions from ~/.aws/cli/cache.
    shutil.rmtree(os.path.join(d, ".aws", "cli"), ignore_errors=True)
    return subprocess.run([CLI, "s3", "presign", "s3://examplebucket/k", "--expires-in", expires] + NOW + list(extra),
                          env=env, capture_output=True, text=True, timeout=60)


def no_secrets(r):
    out = r.stdout + r.stderr
    return FILE_SECRET not in out and SECRET not in out and "FAKE-IMDS-TOKEN" not in out and \
        "fake-jwt-token" not in r.stderr and SESSION_TOKEN not in r.stderr


def expect_key(name, env, key, profile=None, extra=(), host=None):
    args = list(extra) + (["--profile", profile] if profile else [])
    r = run(env, args)
    got = key_of(r.stdout)
    check(name, r.returncode == 0 and got == key and no_secrets(r), f"exit {r.returncode}, key {got!r}, {r.stderr!r}")
    if host is not None:
        check(name + ": region", urllib.parse.urlsplit(r.stdout.strip()).netloc == host, r.stdout)
    if HAVE_BOTOCORE:
        b = botocore_key(env, profile)
        check(name + ": botocore agrees", b == key, f"botocore chose {b!r}, urlmint {got!r}")


def expect_error(name, env, contains, profile=None, max_seconds=None):
    start = time.monotonic()
    r = run(env, ["--profile", profile] if profile else [])
    elapsed = time.monotonic() - start
    lines = r.stderr.strip().splitlines()
    check(name, r.returncode == 1 and r.stdout == "" and len(lines) == 1 and contains in r.stderr and no_secrets(r),
          f"exit {r.returncode}, stderr {r.stderr!r}")
    if max_seconds is not None:
        check(name + f": within {max_seconds} s", elapsed < max_seconds, f"took {elapsed:.1f} s")


with FakeMetadataServer() as fake:
    # --- each source, and botocore's opinion of it ---
    expect_key("environment", dict(BASE, **ENV_KEYS), "AKIAENV")
    expect_key("default profile from the credentials file", FILES, "AKIAFILEDEFAULT", host="examplebucket.s3.us-west-2.amazonaws.com")
    expect_key("AWS_PROFILE picks the profile", dict(FILES, AWS_PROFILE="dev"), "AKIAFILEDEV",
               host="examplebucket.s3.eu-central-1.amazonaws.com")
    expect_key("environment beats AWS_PROFILE", dict(FILES, AWS_PROFILE="dev", **ENV_KEYS), "AKIAENV")
    expect_key("--profile beats the environment", dict(FILES, **ENV_KEYS), "AKIAFILEDEV", profile="dev")
    expect_key("[profile NAME] keys in the config file", FILES, "AKIACONFIG", profile="cfg")
    expect_key("credential_process", FILES, "AKIAPROC", profile="proc")
    expect_key("credential_process is split shell-style and run without a shell", FILES, "AKIASPLIT", profile="split")

    web = dict(FILES, AWS_WEB_IDENTITY_TOKEN_FILE=WEB_TOKEN, AWS_ROLE_ARN="arn:aws:iam::123456789012:role/app",
               AWS_ROLE_SESSION_NAME="urlmint-test", AWS_ENDPOINT_URL_STS=fake.url, AWS_REGION="us-east-1")
    expect_key("web identity beats the shared files", web, "ASIAFAKESTS")
    sts_calls = [r for r in fake.requests if r[0] == "POST"]
    check("web identity is one unsigned form POST", len(sts_calls) >= 1 and "authorization" not in sts_calls[0][2]
          and "RoleSessionName=urlmint-test" in sts_calls[0][3], repr(sts_calls[:1]))

    # role_arn + source_profile: a SigV4-signed AssumeRole, checked by the fake with botocore's signer.
    if HAVE_BOTOCORE:
        fake.secrets = {"AKIAFILEDEV": FILE_SECRET, "ASIAFAKEROLE": SECRET}
        roles = dict(FILES, AWS_ENDPOINT_URL_STS=fake.url, AWS_DEFAULT_REGION="eu-west-1")
        fake.verified_signatures = 0
        expect_key("role_arn + source_profile assumes the role", roles, "ASIAFAKEROLE", profile="chain")
        expect_key("a chain of two roles", roles, "ASIAFAKEROLE", profile="chain2")
        check("every AssumeRole signature verified (urlmint's and botocore's)", fake.verified_signatures == 6,
              str(fake.verified_signatures))
        fake.secrets = {}
        expect_error("a signature STS rejects names STS's code", roles, "STS refused: SignatureDoesNotMatch", profile="chain")

    fake.ecs_token = "Bearer fake-ecs-token"
    ecs = dict(BASE, AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.url + "/ecs/creds",
               AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer fake-ecs-token")
    expect_key("ECS container credentials", ecs, "ASIAFAKEECS")
    r = run(ecs)
    check("temporary credentials put the session token in the URL",
          urllib.parse.parse_qs(urllib.parse.urlsplit(r.stdout.strip()).query).get("X-Amz-Security-Token") == [SESSION_TOKEN],
          r.stdout)
    ecs_file = dict(ecs, AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong",
                    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=write("ecs-token", "Bearer fake-ecs-token"))
    expect_key("the ECS token file wins over the token variable", ecs_file, "ASIAFAKEECS")

    imds = dict(BASE, AWS_EC2_METADATA_DISABLED="false", AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.url + "/")
    del fake.requests[:]
    expect_key("EC2 instance metadata with IMDSv2", imds, "ASIAFAKEIMDS")
    mine = fake.requests[:3]
    check("IMDSv2: PUT a token with a TTL, then GET the role and its credentials with it",
          [(m, p) for m, p, _, _ in mine] == [("PUT", "/latest/api/token"),
                                              ("GET", "/latest/meta-data/iam/security-credentials/"),
                                              ("GET", "/latest/meta-data/iam/security-credentials/fake-instance-role")]
          and "x-aws-ec2-metadata-token-ttl-seconds" in mine[0][2]
          and mine[1][2].get("x-aws-ec2-metadata-token", "").startswith("FAKE-IMDS-TOKEN-"), repr(mine))
    try:
        urllib.request.urlopen(fake.url + "/latest/meta-data/iam/security-credentials/", timeout=5)
        status = 200
    except urllib.error.HTTPError as e:
        status = e.code
    check("the fake IMDS answers 401 without a token", status == 401, str(status))

    imds_cfg = write("imds-config", f"[default]\nec2_metadata_service_endpoint = {fake.url}/\n")
    imds_from_config = {k: v for k, v in imds.items() if k != "AWS_EC2_METADATA_SERVICE_ENDPOINT"}
    expect_key("ec2_metadata_service_endpoint in the config file", dict(imds_from_config, AWS_CONFIG_FILE=imds_cfg),
               "ASIAFAKEIMDS")
    expect_key("container credentials beat instance metadata", dict(imds, **{
        k: v for k, v in ecs.items() if k.startswith("AWS_CONTAINER")}), "ASIAFAKEECS")

    # --- presign vs the credentials' remaining life ---
    fake.expires_in = 900
    r = run(ecs, expires="3600")
    check("a presign longer than the credentials' life warns on stderr and still prints the URL",
          r.returncode == 0 and key_of(r.stdout) == "ASIAFAKEECS" and "X-Amz-Expires=3600" in r.stdout
          and r.stderr.startswith("urlmint s3 presign: warning: the URL asks for 3600 s but the temporary credentials "
                                  "expire at ") and no_secrets(r), r.stderr)
    r = run(ecs, expires="600")
    check("a presign within the credentials' life does not warn", r.returncode == 0 and r.stderr == "", r.stderr)
    fake.expires_in = -60
    expect_error("expired credentials from the endpoint are an error naming it", ecs,
                 f"container credentials ({fake.url}/ecs/creds): credentials expired at ")
    fake.expires_in = 3600

    # --- bad input: one clear line naming the source ---
    expect_error("a named profile that does not exist", FILES, f"profile 'nope' not found in {CREDS} or {CONFIG}",
                 profile="nope")
    expect_error("malformed INI names the file and line", dict(BASE, AWS_SHARED_CREDENTIALS_FILE=BAD),
                 f"config file {BAD} line 2: expected 'key = value'")
    expect_error("a wrong ECS authorization token", dict(ecs, AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer nope"),
                 f"container credentials ({fake.url}/ecs/creds): HTTP 401 (check the authorization token)")
    expect_error("a web identity token STS rejects", dict(web, AWS_WEB_IDENTITY_TOKEN_FILE=WRONG_WEB_TOKEN),
                 "STS refused: InvalidIdentityToken: Couldn't retrieve verification key")
    expect_error("an unreadable web identity token file",
                 dict(web, AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(d, "missing")), "cannot read the token file")
    dead = closed_port()
    expect_error("an unreachable instance metadata endpoint is listed in the report",
                 dict(imds, AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{dead}"),
                 f"EC2 instance metadata (http://127.0.0.1:{dead}): unreachable:", max_seconds=5)
    expect_error("a slow instance metadata endpoint times out quickly",
                 dict(imds, AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.url + "/slow"),
                 f"EC2 instance metadata ({fake.url}/slow): unreachable:", max_seconds=4.5)
    fake.imds_token_status = 403
    expect_error("a refused IMDSv2 token falls back to IMDSv1, whose 401 is reported", imds,
                 "HTTP 401: the instance requires IMDSv2 session tokens and none was issued")
    fake.imds_token_status = 200
    expect_error("nothing configured: the report lists every source tried", BASE,
                 "no credentials: tried environment (AWS_ACCESS_KEY_ID is not set), web identity "
                 "(AWS_WEB_IDENTITY_TOKEN_FILE is not set), profile 'default' (not in ")

tmp.cleanup()
sys.exit(check.finish("" if HAVE_BOTOCORE else " (botocore not installed: no differential checks)"))
