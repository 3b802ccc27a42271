#!/usr/bin/env python3
"""S3 Express One Zone through the CLI, against a loopback fake directory bucket and botocore 1.43.

The fake (127.0.0.1 only) implements CreateSession (GET /BUCKET?session) and PutObject/GetObject.
It checks every signature with botocore's signer: CreateSession must be signed with the caller's
own keys and service s3express; every other request with the session it issued, service s3express
and the session token in x-amz-s3session-token (X-Amz-S3session-Token when presigned). It counts
CreateSession calls. Then, at a frozen clock, the CLI's presigned URL and canonical request must be
botocore's own for the same bucket and session.
Usage: s3express_cli_test.py PATH/TO/urlmint"""
import datetime
import hashlib
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from unittest import mock

import botocore.auth
import botocore.endpoint
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

URLMINT = sys.argv[1]
BASE_ID, BASE_SECRET = "AKIDEXPRESSBASE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_ID, SESSION_SECRET, SESSION_TOKEN = "ASIAEXPRESSSESSION", "session/secret+key", "session-token+/=value"
REGION, BUCKET = "us-west-2", "charts--usw2-az1--x-s3"
NOW = datetime.datetime(2026, 3, 1, 12, 34, 56)
NOW_FLAG = "20260301T123456Z"
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)[:400]))


class OnlySigned(botocore.auth.S3SigV4Auth):
    """botocore's S3 signer restricted to the headers the client says it signed."""

    def __init__(self, creds, region, signed, payload):
        super().__init__(creds, "s3express", region)
        self._signed, self._payload = signed, payload

    def headers_to_sign(self, request):
        out = botocore.awsrequest.HTTPHeaders()
        for name in self._signed:
            out[name] = request.headers.get(name, "")
        return out

    def payload(self, request):
        return self._payload


AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                  r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


