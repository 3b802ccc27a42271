#!/usr/bin/env python3
"""Sanity check of the S3 test server started by scripts/swift-s3.sh.

Reads URLMINT_TEST_S3_ENDPOINT, URLMINT_TEST_S3_ACCESS_KEY,
URLMINT_TEST_S3_SECRET_KEY, URLMINT_TEST_S3_REGION (and optionally
URLMINT_TEST_S3_MIN_PART_SIZE) from the environment, e.g. after
`. DIR/env`.  First proves the server is strict (a tampered signature is
refused), then exercises SigV4 header signing and presigned URLs with
botocore/boto3 and plain curl.  Exits non-zero with a clear message on the
first failure; prints one line per passed check.

    python3 scripts/swift_smoke.py
"""
import hashlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

try:
    import boto3
    import botocore
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError as e:  # pragma: no cover
    sys.exit("swift_smoke: FAIL: boto3/botocore not importable: %s" % e)


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit("swift_smoke: FAIL: %s is not set (source DIR/env from "
                 "scripts/swift-s3.sh start DIR)" % name)
    return value


ENDPOINT = env("URLMINT_TEST_S3_ENDPOINT").rstrip("/")
ACCESS = env("URLMINT_TEST_S3_ACCESS_KEY")
SECRET = env("URLMINT_TEST_S3_SECRET_KEY")
REGION = env("URLMINT_TEST_S3_REGION")
MIN_PART = int(env("URLMINT_TEST_S3_MIN_PART_SIZE", "5242880"))

PASSED = []


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def ok(msg):
    PASSED.append(msg)
    print("swift_smoke: ok: %s" % msg, flush=True)


def client(access=ACCESS, secret=SECRET, region=REGION):
    return boto3.client(
        "s3", endpoint_url=ENDPOINT, aws_access_key_id=access,
        aws_secret_access_key=secret, region_name=region,
        config=Config(signature_version="s3v4",
                      s3={"addressing_style": "path"},
                      retries={"max_attempts": 1, "mode": "standard"},
                      connect_timeout=10, read_timeout=60))


def client_error(fn, *args, **kwargs):
    """Run a boto3 call that must fail; return (http status, error code)."""
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response.get("Error", {}).get("Code"))
    raise Failure("%s unexpectedly succeeded" % getattr(fn, "__name__", fn))


def curl(url, method="GET", data=None, headers=()):
    """Plain curl; returns (status, body bytes).  --globoff and no URL
    rewriting: the presigned URL must reach the server byte for byte."""
    cmd = ["curl", "-sS", "--globoff", "--path-as-is", "--max-time", "60",
           "-o", "-", "-w", "\n%{http_code}", "-X", method]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    cmd.append(url)
    try:
        p = subprocess.run(cmd, input=data, capture_output=True, timeout=90)
    except FileNotFoundError:
        raise Failure("curl is not installed")
    if p.returncode != 0:
        raise Failure("curl %s %s failed: %s" % (method, url,
                                                 p.stderr.decode(errors="replace")))
    body, _, code = p.stdout.rpartition(b"\n")
    return int(code), body


def raw(method, url, headers, data=None):
    """Send a request exactly as given (urllib); returns (status, body)."""
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=dict(headers))
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def signed_headers(method, url, data=b"", extra=None, secret=SECRET,
                   region=REGION, payload_hash=None):
    """SigV4 header-signed request by botocore; returns headers dict."""
    headers = dict(extra or {})
    headers["x-amz-content-sha256"] = payload_hash or \
        hashlib.sha256(data).hexdigest()
    req = AWSRequest(method=method, url=url, data=data, headers=headers)
    SigV4Auth(Credentials(ACCESS, secret), "s3", region).add_auth(req)
    return dict(req.headers.items())


def tamper(sig):
    return ("0" if sig[-1] != "0" else "1").join([sig[:-1], ""])


