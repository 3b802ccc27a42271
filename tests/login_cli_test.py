#!/usr/bin/env python3
"""`aws login` sessions (login_session) through `urlmint s3 presign`, with botocore as the oracle.

The token cache is ~/.aws/login/cache/<sha256 of the session name>.json in a temp HOME. A loopback
fake (tests/fake_sso_server.py) plays AWS Sign-In's CreateOAuth2Token and verifies each DPoP
proof (ES256 over the request, with the cached key's public half) using `cryptography`.
botocore's LoginProvider needs awscrt for the key; this test gives it a small stand-in built on
`cryptography` (key loading, public coordinates, signing), so botocore's own code decides when to
refresh, what to send and how the cache file is rewritten. Nothing here contacts anything but
127.0.0.1.
"""
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from credential_test_support import Checks, clean_env, iso, key_of, query  # noqa: E402
from fake_sso_server import LOGIN_SECRET, LOGIN_SESSION_TOKEN, FakeSsoServer  # noqa: E402

CLI = sys.argv[1]
OLD_SECRET = "OLD/LOGIN/SECRET/wJalrXUtnFEMIK7MDENGbPxRf"
check = Checks("login_cli_test")

BOTOCORE = r"""
import sys, botocore.credentials, botocore.session
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

class Key:  # awscrt.crypto.EC's key, as much of it as botocore's login code uses
    def __init__(self, key):
        self.key = key
    def get_public_coords(self):
        n = self.key.public_key().public_numbers()
        return n.x.to_bytes(32, "big"), n.y.to_bytes(32, "big")
    def sign(self, digest):
        return self.key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

class EC:
    @staticmethod
    def new_key_from_der_data(der):
        return Key(serialization.load_der_private_key(der, None))
    @staticmethod
    def decode_der_signature_to_padded_pair(sig, pad_to):
        r, s = utils.decode_dss_signature(sig)
        return r.to_bytes(pad_to, "big") + s.to_bytes(pad_to, "big")

botocore.credentials.EC = EC
try:
    print(botocore.session.Session(profile=sys.argv[1]).get_credentials().get_frozen_credentials().access_key)
except Exception as e:
    print("ERROR " + type(e).__name__)
"""


KEY_PEM = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()