class Fake(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.creates = 0
        self.verified = 0
        self.rejected = []
        self.requests = []
        self.objects = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _deny(self, why):
        with self.server.lock:
            self.server.rejected.append(f"{self.command} {self.path}: {why}")
        self._send(403, b"<Error><Code>SignatureDoesNotMatch</Code><Message>" + why.encode() + b"</Message></Error>")

    def _verify(self, body):
        """Checks the request's signature with botocore; returns (ok, why, kind)."""
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        names = [k for k, _ in query]
        is_create = "session" in names
        headers = {k.lower(): v for k, v in self.headers.items()}
        presigned = "X-Amz-Signature" in names
        if presigned:
            q = dict(query)
            m = re.match(r"([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$", q.get("X-Amz-Credential", ""))
            if not m or q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
                return False, "bad presigned credential", "presigned"
            key_id, _, region, service = m.groups()
            signed, signature, date = q["X-Amz-SignedHeaders"].split(";"), q["X-Amz-Signature"], q["X-Amz-Date"]
            token = q.get("X-Amz-S3session-Token")
            payload = "UNSIGNED-PAYLOAD"
            rest = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                            for k, v in query if k != "X-Amz-Signature")
            sign_url = f"http://{headers['host']}{url.path}?{rest}"
        else:
            m = AUTH.match(headers.get("authorization", ""))
            if not m:
                return False, "no SigV4 Authorization", "header"
            key_id, _, region, service, signed_text, signature = m.groups()
            signed, date = signed_text.split(";"), headers.get("x-amz-date", "")
            token = headers.get("x-amz-s3session-token")
            payload = headers.get("x-amz-content-sha256", "")
            if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
                return False, "x-amz-content-sha256 does not match the body", "header"
            sign_url = f"http://{headers['host']}{self.path}"
        if service != "s3express":
            return False, f"signed for service {service}, not s3express", "x"
        if region != REGION:
            return False, f"signed for region {region}", "x"
        if is_create:
            if key_id != BASE_ID or token is not None or "x-amz-s3session-token" in headers:
                return False, "CreateSession must be signed with the caller's own keys, no session token", "create"
            secret = BASE_SECRET
        else:
            if key_id != SESSION_ID:
                return False, f"signed with {key_id}, not the session's access key", "object"
            if token != SESSION_TOKEN:
                return False, "missing or wrong session token", "object"
            if "x-amz-security-token" in headers or "X-Amz-Security-Token" in names:
                return False, "x-amz-security-token sent to a directory bucket", "object"
            if "content-md5" in headers:
                return False, "Content-MD5 is not supported for directory buckets", "object"
            secret = SESSION_SECRET
        req = AWSRequest(method=self.command, url=sign_url, headers={n: headers.get(n, "") for n in signed})
        req.context["timestamp"] = date
        signer = OnlySigned(Credentials(key_id, secret), region, signed, payload)
        expected = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
        if expected != signature:
            return False, "signature mismatch; canonical request was:\n" + signer.canonical_request(req), "x"
        return True, "", ("create" if is_create else "object")

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        ok, why, kind = self._verify(body)
        with self.server.lock:
            self.server.requests.append((self.command, self.path, dict(self.headers)))
        if not ok:
            return self._deny(why)
        with self.server.lock:
            self.server.verified += 1
        path = urllib.parse.urlsplit(self.path).path
        if kind == "create":
            with self.server.lock:
                self.server.creates += 1
            expires = (datetime.datetime.utcnow() + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateSessionResult xmlns=\"http://s3.amazonaws.com/"
                   f"doc/2006-03-01/\"><Credentials><SessionToken>{SESSION_TOKEN}</SessionToken><SecretAccessKey>"
                   f"{SESSION_SECRET}</SecretAccessKey><AccessKeyId>{SESSION_ID}</AccessKeyId><Expiration>{expires}"
                   "</Expiration></Credentials></CreateSessionResult>").encode()
            return self._send(200, xml, [("Content-Type", "application/xml")])
        if self.command == "PUT":
            self.server.objects[path] = body
            return self._send(200, b"", [("ETag", '"%s"' % hashlib.md5(body).hexdigest())])
        if self.command in ("GET", "HEAD"):
            if path not in self.server.objects:
                return self._send(404, b"<Error><Code>NoSuchKey</Code><Message>no</Message></Error>")
            data = self.server.objects[path]
            return self._send(200, data, [("ETag", '"%s"' % hashlib.md5(data).hexdigest())])
        return self._send(204)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _handle


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(AWS_ACCESS_KEY_ID=BASE_ID, AWS_SECRET_ACCESS_KEY=BASE_SECRET, AWS_REGION=REGION,
             AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/nonexistent",
             AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    e.pop("CLOUDFRONT_DOMAIN", None)
    e.update(extra)
    return e


def run(args):
    return subprocess.run([URLMINT] + args, capture_output=True, env=env(), timeout=120)


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def botocore_client(endpoint):
    session = botocore.session.get_session()
    return session.create_client("s3", region_name=REGION, aws_access_key_id=BASE_ID,
                                 aws_secret_access_key=BASE_SECRET, endpoint_url=endpoint)


def split_url(url):
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, sorted(parts.query.split("&"))


def main():
    server = Fake()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    tmp = tempfile.mkdtemp(prefix="urlmint-express-")
    src = os.path.join(tmp, "chart.png")
    data = os.urandom(3000)
    with open(src, "wb") as f:
        f.write(data)

    # Upload: one CreateSession, then a PutObject signed with the session.
    r = run(["s3", "cp", src, f"s3://{BUCKET}/charts/chart.png", "--endpoint-url", endpoint])
    check("s3 cp upload to a directory bucket succeeds", r.returncode == 0, r.stderr.decode())
    check("the upload made exactly one CreateSession", server.creates == 1, server.creates)
    puts = [h for m, p, h in server.requests if m == "PUT"]
    check("the PutObject carried x-amz-s3session-token",
          len(puts) == 1 and puts[0].get("x-amz-s3session-token") == SESSION_TOKEN, puts)
    check("the upload printed a presigned URL with X-Amz-S3session-Token",
          b"X-Amz-S3session-Token=" in r.stdout, r.stdout)
    check("no secret or session token in the output",
          all(s.encode() not in r.stdout + r.stderr for s in (BASE_SECRET, SESSION_SECRET)) and
          SESSION_TOKEN.encode() not in r.stderr, r.stderr)
    if r.stdout.strip():
        got = OPENER.open(r.stdout.decode().strip(), timeout=30).read()
        check("the printed URL downloads the object (signature verified by the fake)", got == data)

    # Download in a second process: its own single CreateSession.
    before = server.creates
    out = os.path.join(tmp, "out.png")
    r = run(["s3", "cp", f"s3://{BUCKET}/charts/chart.png", out, "--endpoint-url", endpoint])
    check("s3 cp download from a directory bucket succeeds", r.returncode == 0, r.stderr.decode())
    check("the download made exactly one CreateSession", server.creates == before + 1, server.creates)
    check("the downloaded bytes are the uploaded ones", os.path.exists(out) and open(out, "rb").read() == data)

    # Presign: the CLI makes the one CreateSession it needs, and the URL works.
    before = server.creates
    r = run(["s3", "presign", f"s3://{BUCKET}/charts/chart.png", "--endpoint-url", endpoint, "--expires-in", "300"])
    url = r.stdout.decode().strip()
    check("s3 presign on a directory bucket succeeds", r.returncode == 0, r.stderr.decode())
    check("presign made exactly one CreateSession", server.creates == before + 1, server.creates)
    check("the presigned GET carries X-Amz-S3session-Token and the s3express scope",
          "X-Amz-S3session-Token=" in url and "%2Fs3express%2Faws4_request" in url and
          "X-Amz-Security-Token" not in url, url)
    if r.returncode == 0:
        check("the presigned GET downloads the object", OPENER.open(url, timeout=30).read() == data)
    r = run(["s3", "presign", f"s3://{BUCKET}/charts/chart.png", "--endpoint-url", endpoint, "--expires-in", "3600"])
    check("a URL longer than the session's life gets the lifetime warning",
          r.returncode == 0 and b"warning" in r.stderr, r.stderr.decode())

    # botocore at a frozen clock, against the same fake (which hands both the same session).
    client = botocore_client(endpoint)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
        boto_url = client.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "charts/chart.png"}, ExpiresIn=300)
    r = run(["s3", "presign", f"s3://{BUCKET}/charts/chart.png", "--endpoint-url", endpoint, "--expires-in", "300",
             "--now", NOW_FLAG, "--debug"])
    ours = r.stdout.decode().strip()
    check("the presigned URL is botocore's (same host, path and query; order aside)",
          split_url(ours) == split_url(boto_url), f"\n ours {ours}\n boto {boto_url}")
    creq = "GET\n/charts--usw2-az1--x-s3/charts/chart.png\n" + "&".join(sorted(
        p for p in urllib.parse.urlsplit(boto_url).query.split("&") if not p.startswith("X-Amz-Signature="))) + \
        "\nhost:" + endpoint[len("http://"):] + "\n\nhost\nUNSIGNED-PAYLOAD"
    creq = creq.replace(urllib.parse.quote(SESSION_TOKEN, safe="-_.~"), "<redacted>")
    check("--debug prints botocore's canonical request (the token redacted)", creq in r.stderr.decode(),
          r.stderr.decode()[:800])

    # AWS zonal hosts, no network: botocore's HTTP send is stubbed to answer CreateSession with the
    # fake's session (tests/data/s3express/generate.py does the same).
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "s3express"))
    import generate
    with mock.patch.object(botocore.endpoint.Endpoint, "_send", generate.fake_send), \
            mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
        aws_url = botocore_client(None).generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "a b/c.png"}, ExpiresIn=300)
    check("botocore's zonal host is BUCKET.s3express-AZID.REGION.amazonaws.com",
          urllib.parse.urlsplit(aws_url).netloc == f"{BUCKET}.s3express-usw2-az1.{REGION}.amazonaws.com", aws_url)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "s3express",
                           "botocore-aws-presign.txt")) as f:
        recorded = f.read().strip()
    check("the recorded botocore URL (tests/data/s3express, checked by s3express_test) is still botocore's",
          split_url(recorded) == split_url(aws_url), f"\n rec  {recorded}\n boto {aws_url}")

    check("the fake verified every request's signature", not server.rejected, server.rejected)
    server.shutdown()
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