def main():
    s3 = client()
    bucket = "urlmint-smoke-%s" % uuid.uuid4().hex[:12]
    created = []

    # --- 0. The server answers at all.
    try:
        code, _ = curl(ENDPOINT + "/healthcheck")
    except Failure as e:
        raise Failure("server at %s does not answer: %s" % (ENDPOINT, e))
    check(code == 200, "GET /healthcheck -> %s" % code)
    ok("server answers at %s" % ENDPOINT)

    s3.create_bucket(Bucket=bucket)
    ok("create bucket %s (SigV4 header auth)" % bucket)
    key = "strict/check.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"strict")
    created.append(key)

    # --- 1. Strictness first: tampered signatures must be refused.
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
    code, body = curl(url)
    check(code == 200 and body == b"strict",
          "presigned GET of a good URL -> %s %r" % (code, body[:200]))
    head, _, sig = url.rpartition("X-Amz-Signature=")
    code, body = curl(head + "X-Amz-Signature=" + tamper(sig))
    check(code == 403 and b"SignatureDoesNotMatch" in body,
          "presigned GET with a tampered signature was not refused with "
          "403 SignatureDoesNotMatch: %s %r -- the server is NOT strict"
          % (code, body[:300]))
    ok("tampered presigned signature -> 403 SignatureDoesNotMatch")

    obj_url = "%s/%s/%s" % (ENDPOINT, bucket, key)
    h = signed_headers("GET", obj_url)
    code, body = raw("GET", obj_url, h)
    check(code == 200 and body == b"strict",
          "header-signed GET -> %s %r" % (code, body[:200]))
    auth = h["Authorization"]
    h["Authorization"] = tamper(auth)
    code, body = raw("GET", obj_url, h)
    check(code == 403 and b"SignatureDoesNotMatch" in body,
          "header-signed GET with a tampered signature -> %s %r -- the "
          "server is NOT strict" % (code, body[:300]))
    ok("tampered Authorization signature -> 403 SignatureDoesNotMatch")

    # A signed header changed after signing.
    h = signed_headers("GET", obj_url, extra={"x-amz-meta-probe": "a"})
    h["x-amz-meta-probe"] = "b"
    code, body = raw("GET", obj_url, h)
    check(code == 403 and b"SignatureDoesNotMatch" in body,
          "changed signed header -> %s %r" % (code, body[:300]))
    ok("signed header changed after signing -> 403 SignatureDoesNotMatch")

    status, err = client_error(client(secret=SECRET + "x").get_object,
                               Bucket=bucket, Key=key)
    check(status == 403 and err == "SignatureDoesNotMatch",
          "wrong secret -> %s %s" % (status, err))
    ok("wrong secret key -> 403 SignatureDoesNotMatch")

    status, err = client_error(client(access="nobody:nobody").get_object,
                               Bucket=bucket, Key=key)
    check(status == 403, "unknown access key -> %s %s" % (status, err))
    ok("unknown access key -> 403 %s" % err)

    # Unsigned request for a private object.
    code, body = curl(obj_url)
    check(code in (401, 403) or code >= 400,
          "unsigned GET of a private object -> %s" % code)
    check(body != b"strict", "unsigned GET returned the object")
    ok("unsigned GET of a private object refused (%s)" % code)

    # --- 2. Objects with headers read back.
    s3.put_object(Bucket=bucket, Key="hdr.txt", Body=b"hello headers",
                  ContentType="text/x-urlmint; charset=utf-8",
                  CacheControl="max-age=60, public",
                  Metadata={"purpose": "smoke"})
    created.append("hdr.txt")
    r = s3.get_object(Bucket=bucket, Key="hdr.txt")
    check(r["Body"].read() == b"hello headers", "GET hdr.txt body differs")
    check(r["ContentType"] == "text/x-urlmint; charset=utf-8",
          "Content-Type read back as %r" % r["ContentType"])
    check(r.get("CacheControl") == "max-age=60, public",
          "Cache-Control read back as %r" % r.get("CacheControl"))
    check(r.get("Metadata") == {"purpose": "smoke"},
          "x-amz-meta read back as %r" % r.get("Metadata"))
    h = s3.head_object(Bucket=bucket, Key="hdr.txt")
    check(h["ContentLength"] == 13, "HEAD length %r" % h["ContentLength"])
    ok("PUT with Content-Type/Cache-Control/x-amz-meta, GET+HEAD read back")

    big = {"a": "v" * 1500, "b": "w" * 400}  # ~1.9 KiB: S3 allows 2 KiB
    s3.put_object(Bucket=bucket, Key="bigmeta", Body=b"m", Metadata=big)
    created.append("bigmeta")
    got = s3.head_object(Bucket=bucket, Key="bigmeta").get("Metadata")
    check(got == big, "1.9 KiB of x-amz-meta not read back (%r)"
          % {k: len(v) for k, v in (got or {}).items()})
    ok("1.9 KiB of x-amz-meta stored and read back (xattr room)")

    # --- 3. Presigned GET and PUT with plain curl.
    body = b"put via presigned url\n"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "presigned-put.bin"},
        ExpiresIn=600)
    code, resp = curl(put_url, method="PUT", data=body)
    check(code == 200, "presigned PUT via curl -> %s %r" % (code, resp[:300]))
    created.append("presigned-put.bin")
    check(s3.get_object(Bucket=bucket, Key="presigned-put.bin")["Body"].read()
          == body, "presigned PUT stored different bytes")
    ok("presigned PUT via curl")

    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "presigned-ct.txt",
                              "ContentType": "text/plain"}, ExpiresIn=600)
    code, resp = curl(put_url, method="PUT", data=b"x",
                      headers=["Content-Type: text/html"])
    check(code == 403 and b"SignatureDoesNotMatch" in resp,
          "presigned PUT with a different Content-Type than signed -> %s %r"
          % (code, resp[:300]))
    code, resp = curl(put_url, method="PUT", data=b"typed",
                      headers=["Content-Type: text/plain"])
    check(code == 200, "presigned PUT with signed Content-Type -> %s %r"
          % (code, resp[:300]))
    created.append("presigned-ct.txt")
    check(s3.head_object(Bucket=bucket, Key="presigned-ct.txt")["ContentType"]
          == "text/plain", "presigned PUT Content-Type not stored")
    ok("presigned PUT with signed Content-Type (wrong type -> 403)")

    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "hdr.txt",
                              "ResponseContentDisposition":
                                  'attachment; filename="a b.txt"'},
        ExpiresIn=600)
    p = subprocess.run(["curl", "-sS", "--globoff", "-D", "-", "-o",
                        "/dev/null", get_url], capture_output=True)
    check(p.returncode == 0 and b" 200" in p.stdout.split(b"\r\n")[0],
          "presigned GET with response-content-disposition: %r"
          % p.stdout[:300])
    check(b'attachment; filename="a b.txt"' in p.stdout,
          "response-content-disposition not applied: %r" % p.stdout)
    ok("presigned GET via curl with response-content-disposition")

    # --- 4. Awkward keys.
    for k in ["with space.txt", "plus+sign.txt", "unicodé/ключ/鍵.txt",
              "tilde~eq=amp&pct%25.txt", "a/b//c"]:
        data = ("key %s" % k).encode()
        s3.put_object(Bucket=bucket, Key=k, Body=data)
        created.append(k)
        check(s3.get_object(Bucket=bucket, Key=k)["Body"].read() == data,
              "GET %r returned other bytes" % k)
        u = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": k}, ExpiresIn=600)
        code, got = curl(u)
        check(code == 200 and got == data,
              "presigned GET of %r via curl -> %s %r" % (k, code, got[:300]))
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    check("plus+sign.txt" in listed and "unicodé/ключ/鍵.txt" in listed,
          "listing lacks keys: %r" % sorted(listed))
    ok("keys with space, '+', unicode, '~=&%', '//' (boto3 and presigned curl)")

    # --- 5. Multipart upload.
    mkey = "multi part/ü.bin"
    part1 = os.urandom(MIN_PART)
    part2 = b"tail" * 1000
    up = s3.create_multipart_upload(Bucket=bucket, Key=mkey,
                                    ContentType="application/x-urlmint")
    uid = up["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key=mkey, UploadId=uid, PartNumber=1,
                        Body=part1)["ETag"]
    # Part 2 via a presigned URL and curl.
    u = s3.generate_presigned_url(
        "upload_part", Params={"Bucket": bucket, "Key": mkey, "UploadId": uid,
                               "PartNumber": 2}, ExpiresIn=600)
    p = subprocess.run(["curl", "-sS", "--globoff", "-X", "PUT",
                        "--data-binary", "@-", "-D", "-", "-o", "/dev/null", u],
                       input=part2, capture_output=True)
    check(p.returncode == 0 and b" 200" in p.stdout.split(b"\r\n")[0],
          "presigned UploadPart via curl: %r" % p.stdout[:300])
    e2 = [ln.split(b":", 1)[1].strip().decode() for ln in
          p.stdout.split(b"\r\n") if ln.lower().startswith(b"etag:")][0]
    parts = s3.list_parts(Bucket=bucket, Key=mkey, UploadId=uid)["Parts"]
    check([pp["PartNumber"] for pp in parts] == [1, 2],
          "ListParts: %r" % parts)
    s3.complete_multipart_upload(
        Bucket=bucket, Key=mkey, UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                   {"PartNumber": 2, "ETag": e2}]})
    created.append(mkey)
    r = s3.get_object(Bucket=bucket, Key=mkey)
    got = r["Body"].read()
    check(got == part1 + part2, "multipart object differs (%d bytes)"
          % len(got))
    check(r["ETag"].strip('"').endswith("-2"), "multipart ETag %r" % r["ETag"])
    check(r["ContentType"] == "application/x-urlmint",
          "multipart Content-Type %r" % r["ContentType"])
    ok("multipart upload (part 1 %d bytes via boto3, part 2 presigned via "
       "curl), ETag %s" % (MIN_PART, r["ETag"]))

    if MIN_PART > 1:
        up = s3.create_multipart_upload(Bucket=bucket, Key="small-parts")
        uid = up["UploadId"]
        es = [s3.upload_part(Bucket=bucket, Key="small-parts", UploadId=uid,
                             PartNumber=i, Body=b"x" * 10)["ETag"]
              for i in (1, 2)]
        status, err = client_error(
            s3.complete_multipart_upload, Bucket=bucket, Key="small-parts",
            UploadId=uid, MultipartUpload={"Parts": [
                {"PartNumber": i + 1, "ETag": e} for i, e in enumerate(es)]})
        check(status == 400 and err == "EntityTooSmall",
              "too-small part -> %s %s" % (status, err))
        s3.abort_multipart_upload(Bucket=bucket, Key="small-parts",
                                  UploadId=uid)
        ok("non-last part smaller than %d bytes -> 400 EntityTooSmall"
           % MIN_PART)

    # --- 6. Other strictness that tests may rely on.
    u = s3.generate_presigned_url("get_object",
                                  Params={"Bucket": bucket, "Key": "hdr.txt"},
                                  ExpiresIn=1)
    time.sleep(2.1)
    code, resp = curl(u)
    check(code == 403 and b"AccessDenied" in resp,
          "expired presigned URL -> %s %r" % (code, resp[:300]))
    ok("expired presigned URL -> 403 AccessDenied")

    u = s3.generate_presigned_url("get_object",
                                  Params={"Bucket": bucket, "Key": "hdr.txt"},
                                  ExpiresIn=604801)
    code, resp = curl(u)
    check(code == 400 and b"AuthorizationQueryParametersError" in resp,
          "X-Amz-Expires > 7 days -> %s %r" % (code, resp[:300]))
    ok("X-Amz-Expires > 604800 -> 400 AuthorizationQueryParametersError")

    # (Raw request: botocore itself would follow the <Region> in the error
    # and retry with us-east-1.)
    hdr_url = "%s/%s/hdr.txt" % (ENDPOINT, bucket)
    code, resp = raw("GET", hdr_url,
                     signed_headers("GET", hdr_url, region="eu-west-1"))
    check(code == 400 and b"AuthorizationHeaderMalformed" in resp,
          "wrong region (header) -> %s %r" % (code, resp[:300]))
    u = client(region="eu-west-1").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "hdr.txt"},
        ExpiresIn=60)
    code, resp = curl(u)
    check(code == 400 and b"AuthorizationQueryParametersError" in resp,
          "wrong region (presigned) -> %s %r" % (code, resp[:300]))
    ok("wrong region -> 400 AuthorizationHeaderMalformed / "
       "AuthorizationQueryParametersError")

    put_url = "%s/%s/sha-mismatch" % (ENDPOINT, bucket)
    h = signed_headers("PUT", put_url, data=b"abc",
                       payload_hash=hashlib.sha256(b"abd").hexdigest())
    code, resp = raw("PUT", put_url, h, data=b"abc")
    check(code == 400 and b"BadDigest" in resp,
          "x-amz-content-sha256 mismatch -> %s %r" % (code, resp[:300]))
    status, err = client_error(s3.head_object, Bucket=bucket,
                               Key="sha-mismatch")
    check(status == 404, "object stored despite sha256 mismatch")
    ok("x-amz-content-sha256 mismatch -> 400 BadDigest, nothing stored")

    h = signed_headers("PUT", put_url, data=b"abc",
                       payload_hash="UNSIGNED-PAYLOAD")
    code, resp = raw("PUT", put_url, h, data=b"abc")
    check(code == 200, "UNSIGNED-PAYLOAD header-signed PUT -> %s %r"
          % (code, resp[:300]))
    created.append("sha-mismatch")
    ok("header-signed PUT with x-amz-content-sha256: UNSIGNED-PAYLOAD")

    # --- 7. Clean up.
    for k in created:
        s3.delete_object(Bucket=bucket, Key=k)
    left = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    check(not left, "objects left after delete: %r" % left)
    s3.delete_bucket(Bucket=bucket)
    ok("delete objects and bucket")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        sys.exit("swift_smoke: FAIL: %s" % e)
    except botocore.exceptions.ClientError as e:
        sys.exit("swift_smoke: FAIL: unexpected S3 error: %s" % e)
    except (botocore.exceptions.BotoCoreError, OSError) as e:
        sys.exit("swift_smoke: FAIL: %s: %s" % (type(e).__name__, e))
    print("swift_smoke: %d passed, 0 failed" % len(PASSED))
