#!/usr/bin/env python3
"""Assumed roles through `urlmint s3 presign`: the AWS CLI's role cache and MFA, botocore as oracle.

The fake STS (tests/fake_metadata_server.py) verifies every AssumeRole signature with botocore's
signer and, for MFA profiles, the SerialNumber and TokenCode. HOME is a temp directory; the role
cache is ~/.aws/cli/cache, shared with botocore configured as the AWS CLI configures it
(JSONFileCache on the assume-role and web-identity providers). The MFA prompt is answered through
a pseudo-terminal that is the process's controlling terminal, as a person at a terminal would.
Nothing here contacts anything but 127.0.0.1.
"""
import fcntl
import hashlib
import json
import os
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import termios
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from credential_test_support import Checks, clean_env, key_of  # noqa: E402
from fake_metadata_server import SECRET, SESSION_TOKEN, FakeMetadataServer  # noqa: E402

CLI = sys.argv[1]
FILE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SERIAL = "arn:aws:iam::123456789012:mfa/me"
check = Checks("role_cli_test")

# botocore as the AWS CLI sets it up (awscli/customizations/assumerole.py).
BOTOCORE = r"""
import os, sys, botocore.session
from botocore.credentials import JSONFileCache
s = botocore.session.Session(profile=sys.argv[1] or None)
chain = s.get_component("credential_provider")
for name in ("assume-role", "assume-role-with-web-identity"):
    chain.get_provider(name).cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
try:
    print(s.get_credentials().get_frozen_credentials().access_key)
except Exception as e:
    print("ERROR " + type(e).__name__ + " " + str(e).replace("\n", " "))
"""


def cache_key(args):
    """botocore's BaseAssumeRoleCredentialFetcher._create_cache_key."""
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


home = tempfile.mkdtemp(prefix="urlmint-roles-")
CACHE = os.path.join(home, ".aws", "cli", "cache")
os.makedirs(os.path.join(home, ".aws"))
with open(os.path.join(home, ".aws", "credentials"), "w") as f:
    f.write(f"[dev]\naws_access_key_id = AKIAFILEDEV\naws_secret_access_key = {FILE_SECRET}\n")
with open(os.path.join(home, ".aws", "config"), "w") as f:
    f.write(f"""[profile bare]
role_arn = arn:aws:iam::123456789012:role/bare
source_profile = dev
[profile full]
role_arn = arn:aws:iam::123456789012:role/full
source_profile = dev
role_session_name = s-full
external_id = ext-\u00e9
duration_seconds = 1800
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfa
source_profile = dev
mfa_serial = {SERIAL}
[profile mfa-botocore]
role_arn = arn:aws:iam::123456789012:role/mfa-botocore
source_profile = dev
mfa_serial = {SERIAL}
[profile mfa-wrong]
role_arn = arn:aws:iam::123456789012:role/mfa-wrong
source_profile = dev
mfa_serial = {SERIAL}
""")
WEB_TOKEN = os.path.join(home, "web-token")
with open(WEB_TOKEN, "w") as f:
    f.write("fake-jwt-token")


def environment(fake, **extra):
    return clean_env(HOME=home, AWS_ENDPOINT_URL_STS=fake.url, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                     **extra)


def presign(env, profile=None, **kw):
    args = [CLI, "s3", "presign", "s3://examplebucket/k", "--expires-in", "600"] + (["--profile", profile] if profile else [])
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, **kw)


def botocore(env, profile):
    return subprocess.run([sys.executable, "-c", BOTOCORE, profile], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def with_terminal(argv, env, answer):
    """Runs argv with a pseudo-terminal as its controlling terminal (stdin, stdout and stderr are
    not the terminal), answers the first prompt with `answer`, returns (exit, stdout, stderr,
    everything the terminal showed)."""
    master, slave = os.openpty()

    def take_terminal():
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True, preexec_fn=take_terminal, pass_fds=(slave,))
    os.close(slave)
    shown, answered, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            if not answered and shown.endswith(b": "):
                os.write(master, answer.encode() + b"\n")
                answered = True
        elif p.poll() is not None:
            break
    out, err = p.communicate(timeout=60)
    os.close(master)
    return p.returncode, out.decode(), err.decode(), shown.decode(errors="replace")


