#!/usr/bin/env python3
"""Presigned POST against botocore's generate_presigned_post, byte for byte, at a frozen clock.

    post_botocore.py URLMINT_CLI            differential test: `urlmint s3 presign-post` vs botocore
    post_botocore.py --write-vectors DIR    (re)writes DIR/<case>/{expected.txt,policy.json} from
                                            botocore, the vectors tests/post_test.cpp checks

Each case is one CLI command line and the same inputs to botocore (Fields and Conditions in the
order urlmint writes them). The form URL, every field name and value, and their order must be
identical; the `policy` field is base64 of the exact JSON bytes, so equality is byte equality.

botocore 1.43 reads the clock through botocore.compat.get_current_datetime, imported by name into
botocore.auth (the x-amz-date) and botocore.signers (the policy expiration); both are patched.
"""
import datetime
import json
import os
import subprocess
import sys

import botocore
import botocore.auth
import botocore.session
import botocore.signers
from botocore.config import Config

NOW = datetime.datetime(2013, 5, 24, 0, 0, 0)  # naive UTC, as botocore uses
NOW_FLAG = "20130524T000000Z"
AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDH//token+with/slashes=and+pluses=="

UNICODE_KEY = "fotos/\u00fc \U0001D11E \"quoted\" back\\slash & <tag>.png"

# name: (cli args after s3://..., botocore inputs)
#   inputs: bucket, key, fields (ordered), conditions (ordered), expires, region, endpoint, style, token
CASES = [
    ("exact-key", ["s3://examplebucket/uploads/chart.png"],
     dict(bucket="examplebucket", key="uploads/chart.png", fields=[], conditions=[])),
    ("all-conditions",
     ["s3://examplebucket/user/user1/photo.png", "--acl", "public-read", "--min-size", "1", "--max-size", "10485760",
      "--content-type", "image/png", "--success-action-status", "201", "--metadata", "uuid=14365123651274",
      "--expires-in", "86400"],
     dict(bucket="examplebucket", key="user/user1/photo.png",
          fields=[("acl", "public-read"), ("Content-Type", "image/png"), ("success_action_status", "201"),
                  ("x-amz-meta-uuid", "14365123651274")],
          conditions=[{"acl": "public-read"}, ["content-length-range", 1, 10485760], {"Content-Type": "image/png"},
                      {"success_action_status": "201"}, {"x-amz-meta-uuid": "14365123651274"}],
          expires=86400)),
    ("prefix-local-endpoint",
     ["s3://uploads/user/user1/${filename}", "--content-type-prefix", "image/", "--max-size", "1048576",
      "--endpoint-url", "http://127.0.0.1:9000", "--expires-in", "600"],
     dict(bucket="uploads", key="user/user1/${filename}", fields=[],
          conditions=[["content-length-range", 0, 1048576], ["starts-with", "$Content-Type", "image/"]],
          expires=600, endpoint="http://127.0.0.1:9000")),
    ("session-token-other-region",
     ["s3://examplebucket/k.txt", "--region", "eu-west-1", "--endpoint-url", "https://s3.example.test:8443",
      "--content-type", "text/plain", "--expires-in", "604800"],
     dict(bucket="examplebucket", key="k.txt", fields=[("Content-Type", "text/plain")],
          conditions=[{"Content-Type": "text/plain"}], expires=604800, region="eu-west-1",
          endpoint="https://s3.example.test:8443", token=TOKEN)),
    ("unicode-and-escapes",
     ["s3://my.dotted.bucket/" + UNICODE_KEY, "--metadata", "Note=tab\there \u00e9 \U0001F4C8",
      "--starts-with", "Cache-Control=max-age=", "--field", "Cache-Control=max-age=60"],
     dict(bucket="my.dotted.bucket", key=UNICODE_KEY,
          fields=[("x-amz-meta-note", "tab\there \u00e9 \U0001F4C8"), ("Cache-Control", "max-age=60")],
          conditions=[{"x-amz-meta-note": "tab\there \u00e9 \U0001F4C8"}, ["starts-with", "$Cache-Control", "max-age="]])),
]


def freeze_clock():
    frozen = lambda *a, **k: NOW  # noqa: E731
    for mod in (botocore.auth, botocore.signers):
        if not hasattr(mod, "get_current_datetime"):
            sys.exit(f"post_botocore: botocore {botocore.__version__} does not read the clock through "
                     f"get_current_datetime in {mod.__name__}; update freeze_clock()")
        mod.get_current_datetime = frozen


def botocore_post(inputs):
    session = botocore.session.get_session()
    style = inputs.get("style")
    client = session.create_client(
        "s3", region_name=inputs.get("region", "us-east-1"), endpoint_url=inputs.get("endpoint"),
        aws_access_key_id=AK, aws_secret_access_key=SK, aws_session_token=inputs.get("token"),
        config=Config(signature_version="s3v4", s3={"addressing_style": style} if style else {}))
    return client.generate_presigned_post(
        inputs["bucket"], inputs["key"], Fields=dict(inputs["fields"]),
        Conditions=[c if isinstance(c, list) else dict(c) for c in inputs["conditions"]],
        ExpiresIn=inputs.get("expires", 3600))


def write_vectors(directory):
    for name, _, inputs in CASES:
        post = botocore_post(inputs)
        case_dir = os.path.join(directory, name)
        os.makedirs(case_dir, exist_ok=True)
        import base64
        with open(os.path.join(case_dir, "policy.json"), "wb") as f:
            f.write(base64.b64decode(post["fields"]["policy"]))
        with open(os.path.join(case_dir, "expected.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write(f"# botocore {botocore.__version__} generate_presigned_post, clock frozen at {NOW_FLAG};\n")
            f.write("# written by tests/post_botocore.py --write-vectors. One line each: url, then field NAME=VALUE\n")
            f.write("# in form order; values are JSON strings so tabs and quotes survive.\n")
            f.write(f"url {json.dumps(post['url'], ensure_ascii=False)}\n")
            for k, v in post["fields"].items():
                f.write(f"field {k}={json.dumps(v, ensure_ascii=False)}\n")
        print(f"wrote {case_dir}")


def differential(cli):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SK, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    failures = 0
    for name, args, inputs in CASES:
        run_env = dict(env)
        if inputs.get("token"):
            run_env["AWS_SESSION_TOKEN"] = inputs["token"]
        r = subprocess.run([cli, "s3", "presign-post"] + args + ["--now", NOW_FLAG], env=run_env,
                           capture_output=True, text=True)
        want = botocore_post(inputs)
        if r.returncode != 0:
            print(f"FAIL {name}: exit {r.returncode}: {r.stderr.strip()}")
            failures += 1
            continue
        got = json.loads(r.stdout, object_pairs_hook=list)
        got_url = dict(got)["url"]
        got_fields = dict(got)["fields"]
        want_fields = list(want["fields"].items())
        if got_url != want["url"] or got_fields != want_fields:
            print(f"FAIL {name}:\n  urlmint  {got_url} {got_fields}\n  botocore {want['url']} {want_fields}")
            failures += 1
        else:
            print(f"ok   {name}: {len(got_fields)} fields identical, policy {len(dict(got_fields)['policy'])} "
                  "base64 chars")
    print(f"post_botocore: botocore {botocore.__version__}: {len(CASES) - failures} of {len(CASES)} cases identical")
    return 1 if failures else 0


def main():
    freeze_clock()
    if len(sys.argv) == 3 and sys.argv[1] == "--write-vectors":
        write_vectors(sys.argv[2])
        return 0
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    return differential(sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
