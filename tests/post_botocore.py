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


def random_cases(count, seed=8):
    """Generated cases over keys, metadata and conditions full of JSON's awkward characters."""
    import random
    rng = random.Random(seed)
    alphabet = list("abcXYZ019 -_.~/+=&?#%\"\\'<>{}[]$\t") + ["\u00e9", "\u00fc", "\u20ac", "\u65e5", "\U0001F4C8",
                                                                  "\U0001D11E", "\u007f", "\u0001"]
    text = lambda lo, hi: "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))  # noqa: E731
    acls = ["private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-full-control"]
    out = []
    for i in range(count):
        key = text(1, 40).lstrip("/") or "k"
        args, fields, conditions = [], [], []
        if rng.random() < 0.4:
            acl = rng.choice(acls)
            args += ["--acl", acl]
            fields.append(("acl", acl))
            conditions.append({"acl": acl})
        if rng.random() < 0.5:
            hi = rng.randint(1, 10 ** 10)
            lo = rng.randint(0, hi)
            args += ["--min-size", str(lo), "--max-size", str(hi)]
            conditions.append(["content-length-range", lo, hi])
        if rng.random() < 0.5:
            ctype = rng.choice(["image/", "text/plain", "application/json; charset=utf-8", "image/png"])
            if ctype.endswith("/"):
                args += ["--content-type-prefix", ctype]
                conditions.append(["starts-with", "$Content-Type", ctype])
            else:
                args += ["--content-type", ctype]
                fields.append(("Content-Type", ctype))
                conditions.append({"Content-Type": ctype})
        if rng.random() < 0.3:
            status = rng.choice(["200", "201", "204"])
            args += ["--success-action-status", status]
            fields.append(("success_action_status", status))
            conditions.append({"success_action_status": status})
        for j in range(rng.randint(0, 3)):
            name, value = f"m{i}x{j}", text(0, 30)
            args += ["--metadata", f"{name}={value}"]
            fields.append((f"x-amz-meta-{name}", value))
            conditions.append({f"x-amz-meta-{name}": value})
        expires = rng.choice([1, 60, 3600, 86400, 604800])
        region = rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"])
        token = TOKEN if rng.random() < 0.3 else None
        inputs = dict(bucket="bucket-{}".format(i), fields=fields, conditions=conditions, expires=expires,
                      region=region, endpoint="http://127.0.0.1:9000", token=token)
        if key.endswith("/"):
            inputs["key"] = key + "${filename}"
        else:
            inputs["key"] = key
        out.append((f"random-{i}", [f"s3://bucket-{i}/{key}", "--expires-in", str(expires), "--region", region,
                                    "--endpoint-url", "http://127.0.0.1:9000"] + args, inputs))
    return out


def freeze_clock():
    frozen = lambda *a, **k: NOW  # noqa: E731
    for mod in (botocore.auth, botocore.signers):
        if not hasattr(mod, "get_current_datetime"):
            sys.exit(f"post_botocore: botocore {botocore.__version__} does not read the clock through "
                     f"get_current_datetime in {mod.__name__}; update freeze_clock()")
        mod.get_current_datetime = frozen


_clients = {}


def botocore_post(inputs):
    style = inputs.get("style")
    cache_key = (inputs.get("region"), inputs.get("endpoint"), inputs.get("token"), style)
    if cache_key not in _clients:  # creating a client costs ~0.3 s; reuse one per configuration
        _clients[cache_key] = _new_client(inputs, style)
    return _clients[cache_key].generate_presigned_post(
        inputs["bucket"], inputs["key"], Fields=dict(inputs["fields"]),
        Conditions=[c if isinstance(c, list) else dict(c) for c in inputs["conditions"]],
        ExpiresIn=inputs.get("expires", 3600))


def _new_client(inputs, style):
    session = botocore.session.get_session()
    return session.create_client(
        "s3", region_name=inputs.get("region", "us-east-1"), endpoint_url=inputs.get("endpoint"),
        aws_access_key_id=AK, aws_secret_access_key=SK, aws_session_token=inputs.get("token"),
        config=Config(signature_version="s3v4", s3={"addressing_style": style} if style else {}))


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
            f.write("# in form order; values are JSON strings (UTF-8 as is: json.dumps with ensure_ascii=False).\n")
            f.write(f"url {json.dumps(post['url'], ensure_ascii=False)}\n")
            for k, v in post["fields"].items():
                f.write(f"field {k}={json.dumps(v, ensure_ascii=False)}\n")
        print(f"wrote {case_dir}")