with FakeMetadataServer() as fake:
    fake.secrets = {"AKIAFILEDEV": FILE_SECRET}
    fake.number_role_keys = True
    env = environment(fake)

    # --- urlmint writes, urlmint and botocore read ---
    r1 = presign(env, "bare")
    calls = fake.assume_role_calls
    r2 = presign(env, "bare")
    check("a second run makes no STS call", r1.returncode == 0 and r2.returncode == 0 and calls == 1 and
          fake.assume_role_calls == 1 and key_of(r1.stdout) == key_of(r2.stdout) == "ASIAFAKEROLE1",
          f"{calls} {fake.assume_role_calls} {r1.stderr!r} {r2.stderr!r}")
    bare = os.path.join(CACHE, cache_key({"RoleArn": "arn:aws:iam::123456789012:role/bare"}) + ".json")
    check("the cache file is named with botocore's key (no generated session name) and is 0600",
          os.path.isfile(bare) and stat.S_IMODE(os.stat(bare).st_mode) == 0o600, repr(os.listdir(CACHE)))
    check("botocore (as the AWS CLI) uses urlmint's file", botocore(env, "bare") == "ASIAFAKEROLE1" and
          fake.assume_role_calls == 1, f"{fake.assume_role_calls}")

    # --- botocore writes, urlmint reads ---
    b = botocore(env, "full")
    full = os.path.join(CACHE, cache_key({"RoleArn": "arn:aws:iam::123456789012:role/full", "RoleSessionName": "s-full",
                                          "ExternalId": "ext-\u00e9", "DurationSeconds": 1800}) + ".json")
    check("botocore wrote the file we expect", b == "ASIAFAKEROLE2" and os.path.isfile(full), f"{b} {os.listdir(CACHE)}")
    r = presign(env, "full")
    check("a cache file written by botocore is used: no STS call", r.returncode == 0 and
          key_of(r.stdout) == "ASIAFAKEROLE2" and fake.assume_role_calls == 2, f"{fake.assume_role_calls} {r.stderr!r}")
    theirs = json.load(open(full))
    mine = json.load(open(bare))
    check("the layout is botocore's: Credentials (+AccountId), Expiration in JSONFileCache's format",
          set(mine["Credentials"]) == set(theirs["Credentials"]) and mine["Credentials"]["Expiration"].endswith("UTC")
          and theirs["Credentials"]["Expiration"].endswith("UTC")
          and mine["Credentials"]["AccountId"] == theirs["Credentials"]["AccountId"] == "123456789012"
          and mine["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::123456789012:assumed-role/bare/"),
          f"\n  urlmint:  {mine}\n  botocore: {theirs}")

    # --- a corrupt or foreign file is ignored, never fatal ---
    for junk in ("{not json", json.dumps({"Credentials": {"AccessKeyId": 1}}), json.dumps([1, 2])):
        with open(full, "w") as f:
            f.write(junk)
        before = fake.assume_role_calls
        r = presign(env, "full")
        check(f"a corrupt cache file ({junk[:20]!r}) is ignored and replaced", r.returncode == 0 and
              fake.assume_role_calls == before + 1 and "Credentials" in json.load(open(full)), r.stderr)

    # --- web identity shares the cache too ---
    web = environment(fake, AWS_WEB_IDENTITY_TOKEN_FILE=WEB_TOKEN, AWS_ROLE_ARN="arn:aws:iam::123456789012:role/web",
                      AWS_ROLE_SESSION_NAME="web-session")
    posts = len([q for q in fake.requests if q[0] == "POST"])
    r1, r2 = presign(web), presign(web)
    web_posts = len([q for q in fake.requests if q[0] == "POST"]) - posts
    check("web identity: a second run makes no STS call", r1.returncode == 0 and r2.returncode == 0 and web_posts == 1 and
          key_of(r2.stdout) == "ASIAFAKESTS", f"{web_posts} {r1.stderr!r}")
    check("web identity: botocore (as the AWS CLI) uses that file",
          botocore(web, "") == "ASIAFAKESTS" and
          len([q for q in fake.requests if q[0] == "POST"]) - posts == 1)

    # --- MFA: the prompt on the terminal, the code reaching STS ---
    fake.mfa = (SERIAL, "975310")
    prompt = f"Enter MFA code for {SERIAL}: "
    before = fake.assume_role_calls
    code, out, err, shown = with_terminal([CLI, "s3", "presign", "s3://examplebucket/k", "--profile", "mfa"], env, "975310")
    check("the MFA prompt is the AWS CLI's, on the terminal", shown.startswith(prompt) and shown.count(prompt) == 1,
          repr(shown))
    check("the code is not echoed", "975310" not in shown, repr(shown))
    check("the code reaches STS with the serial (the fake checks both) and the URL is signed with the role",
          code == 0 and fake.assume_role_calls == before + 1 and key_of(out).startswith("ASIAFAKEROLE"), f"{code} {err!r}")
    mfa_call = [q for q in fake.requests if q[0] == "POST" and "role%2Fmfa&" in q[3]][-1]
    form = urllib.parse.parse_qs(mfa_call[3])
    check("SerialNumber and TokenCode are in the signed AssumeRole form",
          form.get("SerialNumber") == [SERIAL] and form.get("TokenCode") == ["975310"], repr(form))
    r = presign(env, "mfa", start_new_session=True)
    check("the cached MFA session needs no prompt (and no terminal) on the next run", r.returncode == 0 and
          fake.assume_role_calls == before + 1, r.stderr)
    code, out, err, shown = with_terminal([sys.executable, "-c", BOTOCORE, "mfa-botocore"], env, "975310")
    check("botocore asks with the same words", shown.startswith(prompt) and out.startswith("ASIAFAKEROLE"),
          f"{shown!r} {out!r}")
    code, out, err, shown = with_terminal([CLI, "s3", "presign", "s3://examplebucket/k", "--profile", "mfa-wrong"], env,
                                          "000000")
    check("a wrong code is STS's one-line refusal", code == 1 and out == "" and len(err.splitlines()) == 1 and
          "STS refused: AccessDenied: MultiFactorAuthentication failed" in err, repr(err))
    r = presign(env, "mfa-wrong", start_new_session=True)
    check("no terminal: one line, exit 1", r.returncode == 1 and r.stdout == "" and r.stderr ==
          f"urlmint s3 presign: profile 'mfa-wrong' in {home}/.aws/config: the role needs an MFA code from {SERIAL} "
          "(mfa_serial) but there is no terminal to ask on; run urlmint in a terminal, or use credentials from "
          "'aws sts get-session-token' meanwhile\n", repr(r.stderr))
    for r in (r1, r2):
        check("no secrets printed", FILE_SECRET not in r.stdout + r.stderr and SECRET not in r.stdout + r.stderr and
              SESSION_TOKEN not in r.stderr)

shutil.rmtree(home, ignore_errors=True)
sys.exit(check.finish())
