#!/usr/bin/env python3
"""Differential test: `urlmint s3 presign --batch` against botocore's generate_presigned_url.

Both sign the same keys with a frozen clock over every method, several regions, session tokens,
custom endpoints with ports and both addressing styles. The URLs must be identical: same scheme,
host and raw path, and the same raw query parameters (botocore orders the query differently,
which S3 ignores; the signature may not differ).
"""
import datetime
import os
import random
import subprocess
import sys
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.session
from botocore.config import Config

CLI = sys.argv[1]
NOW = datetime.datetime(2026, 3, 1, 12, 34, 56)
NOW_FLAG = "20260301T123456Z"
ACCESS_KEY = "AKIDEXAMPLEDIFF"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDH//token+with/slashes=and+pluses=="

FIXED_KEYS = [
    "test.txt", "a b", "a+b", "100%", "a%20b", "tilde~", "eq=ual", "amp&er", "q?uestion", "hash#tag",
    "quote\"s", "apos'trophe", "semi;colon", "comma,", "colon:", "at@", "brackets[]{}", "pipe|back\\slash",
    "caf\u00e9.png", "\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb", "emoji-\U0001F4C8.png", "a//b", "//double-lead",
    "/leading", "trailing/", "./dot", "../dotdot", "a/./b/../c", ".", "..", "*star*", "dollar$file.text",
    "charts/20251226_123456_abc12345.png", "tab\there", "ctl\x01char", "x" * 1024,
    "\u00e9" * 512, "mixed \u00e9+%~=&?#/ //k",
]
ALPHABET = (list("abcXYZ019-._~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}") +
            ["\u00e9", "\u00fc", "\u4e2d", "\U0001F600", "\u0301", "//", "%2F", "%"])


def random_keys(rng, n):
    keys = []
    for _ in range(n):
        length = rng.choice([1, 2, 5, 20, 80, 300])
        key = "".join(rng.choice(ALPHABET) for _ in range(length))
        keys.append(key.encode("utf-8")[:1024].decode("utf-8", "ignore") or "k")
    return keys


def botocore_client(region, style, endpoint, token):
    session = botocore.session.get_session()
    s3cfg = {"addressing_style": style} if style else {}
    if endpoint is None and style == "virtual" and region != "us-east-1":
        # botocore presigns virtual-hosted URLs against the global host outside us-east-1;
        # urlmint uses the regional host (no 307 redirect), so point botocore at it.
        endpoint = f"https://s3.{region}.amazonaws.com"
    return session.create_client(
        "s3", region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token=token, endpoint_url=endpoint,
        config=Config(signature_version="s3v4", s3=s3cfg))


OPERATIONS = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}


def botocore_url(client, method, bucket, key, expires, extra):
    params = {"Bucket": bucket, "Key": key}
    params.update(extra)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
        return client.generate_presigned_url(OPERATIONS[method], Params=params, ExpiresIn=expires)


def urlmint_urls(method, bucket, keys, expires, region, style, endpoint, token, cli_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_EC2_METADATA_DISABLED="true")
    if token:
        env["AWS_SESSION_TOKEN"] = token
    args = [CLI, "s3", "presign", "--batch", f"s3://{bucket}", "--method", method, "--expires-in", str(expires),
            "--region", region, "--now", NOW_FLAG] + cli_extra
    if style:
        args += ["--addressing-style", style]
    if endpoint:
        args += ["--endpoint-url", endpoint]
    r = subprocess.run(args, input="".join(k + "\n" for k in keys).encode(), capture_output=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"urlmint failed ({r.returncode}): {r.stderr.decode()}")
    return r.stdout.decode().splitlines()


def netloc(parts):
    # botocore copies an explicit default port (":443") into the URL; urlmint drops it. Both
    # sign the host without it, so the signatures still have to agree.
    default = {"https": ":443", "http": ":80"}[parts.scheme]
    return parts.netloc[:-len(default)] if parts.netloc.endswith(default) else parts.netloc


def same_url(a, b):
    pa, pb = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return ((pa.scheme, netloc(pa), pa.path) == (pb.scheme, netloc(pb), pb.path)
            and sorted(pa.query.split("&")) == sorted(pb.query.split("&")))


def main():
    rng = random.Random(20260301)
    configs = []
    for region in ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2"]:
        for style in [None, "path", "virtual"]:
            configs.append((region, style, None))
    configs += [("us-east-1", None, "http://127.0.0.1:9000"), ("eu-west-1", "path", "http://localhost:8080"),
                ("auto", None, "https://acct.r2.cloudflarestorage.com"),
                ("us-east-1", "virtual", "https://minio.example.com:8443"),
                ("us-west-2", "path", "https://s3.example.com:443")]
    compared = 0
    failures = []
    for region, style, endpoint in configs:
        for method in OPERATIONS:
            token = TOKEN if rng.random() < 0.5 else None
            expires = rng.choice([1, 60, 3600, 86400, 604800])
            # Dotted buckets only where urlmint may use path style: it refuses virtual-hosted
            # style for them (the TLS wildcard certificate would not match), botocore does not.
            bucket = rng.choice(["examplebucket", "chart-bucket-01"] + (["a.b.c"] if style != "virtual" else []))
            extra, cli_extra = {}, []
            if method == "GET" and rng.random() < 0.5:
                extra = {"ResponseContentDisposition": 'attachment; filename="chart 1.png"', "VersionId": "3/L4kqtJl+"}
                cli_extra = ["--query", 'response-content-disposition=attachment; filename="chart 1.png"',
                             "--query", "versionId=3/L4kqtJl+"]
            if method == "PUT" and rng.random() < 0.5:
                extra = {"ContentType": "image/png"}
                cli_extra = ["--content-type", "image/png"]
            keys = FIXED_KEYS + random_keys(rng, 40)
            # urlmint's "auto" on AWS is virtual-hosted unless the bucket has dots (then path).
            boto_style = style or (None if endpoint else ("path" if "." in bucket else "virtual"))
            client = botocore_client(region, boto_style, endpoint, token)
            ours = urlmint_urls(method, bucket, keys, expires, region, style, endpoint, token, cli_extra)
            if len(ours) != len(keys):
                failures.append(f"{region} {style} {endpoint} {method}: {len(ours)} URLs for {len(keys)} keys")
                continue
            for key, url in zip(keys, ours):
                theirs = botocore_url(client, method, bucket, key, expires, extra)
                compared += 1
                if not same_url(url, theirs):
                    failures.append(f"{region} {style} {endpoint} {method} key={key!r}\n  urlmint:  {url}\n"
                                    f"  botocore: {theirs}")
    for f in failures[:20]:
        print("MISMATCH", f)
    print(f"botocore_differential: {compared - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
