#!/usr/bin/env python3
"""Multi-region access points through `urlmint s3 presign`, against botocore 1.43 signing with awscrt.

At a frozen clock both presign the same MRAP objects. The host, path and every query parameter but
X-Amz-Signature must be identical; ECDSA signatures are randomized, so both signatures are verified
instead, with the P-256 public key derived from the secret by an independent Python implementation
of the SigV4a KDF (aws-c-auth's source/key_derivation.c), over the string to sign rebuilt here from
botocore's URL. Without awscrt (Debian's python3-awscrt) the botocore comparison is skipped and the
rest still runs. Invalid uses must be one-line errors with exit status 2 (invalid values, the CLI's rule). No network is used.
Usage: mrap_cli_test.py PATH/TO/urlmint"""
import datetime
import hashlib
import hmac
import os
import subprocess
import sys
import urllib.parse
from unittest import mock

if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-awscrt, for a pyenv python

import botocore.auth
import botocore.session
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

try:
    import awscrt.auth  # noqa: F401
    import botocore.crt.auth
    HAVE_CRT = True
except ImportError:
    HAVE_CRT = False

URLMINT = sys.argv[1]
ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLEMRAP", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDH//token+with/slashes=="
ARN = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"
NOW = datetime.datetime(2026, 3, 1, 12, 34, 56, tzinfo=datetime.timezone.utc)
NOW_FLAG = "20260301T123456Z"
results = {"passed": 0, "failed": 0}
N_MINUS_2 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC63254F


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)[:600]))


def derive_public_key(access_key, secret):
    """SigV4a's NIST SP 800-108 counter-mode KDF over HMAC-SHA256, with the retry on k0 > n - 2."""
    for counter in range(1, 255):
        fixed = (b"\x00\x00\x00\x01" + b"AWS4-ECDSA-P256-SHA256" + b"\x00" + access_key.encode() +
                 bytes([counter]) + b"\x00\x00\x01\x00")
        k0 = int.from_bytes(hmac.new(b"AWS4A" + secret.encode(), fixed, hashlib.sha256).digest(), "big")
        if k0 <= N_MINUS_2:
            return ec.derive_private_key(k0 + 1, ec.SECP256R1()).public_key()
    raise RuntimeError("no counter")


PUBLIC_KEY = derive_public_key(ACCESS_KEY, SECRET_KEY)