def differential(cli):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SK, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    failures = 0
    cases = CASES + random_cases(200)
    for name, args, inputs in cases:
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
        elif not name.startswith("random-"):
            print(f"ok   {name}: {len(got_fields)} fields identical, policy {len(dict(got_fields)['policy'])} "
                  "base64 chars")
    print(f"post_botocore: botocore {botocore.__version__}: {len(cases) - failures} of {len(cases)} cases identical "
          f"({len(CASES)} named, {len(cases) - len(CASES)} generated)")
    return 1 if failures or cli_errors(cli, env) else 0


def cli_errors(cli, env):
    """Bad input: exit 2 (a usage error, bad values included), one line on stderr, nothing on
    stdout, never the secret. No request is sent by any of these."""
    cases = [
        (["presign-post", "s3://examplebucket/k", "--expires-in", "604801"], 2, "at most 7 days"),
        (["presign-post", "s3://examplebucket/k", "--min-size", "10", "--max-size", "5"], 2, "swap them"),
        (["presign-post", "s3://examplebucket/k", "--content-type", "text/plain", "--starts-with",
          "Content-Type=image/"], 2, "conditions contradict"),
        (["presign-post", "s3://examplebucket/k", "--field", "Cache-Control=no-store"], 2, "has no condition"),
        (["presign-post", "s3://examplebucket/k", "--acl", "everyone"], 2, "not a canned ACL"),
        (["presign-post", "s3://examplebucket/k", "--content-type", "a", "--content-type-prefix", "b"], 2, "not both"),
        (["presign-multipart", "s3://examplebucket/k", "--parts", "10001"], 2, "1 to 10000 parts"),
        (["presign-multipart", "s3://examplebucket/k", "--parts", "0"], 2, "1 to 10000 parts"),
        (["presign-multipart", "s3://examplebucket/k", "--size", "104857600", "--part-size", "4194304"], 2,
         "5 MiB to 5 GiB"),
        (["presign-multipart", "s3://examplebucket/k"], 2, "--parts N or --size BYTES"),
        (["complete-multipart", "s3://examplebucket/k", "--part", "1=x"], 2, "--upload-id is missing"),
        (["complete-multipart", "s3://examplebucket/k", "--upload-id", "U", "--parts-file", "-"], 2,
         "at least 5 MiB"),
        (["complete-multipart", "s3://examplebucket/k", "--upload-id", "U", "--parts-file", "-"], 2, "not valid JSON"),
    ]
    stdins = {11: '{"parts": [{"part_number": 1, "etag": "a", "size": 5}, {"part_number": 2, "etag": "b", "size": 1}]}',
              12: '{"parts": [}'}
    bad = 0
    for i, (args, code, needle) in enumerate(cases):
        r = subprocess.run([cli, "s3"] + args, env=env, input=stdins.get(i, ""), capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        if not (r.returncode == code and r.stdout == "" and len(lines) == 1 and needle in r.stderr
                and SK not in r.stderr):
            print(f"FAIL bad input {args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
            bad += 1
    r = subprocess.run([cli, "s3", "presign-post", "s3://examplebucket/k", "--debug"],
                       env=dict(env, AWS_SESSION_TOKEN=TOKEN), capture_output=True, text=True)
    if r.returncode != 0 or "--- policy ---" not in r.stderr or TOKEN in r.stderr or "<redacted>" not in r.stderr:
        print(f"FAIL presign-post --debug must show the policy with the session token redacted: {r.stderr!r}")
        bad += 1
    r = subprocess.run([cli, "s3", "presign-post", "--help"], env=env, capture_output=True, text=True)
    if r.returncode != 0 or "--content-type-prefix" not in r.stdout:
        print(f"FAIL presign-post --help: {r.returncode} {r.stderr!r}")
        bad += 1
    print(f"post_botocore: {len(cases) + 2 - bad} of {len(cases) + 2} bad-input, --debug and --help checks passed")
    return bad


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
