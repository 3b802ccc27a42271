#!/usr/bin/env python3
"""IAM Identity Center (SSO) profiles through `urlmint s3 presign`, with botocore as the oracle.

A loopback fake (tests/fake_sso_server.py) plays the SSO portal and SSO-OIDC; HOME is a temp
directory holding the AWS CLI's token cache (~/.aws/sso/cache/<sha1>.json). Both profile forms
must give a URL signed with the portal's credentials (checked with `urlmint s3 verify`); a token
near expiry is refreshed through SSO-OIDC and the cache file rewritten exactly as botocore
rewrites it; expired or refused sessions are one line saying what to run. Nothing here contacts
anything but 127.0.0.1.
"""
import datetime
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from credential_test_support import Checks, botocore_key, clean_env, iso, query  # noqa: E402
from fake_sso_server import SSO_SECRET, SSO_SESSION_TOKEN, FakeSsoServer  # noqa: E402

CLI = sys.argv[1]
START_URL = "https://corp.awsapps.com/start"
check = Checks("sso_cli_test")


CONFIG = f"""[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-west-2
[profile refused]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
[profile legacy]
sso_start_url = {START_URL}
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
[sso-session corp]
sso_start_url = {START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"""


def new_home():
    home = tempfile.mkdtemp(prefix="urlmint-sso-")
    os.makedirs(os.path.join(home, ".aws", "sso", "cache"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(CONFIG)
    return home


def token_path(home, name):
    return os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(name.encode()).hexdigest() + ".json")


def write_token(home, name, **fields):
    with open(token_path(home, name), "w") as f:
        json.dump(fields, f)


def session_token(expires_in, refresh=True, access="sso-access-token-1"):
    t = {"startUrl": START_URL, "region": "eu-west-1", "accessToken": access, "expiresAt": iso(expires_in)}
    if refresh:
        t.update(clientId="client-id-1", clientSecret="client-secret-1", registrationExpiresAt=iso(90 * 86400),
                 refreshToken="refresh-token-1")
    return t


def environment(home, fake):
    return clean_env(HOME=home, AWS_ENDPOINT_URL_SSO=fake.url, AWS_ENDPOINT_URL_SSO_OIDC=fake.url)


def presign(env, profile):
    return subprocess.run([CLI, "s3", "presign", "s3://examplebucket/k", "--expires-in", "600", "--profile", profile],
                          env=env, capture_output=True, text=True, timeout=60)


def no_secrets(r):
    out = r.stdout + r.stderr
    return SSO_SECRET not in out and SSO_SESSION_TOKEN not in r.stderr and "sso-access-token" not in out and \
        "refresh-token" not in out and "client-secret" not in out


def signed_by_portal(name, r):
    url = r.stdout.strip()
    q = query(url)
    check(name + ": key and token are the portal's", r.returncode == 0 and
          q.get("X-Amz-Credential", [""])[0].startswith("ASIAFAKESSO/") and
          q.get("X-Amz-Security-Token") == [SSO_SESSION_TOKEN] and no_secrets(r), f"{r.returncode} {r.stderr!r}")
    env = clean_env(AWS_ACCESS_KEY_ID="ASIAFAKESSO", AWS_SECRET_ACCESS_KEY=SSO_SECRET, AWS_SESSION_TOKEN=SSO_SESSION_TOKEN)
    region = (q.get("X-Amz-Credential", [""])[0].split("/") + ["", "", ""])[2]
    v = subprocess.run([CLI, "s3", "verify", url, "--region", region] if url else ["false"], env=env,
                       capture_output=True, text=True, timeout=60)
    check(name + ": the signature verifies with the portal's secret", v.returncode == 0, v.stderr)


def expect_error(name, env, profile, line):
    r = presign(env, profile)
    check(name, r.returncode == 1 and r.stdout == "" and r.stderr == f"urlmint s3 presign: {line}\n" and no_secrets(r),
          f"exit {r.returncode}, stderr {r.stderr!r}")


homes = []
with FakeSsoServer() as fake:
    # --- both profile forms, against the portal ---
    home = new_home()
    homes.append(home)
    env = environment(home, fake)
    write_token(home, "corp", **session_token(3600))
    write_token(home, START_URL, **session_token(3600, refresh=False))
    before = len(fake.calls("/federation"))
    r = presign(env, "dev")
    signed_by_portal("sso_session profile", r)
    call = fake.calls("/federation")[before]
    check("GetRoleCredentials: GET with role_name, account_id and the bearer token",
          call[0] == "GET" and call[1] == "/federation/credentials?role_name=ReadOnly&account_id=123456789012"
          and call[2].get("x-amz-sso_bearer_token") == "sso-access-token-1", repr(call[:2]))
    check("sso_session profile: botocore agrees", botocore_key(env, "dev") == "ASIAFAKESSO")
    r = presign(env, "legacy")
    signed_by_portal("legacy sso_start_url profile", r)
    check("legacy profile: botocore agrees", botocore_key(env, "legacy") == "ASIAFAKESSO")
    check("a token that is not near expiry is not refreshed", fake.calls("/token") == [], repr(fake.calls("/token")))

    # --- a token near expiry: refreshed through SSO-OIDC, the cache file rewritten as botocore does ---
    mine, theirs = new_home(), new_home()
    homes += [mine, theirs]
    for h in (mine, theirs):
        write_token(h, "corp", **session_token(300))
    r = presign(environment(mine, fake), "dev")
    signed_by_portal("a token expiring in 5 minutes", r)
    refresh = fake.calls("/token")
    check("CreateToken: refresh_token grant with the cached registration", len(refresh) == 1 and
          json.loads(refresh[0][3]) == {"clientId": "client-id-1", "clientSecret": "client-secret-1",
                                        "grantType": "refresh_token", "refreshToken": "refresh-token-1"},
          repr(refresh))
    check("the portal is then asked with the new token",
          fake.calls("/federation")[-1][2].get("x-amz-sso_bearer_token") == "access-from-refresh-token-1")
    check("botocore refreshes the same file", botocore_key(environment(theirs, fake), "dev") == "ASIAFAKESSO")
    ours_text = open(token_path(mine, "corp")).read()
    theirs_text = open(token_path(theirs, "corp")).read()
    strip = re.compile(r'"expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')
    check("the rewritten cache file is byte for byte botocore's (expiresAt aside)",
          strip.sub("X", ours_text) == strip.sub("X", theirs_text), f"\n  urlmint:  {ours_text}\n  botocore: {theirs_text}")
    ours_exp = json.loads(ours_text)["expiresAt"]
    theirs_exp = json.loads(theirs_text)["expiresAt"]
    delta = abs((datetime.datetime.strptime(ours_exp, "%Y-%m-%dT%H:%M:%SZ") -
                 datetime.datetime.strptime(theirs_exp, "%Y-%m-%dT%H:%M:%SZ")).total_seconds())
    check("expiresAt is now + expiresIn in both", delta < 120, f"{ours_exp} vs {theirs_exp}")
    mode = stat.S_IMODE(os.stat(token_path(mine, "corp")).st_mode)
    check("the rewritten file is 0600 and no temporary file is left",
          mode == 0o600 and os.listdir(os.path.dirname(token_path(mine, "corp"))) ==
          [os.path.basename(token_path(mine, "corp"))], f"{oct(mode)} {os.listdir(os.path.dirname(token_path(mine, 'corp')))}")
    r = presign(environment(mine, fake), "dev")
    check("the AWS CLI's next run reads the refreshed file (no second refresh)",
          r.returncode == 0 and len(fake.calls("/token")) == 2, f"{len(fake.calls('/token'))} {r.stderr!r}")

    # --- what cannot work says what to run ---
    expired = "the SSO session for profile '{0}' has expired; run: aws sso login --profile {0}"
    write_token(home, "corp", **session_token(-60, refresh=False))
    expect_error("an expired token without a refresh token", env, "dev", expired.format("dev"))
    write_token(home, START_URL, **session_token(-60, refresh=False))
    expect_error("an expired legacy token", env, "legacy", expired.format("legacy"))
    fake.oidc_status = 500
    write_token(home, "corp", **session_token(-60))
    expect_error("an expired token whose refresh fails", env, "dev", expired.format("dev"))
    fake.oidc_status = 200
    write_token(home, "corp", **session_token(3600, access="revoked-token"))
    expect_error("a token the portal rejects (401)", env, "dev", expired.format("dev"))
    write_token(home, "corp", **session_token(3600))
    expect_error("a role the portal refuses", env, "refused",
                 "profile 'refused' (SSO role Admin in account 123456789012): the SSO portal refused it (HTTP 403: "
                 "No access); check sso_account_id and sso_role_name, or run: aws sso login --profile refused")
    os.remove(token_path(home, "corp"))
    expect_error("no cached token", env, "dev",
                 f"the SSO session for profile 'dev' has no usable token in {token_path(home, 'corp')}; "
                 "run: aws sso login --profile dev")
    with open(token_path(home, "corp"), "w") as f:
        f.write("{not json")
    expect_error("a corrupt token file is no token", env, "dev",
                 f"the SSO session for profile 'dev' has no usable token in {token_path(home, 'corp')}; "
                 "run: aws sso login --profile dev")
    check("botocore's cache file names: sha1 of the session name / the start URL",
          hashlib.sha1(b"corp").hexdigest() == os.path.basename(token_path(home, "corp"))[:-5])

for h in homes:
    shutil.rmtree(h, ignore_errors=True)
sys.exit(check.finish())