def string_to_sign(url):
    """The SigV4a string to sign of a presigned S3 GET (host the only signed header)."""
    parts = urllib.parse.urlsplit(url)
    query = sorted(p for p in parts.query.split("&") if not p.startswith("X-Amz-Signature="))
    q = dict(p.split("=", 1) for p in query)
    canonical = "\n".join(["GET", parts.path, "&".join(query), "host:" + parts.netloc, "", "host", "UNSIGNED-PAYLOAD"])
    scope = urllib.parse.unquote(q["X-Amz-Credential"]).split("/", 1)[1]
    return "\n".join(["AWS4-ECDSA-P256-SHA256", q["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()])


def verifies(url, sts):
    sig = dict(p.split("=", 1) for p in urllib.parse.urlsplit(url).query.split("&")).get("X-Amz-Signature", "")
    try:
        PUBLIC_KEY.verify(bytes.fromhex(sig), sts.encode(), ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:
        return False


def env(token=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_EC2_METADATA_DISABLED="true",
             AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    if token:
        e["AWS_SESSION_TOKEN"] = token
    return e


def urlmint(args, token=None):
    return subprocess.run([URLMINT, "s3", "presign"] + args, capture_output=True, env=env(token), timeout=60)


def verify_cli(url, token=None, *flags):
    return subprocess.run([URLMINT, "s3", "verify", url, "--now", NOW_FLAG, *flags], capture_output=True,
                          env=env(token), timeout=60)


def botocore_url(key, expires, region, token):
    client = botocore.session.get_session().create_client(
        "s3", region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token=token)
    with mock.patch.object(botocore.crt.auth, "get_current_datetime", return_value=NOW):
        return client.generate_presigned_url("get_object", Params={"Bucket": ARN, "Key": key}, ExpiresIn=expires)


def without_signature(url):
    parts = urllib.parse.urlsplit(url)
    return (parts.scheme, parts.netloc, parts.path,
            sorted(p for p in parts.query.split("&") if not p.startswith("X-Amz-Signature=")))


def main():
    keys = ["charts/chart.png", "a b/c+d=e&f.png", "caf\u00e9/\u65e5\u672c.png", "a//b/./c", "~tilde*star"]
    if not HAVE_CRT:
        print("skip botocore comparison: awscrt is not importable (apt-get install python3-awscrt)")
    for region in ("us-east-1", "eu-west-1"):
        for token in (None, TOKEN):
            for key in keys:
                r = urlmint([f"s3://{ARN}/{key}", "--region", region, "--expires-in", "900", "--now", NOW_FLAG], token)
                ours = r.stdout.decode().strip()
                name = f"{region} {'temporary' if token else 'long-term'} {key!r}"
                check(f"urlmint presigns {name}", r.returncode == 0 and ours.count("\n") == 0, r.stderr.decode())
                if r.returncode != 0:
                    continue
                parts = urllib.parse.urlsplit(ours)
                q = dict(p.split("=", 1) for p in parts.query.split("&"))
                check(f"{name}: global host, AWS4-ECDSA-P256-SHA256, X-Amz-Region-Set=*",
                      parts.netloc == "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com" and
                      q.get("X-Amz-Algorithm") == "AWS4-ECDSA-P256-SHA256" and q.get("X-Amz-Region-Set") == "%2A",
                      ours)
                check(f"{name}: our signature verifies with the key derived from the secret",
                      verifies(ours, string_to_sign(ours)), ours)
                v = verify_cli(ours, token)
                check(f"{name}: urlmint s3 verify accepts our URL", v.returncode == 0, v.stderr.decode())
                if HAVE_CRT:
                    theirs = botocore_url(key, 900, region, token)
                    check(f"{name}: same URL as botocore+awscrt but the signature",
                          without_signature(ours) == without_signature(theirs), f"\n ours {ours}\n boto {theirs}")
                    check(f"{name}: botocore's signature verifies over the same string to sign",
                          verifies(theirs, string_to_sign(ours)), theirs)
                    v = verify_cli(theirs, token, "--region", region)
                    check(f"{name}: urlmint s3 verify accepts botocore+awscrt's URL", v.returncode == 0,
                          v.stderr.decode())
                    tampered = theirs.replace("X-Amz-Expires=900", "X-Amz-Expires=901")
                    v = verify_cli(tampered, token)
                    check(f"{name}: urlmint s3 verify refuses botocore's URL with another expiry",
                          v.returncode == 1 and v.stderr.decode().count("signature_mismatch") == 1, v.stderr.decode())

    # --batch: one SigV4a URL per line, each verifying.
    r = subprocess.run([URLMINT, "s3", "presign", "--batch", f"s3://{ARN}", "--now", NOW_FLAG], input=b"a.png\nb c.png\n",
                       capture_output=True, env=env(), timeout=60)
    lines = r.stdout.decode().split()
    check("--batch presigns each key with SigV4a, each signature verifying",
          r.returncode == 0 and len(lines) == 2 and all(verifies(u, string_to_sign(u)) for u in lines),
          r.stderr.decode())

    # --debug shows the SigV4a steps; the string to sign is the one rebuilt from the URL.
    r = urlmint([f"s3://{ARN}/charts/chart.png", "--now", NOW_FLAG, "--debug"])
    check("--debug prints the SigV4a string to sign", string_to_sign(r.stdout.decode().strip()) in r.stderr.decode(),
          r.stderr.decode()[:600])

    # Invalid uses: one line on stderr, nothing on stdout, exit status 2 (an invalid value).
    for args, needle in (
            (["--endpoint-url", "http://127.0.0.1:9"], "drop --endpoint-url"),
            (["--region", "cn-north-1"], "partition aws-cn"),
    ):
        r = urlmint([f"s3://{ARN}/k"] + args)
        err = r.stderr.decode()
        check(f"refused: {' '.join(args)}", r.returncode == 2 and not r.stdout and needle in err and
              err.count("\n") == 1, f"{r.returncode} {err!r}")
    r = urlmint(["s3://arn:aws:s3::123:accesspoint/x.mrap/k"])
    check("a malformed MRAP ARN is a one-line error", r.returncode == 2 and "12 digits" in r.stderr.decode(),
          r.stderr.decode())
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
