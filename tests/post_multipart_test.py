#!/usr/bin/env python3
"""Presigned multipart upload against a real S3 server, end to end through the CLI:

    urlmint s3 presign-multipart  -> creates the upload, prints one presigned PUT URL per part
    HTTP PUT of each part          -> what a browser does: no credentials, only the URL
    urlmint s3 complete-multipart  -> the parts' ETags from a JSON file
    presigned GET                  -> the object is byte-identical

plus the failure paths: a part under 5 MiB refused before anything is sent, a server-side
refusal of a bad ETag, abort, and a tampered part URL refused by the server.

    post_multipart_test.py URLMINT_CLI

The server comes from URLMINT_TEST_S3_* (scripts/test.sh starts Swift's s3api with
scripts/swift-s3.sh). Without them the test passes with a warning, except under CI, where it
fails: CI must never go green without talking to the server. Only 127.0.0.1 is contacted.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

CLI = sys.argv[1]
ENDPOINT = os.environ.get("URLMINT_TEST_S3_ENDPOINT", "")
if not ENDPOINT:
    if os.environ.get("CI"):
        sys.exit("post_multipart_test: URLMINT_TEST_S3_ENDPOINT is not set but CI is; run scripts/test.sh")
    print("post_multipart_test: WARNING: URLMINT_TEST_S3_ENDPOINT is not set; not run (scripts/test.sh starts Swift)")
    sys.exit(0)
host = urllib.parse.urlsplit(ENDPOINT).hostname
if host not in ("127.0.0.1", "::1", "localhost"):
    sys.exit(f"post_multipart_test: refusing non-loopback endpoint {ENDPOINT}")

ACCESS = os.environ.get("URLMINT_TEST_S3_ACCESS_KEY", "test:tester")
SECRET = os.environ.get("URLMINT_TEST_S3_SECRET_KEY", "testing")
REGION = os.environ.get("URLMINT_TEST_S3_REGION", "us-east-1")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
ENV.update(AWS_ACCESS_KEY_ID=ACCESS, AWS_SECRET_ACCESS_KEY=SECRET, AWS_CONFIG_FILE=os.devnull,
           AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
COMMON = ["--endpoint-url", ENDPOINT, "--region", REGION, "--addressing-style", "path"]
MIB = 1024 * 1024
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name}: {detail}")


def cli(*args, stdin=None):
    return subprocess.run([CLI, "s3", *args, *COMMON], env=ENV, input=stdin, capture_output=True)


def http(method, url, data=None):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with NO_PROXY.open(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def make_bucket(name):
    # Bucket setup and cleanup are not what is tested here; botocore does them.
    import botocore.session
    from botocore.config import Config
    client = botocore.session.get_session().create_client(
        "s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    client.create_bucket(Bucket=name)
    return client


bucket = f"urlmint-presigned-mp-{os.getpid()}"
s3 = make_bucket(bucket)
key = "uploads/big file \u00e9.bin"
data = os.urandom(2 * 5 * MIB + 123457)  # three parts: 5 MiB, 5 MiB, 123457 bytes

# 1. The happy path, as a web app would run it.
r = cli("presign-multipart", f"s3://{bucket}/{key}", "--size", str(len(data)), "--part-size", str(5 * MIB),
        "--content-type", "application/octet-stream", "--expires-in", "900")
check("presign-multipart creates the upload", r.returncode == 0, r.stderr.decode())
plan = json.loads(r.stdout)
check("three part URLs with offsets and sizes",
      [(p["part_number"], p["offset"], p["size"]) for p in plan["parts"]] ==
      [(1, 0, 5 * MIB), (2, 5 * MIB, 5 * MIB), (3, 10 * MIB, 123457)], plan["parts"])
check("part URLs carry partNumber and uploadId in the signed query",
      all(f"partNumber={p['part_number']}&" in p["url"] and "uploadId=" in p["url"] and "X-Amz-Signature=" in p["url"]
          for p in plan["parts"]), plan["parts"][0]["url"])
for p in plan["parts"]:
    status, headers, body = http("PUT", p["url"], data[p["offset"]:p["offset"] + p["size"]])
    check(f"part {p['part_number']} PUT through its presigned URL", status == 200, f"{status} {body[:300]!r}")
    p["etag"] = headers.get("ETag") or headers.get("Etag") or ""
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(plan, f)
    parts_file = f.name
r = cli("complete-multipart", f"s3://{bucket}/{key}", "--upload-id", plan["upload_id"], "--parts-file", parts_file)
check("complete-multipart completes", r.returncode == 0, r.stderr.decode())
done = json.loads(r.stdout) if r.returncode == 0 else {}
check("the final ETag is a multipart ETag of 3 parts", done.get("etag", "").strip('"').endswith("-3"), done)
url = cli("presign", f"s3://{bucket}/{key}").stdout.decode().strip()
status, headers, body = http("GET", url)
check("the object downloads byte for byte", status == 200 and body == data, f"{status} {len(body)} bytes")
check("the Content-Type given at creation was kept", headers.get("Content-Type") == "application/octet-stream",
      headers.get("Content-Type"))

# 2. A part under 5 MiB is refused before any request when the sizes are known.
r = cli("presign-multipart", f"s3://{bucket}/small", "--parts", "2")
check("presign-multipart --parts 2", r.returncode == 0, r.stderr.decode())
plan2 = json.loads(r.stdout)
etags = []
for p, chunk in zip(plan2["parts"], (b"a" * 1024, b"b" * 10)):
    status, headers, _ = http("PUT", p["url"], chunk)
    etags.append(headers.get("ETag", ""))
sized = {"parts": [{"part_number": 1, "etag": etags[0], "size": 1024}, {"part_number": 2, "etag": etags[1], "size": 10}]}
r = cli("complete-multipart", f"s3://{bucket}/small", "--upload-id", plan2["upload_id"], "--parts-file", "-",
        stdin=json.dumps(sized).encode())
check("a 1 KiB first part is refused locally (a usage error)",
      r.returncode == 2 and b"every part but the last must be at least 5 MiB" in r.stderr and r.stdout == b"",
      r.stderr.decode())
# 3. Without sizes the server decides; a wrong ETag is refused there.
r = cli("complete-multipart", f"s3://{bucket}/small", "--upload-id", plan2["upload_id"],
        "--part", "1=\"00000000000000000000000000000000\"", "--part", f"2={etags[1]}")
check("a wrong ETag is refused by the server with a one-line error",
      r.returncode == 1 and r.stdout == b"" and len(r.stderr.decode().strip().splitlines()) == 1
      and b"CompleteMultipartUpload: the server answered HTTP 400" in r.stderr, r.stderr.decode())
# 4. Abort frees the upload; completing it afterwards fails.
r = cli("complete-multipart", f"s3://{bucket}/small", "--upload-id", plan2["upload_id"], "--abort")
check("abort", r.returncode == 0 and b'"aborted": true' in r.stdout, r.stderr.decode())
r = cli("complete-multipart", f"s3://{bucket}/small", "--upload-id", plan2["upload_id"], "--part", f"1={etags[0]}")
check("completing an aborted upload fails (NoSuchUpload)", r.returncode == 1 and b"NoSuchUpload" in r.stderr,
      r.stderr.decode())

# 5. The server checks the part URL's signature: a tampered one is refused.
r = cli("presign-multipart", f"s3://{bucket}/tampered", "--parts", "1")
plan3 = json.loads(r.stdout)
good = plan3["parts"][0]["url"]
bad = good.replace("partNumber=1&", "partNumber=2&")
status, _, body = http("PUT", bad, b"x")
check("a part URL with a changed partNumber is refused (403)", status == 403, f"{status} {body[:200]!r}")
status, _, _ = http("PUT", good, b"x")
check("the untouched URL works", status == 200, status)
cli("complete-multipart", f"s3://{bucket}/tampered", "--upload-id", plan3["upload_id"], "--abort")

# 6. Resuming: part URLs for an upload that exists (no request sent), completed from the AWS
#    CLI's parts format.
r = cli("presign-multipart", f"s3://{bucket}/resumed", "--parts", "1")
upload_id = json.loads(r.stdout)["upload_id"]
r = cli("presign-multipart", f"s3://{bucket}/resumed", "--parts", "1", "--upload-id", upload_id)
check("presign-multipart --upload-id presigns without creating", r.returncode == 0
      and json.loads(r.stdout)["upload_id"] == upload_id, r.stderr.decode())
status, headers, _ = http("PUT", json.loads(r.stdout)["parts"][0]["url"], b"resumed body")
aws_cli_parts = {"Parts": [{"ETag": headers.get("ETag", ""), "PartNumber": 1}]}
r = cli("complete-multipart", f"s3://{bucket}/resumed", "--upload-id", upload_id, "--parts-file", "-",
        stdin=json.dumps(aws_cli_parts).encode())
check("complete-multipart reads the AWS CLI's {\"Parts\": [...]} format", r.returncode == 0, r.stderr.decode())
status, _, body = http("GET", cli("presign", f"s3://{bucket}/resumed").stdout.decode().strip())
check("the resumed upload downloads", status == 200 and body == b"resumed body", f"{status} {body[:100]!r}")

# Bad input the CLI refuses without a server.
r = cli("presign-multipart", f"s3://{bucket}/k", "--parts", "10001")
check("10001 parts is refused (usage error)", r.returncode == 2 and b"1 to 10000 parts" in r.stderr, r.stderr.decode())
r = cli("presign-multipart", f"s3://{bucket}/k", "--size", "20000000", "--part-size", "1048576")
check("a 1 MiB part size is refused (usage error)", r.returncode == 2 and b"5 MiB to 5 GiB" in r.stderr, r.stderr.decode())
r = cli("complete-multipart", f"s3://{bucket}/k", "--part", "1=x")
check("a missing upload id is a usage error", r.returncode == 2 and b"--upload-id is missing" in r.stderr,
      r.stderr.decode())

# Clean up what this run created.
for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
    s3.delete_object(Bucket=bucket, Key=obj["Key"])
s3.delete_bucket(Bucket=bucket)
os.unlink(parts_file)

print(f"post_multipart_test: {passed} passed, {len(failures)} failed against {ENDPOINT}")
sys.exit(1 if failures else 0)