def new_home():
    home = tempfile.mkdtemp(prefix="urlmint-login-")
    os.makedirs(os.path.join(home, ".aws", "login", "cache"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[profile me]\nlogin_session = arn:aws:iam::123456789012:user/me\nregion = us-west-2\n")
    return home


def token_path(home):
    name = hashlib.sha256(b"arn:aws:iam::123456789012:user/me").hexdigest()
    return os.path.join(home, ".aws", "login", "cache", name + ".json")


def write_token(home, expires_in, refresh="login-refresh-1"):
    with open(token_path(home), "w") as f:
        json.dump({"accessToken": {"accessKeyId": "ASIAOLDLOGIN", "secretAccessKey": OLD_SECRET,
                                   "sessionToken": "OLD-LOGIN-TOKEN", "accountId": "123456789012",
                                   "expiresAt": iso(expires_in)},
                   "tokenType": "aws_sigv4", "refreshToken": refresh, "idToken": "header.payload.signature",
                   "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": KEY_PEM}, f)


def environment(home, fake):
    return clean_env(HOME=home, AWS_ENDPOINT_URL_SIGNIN=fake.url)


def presign(env):
    return subprocess.run([CLI, "s3", "presign", "s3://examplebucket/k", "--expires-in", "300", "--profile", "me"],
                          env=env, capture_output=True, text=True, timeout=60)


def botocore(env):
    return subprocess.run([sys.executable, "-c", BOTOCORE, "me"], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def no_secrets(r):
    out = r.stdout + r.stderr
    return LOGIN_SECRET not in out and OLD_SECRET not in out and "login-refresh" not in out and "PRIVATE" not in out


homes = []
with FakeSsoServer() as fake:
    # --- more than 5 minutes left: the cached credentials, no call ---
    home = new_home()
    homes.append(home)
    env = environment(home, fake)
    write_token(home, 600)
    r = presign(env)
    check("a session with 10 minutes left is used as cached", r.returncode == 0 and key_of(r.stdout) == "ASIAOLDLOGIN"
          and fake.calls("/v1/token") == [] and no_secrets(r), f"{r.returncode} {r.stderr!r}")
    check("botocore agrees", botocore(env) == "ASIAOLDLOGIN" and fake.calls("/v1/token") == [])

    # --- 2 minutes left: refreshed through Sign-In with a DPoP proof, the file rewritten as botocore does ---
    mine, theirs = new_home(), new_home()
    homes += [mine, theirs]
    write_token(mine, 120)
    shutil.copy(token_path(mine), token_path(theirs))
    r = presign(environment(mine, fake))
    calls = fake.calls("/v1/token")
    check("a session with 2 minutes left is refreshed (the fake verified the DPoP proof)", r.returncode == 0 and
          key_of(r.stdout) == "ASIAFAKELOGIN" and len(calls) == 1 and no_secrets(r), f"{r.stderr!r} {calls!r}")
    q = query(r.stdout)
    check("the URL carries the refreshed session token", q.get("X-Amz-Security-Token") == [LOGIN_SESSION_TOKEN])
    if calls:
        check("CreateOAuth2Token: refresh_token grant with the cached client id",
              json.loads(calls[0][3]) == {"clientId": "arn:aws:signin:::devtools/same-device",
                                          "grantType": "refresh_token", "refreshToken": "login-refresh-1"}, calls[0][3])
    check("botocore refreshes the same way", botocore(environment(theirs, fake)) == "ASIAFAKELOGIN" and
          len(fake.calls("/v1/token")) == 2)
    ours_text, theirs_text = open(token_path(mine)).read(), open(token_path(theirs)).read()
    strip = re.compile(r'"expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')
    check("the rewritten cache file is byte for byte botocore's (expiresAt aside)",
          strip.sub("X", ours_text) == strip.sub("X", theirs_text), f"\n  urlmint:  {ours_text}\n  botocore: {theirs_text}")
    check("the rewritten file is 0600 and alone", stat.S_IMODE(os.stat(token_path(mine)).st_mode) == 0o600 and
          len(os.listdir(os.path.dirname(token_path(mine)))) == 1, os.listdir(os.path.dirname(token_path(mine))))
    r = presign(environment(mine, fake))
    check("the next run uses the refreshed file (15 minutes left: no call)", r.returncode == 0 and
          key_of(r.stdout) == "ASIAFAKELOGIN" and len(fake.calls("/v1/token")) == 2, r.stderr)
    env = clean_env(AWS_ACCESS_KEY_ID="ASIAFAKELOGIN", AWS_SECRET_ACCESS_KEY=LOGIN_SECRET,
                    AWS_SESSION_TOKEN=LOGIN_SESSION_TOKEN)
    v = subprocess.run([CLI, "s3", "verify", r.stdout.strip(), "--region", "us-west-2"], env=env, capture_output=True,
                       text=True, timeout=60)
    check("the URL verifies with the refreshed secret", v.returncode == 0, v.stderr)

    # --- what cannot work says what to run ---
    write_token(home, 60, refresh="revoked-refresh")
    r = presign(environment(home, fake))
    check("a refresh token Sign-In refuses (TOKEN_EXPIRED): one line, exit 1", r.returncode == 1 and r.stdout == "" and
          r.stderr == "urlmint s3 presign: the login session for profile 'me' has expired; run: aws login --profile me\n",
          repr(r.stderr))
    check("botocore refuses it too", botocore(environment(home, fake)).startswith("ERROR LoginRefreshRequired"))
    os.remove(token_path(home))
    r = presign(environment(home, fake))
    check("no cached session: one line, exit 1", r.returncode == 1 and r.stderr ==
          f"urlmint s3 presign: the login session for profile 'me' has no usable token in {token_path(home)}; "
          "run: aws login --profile me\n", repr(r.stderr))

for h in homes:
    shutil.rmtree(h, ignore_errors=True)
sys.exit(check.finish())
