#!/usr/bin/env python3
"""A loopback S3 for issue 14's tests: buckets that live in regions, SigV4 checked by botocore,
and S3's additional checksums recomputed independently of urlmint (zlib, hashlib and table CRCs
written here from the polynomials).

  * Every request must be SigV4-signed with the server's key for the bucket's region; a request
    signed for another region gets what S3 sends: 400 AuthorizationHeaderMalformed naming the
    region in <Region> and x-amz-bucket-region (HEAD: the header only). A bad signature is 403.
  * PutObject, UploadPart: x-amz-content-sha256 and Content-MD5 are checked; an x-amz-checksum-*
    header must equal the checksum of the body (else 400 BadDigest).
  * Create/UploadPart/CompleteMultipartUpload: the parts' <ChecksumX> must be what each part was
    sent with; a full-object x-amz-checksum-crc64nvme on Complete must be the whole object's.
  * GetObject/HeadObject with x-amz-checksum-mode: ENABLED return the stored checksum; objects
    under "corrupt/" are served with one byte flipped (their checksum is the true one).
Binds 127.0.0.1 only.  srv = FakeS3({"bucket": "eu-west-1"}).start(); srv.url; srv.stop()
"""
import base64
import hashlib
import re
import threading
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDFAKES3EXAMPLE"
SECRET_KEY = "fake/s3/secret/key/EXAMPLE+0123456789"


def _table(poly, width):
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table, (1 << width) - 1


_CRC32C = _table(0x82F63B78, 32)
_CRC64NVME = _table(0x9A6C9329AC4BC9B5, 64)


def _table_crc(spec, data):
    table, mask = spec
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def digest(alg, data):
    """The raw big-endian digest S3 base64-encodes into x-amz-checksum-<alg>."""
    if alg == "crc32":
        return zlib.crc32(data).to_bytes(4, "big")
    if alg == "crc32c":
        return _table_crc(_CRC32C, data).to_bytes(4, "big")
    if alg == "crc64nvme":
        return _table_crc(_CRC64NVME, data).to_bytes(8, "big")
    return hashlib.new({"sha1": "sha1", "sha256": "sha256"}[alg], data).digest()


def b64(raw):
    return base64.b64encode(raw).decode()


ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"]


class FakeS3:
    def __init__(self, buckets):
        self.buckets = dict(buckets)          # name -> region
        self.objects = {}                     # (bucket, key) -> dict(body, checksum alg/value/type)
        self.uploads = {}                     # upload id -> dict
        self.requests = []                    # (method, path, region signed for, headers)
        self.lock = threading.Lock()
        self._server = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._server.server_address[1]

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner._handle(self, "GET")

            def do_HEAD(self):
                owner._handle(self, "HEAD")

            def do_PUT(self):
                owner._handle(self, "PUT")

            def do_POST(self):
                owner._handle(self, "POST")

            def do_DELETE(self):
                owner._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # -----------------------------------------------------------------------------------------

    def _send(self, h, status, body=b"", headers=None, method="GET"):
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if method != "HEAD":
            h.wfile.write(body)

    def _error(self, h, method, status, code, message, extra=None):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s</Message>%s"
                "<RequestId>fake</RequestId></Error>" % (code, message, extra or "")).encode()
        headers = {"Content-Type": "application/xml"}
        if code == "AuthorizationHeaderMalformed":
            headers["x-amz-bucket-region"] = re.search(r"<Region>(.*)</Region>", extra).group(1)
        self._send(h, status, body, headers, method)

    def _verify(self, h, method, body):
        """Returns the region signed for, or None after answering with an error."""
        auth = h.headers.get("Authorization", "")
        m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
        if not m or m.group(1) != ACCESS_KEY:
            self._error(h, method, 403, "AccessDenied", "missing or foreign SigV4 Authorization")
            return None
        region, signed, signature = m.group(3), m.group(4).split(";"), m.group(5)
        parts = urllib.parse.urlsplit(h.path)
        bucket = parts.path.lstrip("/").split("/", 1)[0]
        want_region = self.buckets.get(bucket)
        if want_region is None:
            self._error(h, method, 404, "NoSuchBucket", "The specified bucket does not exist")
            return None
        if region != want_region:
            self._error(h, method, 400, "AuthorizationHeaderMalformed",
                        "The authorization header is malformed; the region '%s' is wrong; expecting '%s'" % (
                            region, want_region), "<Region>%s</Region>" % want_region)
            return None
        req = AWSRequest(method=method, url="http://%s%s" % (h.headers["Host"], h.path), data=body)
        req.headers = HTTPHeaders()
        for name in signed:
            req.headers[name] = h.headers.get(name, "")
        req.context["timestamp"] = h.headers.get("x-amz-date", "")

        class Only(S3SigV4Auth):
            def headers_to_sign(self, request):
                out = HTTPHeaders()
                for name in signed:
                    out[name] = request.headers[name]
                return out

        signer = Only(Credentials(ACCESS_KEY, SECRET_KEY), "s3", region)
        expected = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
        if expected != signature:
            self._error(h, method, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match")
            return None
        sha = h.headers.get("x-amz-content-sha256", "")
        if sha != "UNSIGNED-PAYLOAD" and sha != hashlib.sha256(body).hexdigest():
            self._error(h, method, 400, "XAmzContentSHA256Mismatch", "x-amz-content-sha256 does not match the body")
            return None
        md5 = h.headers.get("Content-MD5")
        if md5 is not None and md5 != b64(hashlib.md5(body).digest()):
            self._error(h, method, 400, "BadDigest", "Content-MD5 does not match the body")
            return None
        return region

    def _checksum_header(self, h):
        for alg in ALGORITHMS:
            v = h.headers.get("x-amz-checksum-" + alg)
            if v is not None:
                return alg, v
        return None, None

    def _handle(self, h, method):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        region = self._verify(h, method, body)
        with self.lock:
            self.requests.append((method, h.path, region, dict(h.headers)))
        if region is None:
            return
        parts = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        bucket, _, key = parts.path.lstrip("/").partition("/")
        key = urllib.parse.unquote(key)
        with self.lock:
            if method == "PUT" and "partNumber" in query:
                return self._upload_part(h, query, body)
            if method == "PUT":
                return self._put(h, bucket, key, body)
            if method == "POST" and "uploads" in query:
                return self._create(h, bucket, key)
            if method == "POST" and "uploadId" in query:
                return self._complete(h, bucket, key, query["uploadId"], body)
            if method == "DELETE" and "uploadId" in query:
                self.uploads.pop(query["uploadId"], None)
                return self._send(h, 204, method=method)
            if method in ("GET", "HEAD"):
                return self._get(h, method, bucket, key)
            if method == "DELETE":
                self.objects.pop((bucket, key), None)
                return self._send(h, 204, method=method)
        self._error(h, method, 501, "NotImplemented", "the fake does not do this")

    def _put(self, h, bucket, key, body):
        alg, value = self._checksum_header(h)
        if alg is not None and value != b64(digest(alg, body)):
            return self._error(h, "PUT", 400, "BadDigest", "The %s you specified did not match the calculated "
                                                           "checksum." % alg.upper())
        self.objects[(bucket, key)] = {"body": body, "alg": alg, "checksum": value, "type": "FULL_OBJECT"}
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        headers = {"ETag": etag}
        if alg:
            headers["x-amz-checksum-" + alg] = value
        self._send(h, 200, b"", headers)

    def _create(self, h, bucket, key):
        upload_id = "upload-%d" % (len(self.uploads) + 1)
        alg = (h.headers.get("x-amz-checksum-algorithm") or "").lower() or None
        self.uploads[upload_id] = {"bucket": bucket, "key": key, "alg": alg, "parts": {},
                                   "type": h.headers.get("x-amz-checksum-type")}
        xml = ("<InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId>"
               "</InitiateMultipartUploadResult>" % (bucket, key, upload_id)).encode()
        self._send(h, 200, xml, {"Content-Type": "application/xml"})

    def _upload_part(self, h, query, body):
        upload = self.uploads.get(query["uploadId"])
        if upload is None:
            return self._error(h, "PUT", 404, "NoSuchUpload", "no such upload")
        alg, value = self._checksum_header(h)
        if upload["alg"] and alg != upload["alg"]:
            return self._error(h, "PUT", 400, "InvalidRequest", "the part needs x-amz-checksum-" + upload["alg"])
        if alg is not None and value != b64(digest(alg, body)):
            return self._error(h, "PUT", 400, "BadDigest", "part checksum mismatch")
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        upload["parts"][int(query["partNumber"])] = (body, etag, value)
        self._send(h, 200, b"", {"ETag": etag})

    def _complete(self, h, bucket, key, upload_id, body):
        upload = self.uploads.pop(upload_id, None)
        if upload is None:
            return self._error(h, "POST", 404, "NoSuchUpload", "no such upload")
        text = body.decode()
        numbers = [int(n) for n in re.findall(r"<PartNumber>(\d+)</PartNumber>", text)]
        alg = upload["alg"]
        if alg:
            listed = re.findall(r"<Checksum%s>([^<]*)</Checksum%s>" % (alg.upper(), alg.upper()), text)
            if listed != [upload["parts"][n][2] for n in numbers]:
                return self._error(h, "POST", 400, "InvalidPart", "the listed part checksums are not the parts'")
        data = b"".join(upload["parts"][n][0] for n in numbers)
        checksum, ctype = None, None
        if alg == "crc64nvme":
            checksum, ctype = b64(digest(alg, data)), "FULL_OBJECT"
            if h.headers.get("x-amz-checksum-crc64nvme") != checksum:
                return self._error(h, "POST", 400, "BadDigest", "the full-object CRC64NVME does not match")
        elif alg:
            raw = b"".join(base64.b64decode(upload["parts"][n][2]) for n in numbers)
            checksum, ctype = "%s-%d" % (b64(digest(alg, raw)), len(numbers)), "COMPOSITE"
        self.objects[(bucket, key)] = {"body": data, "alg": alg, "checksum": checksum, "type": ctype}
        etag = '"%s-%d"' % (hashlib.md5(b"".join(bytes.fromhex(upload["parts"][n][1].strip('"'))
                                                   for n in numbers)).hexdigest(), len(numbers))
        xml = ("<CompleteMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag>"
               "</CompleteMultipartUploadResult>" % (bucket, key, etag.replace('"', "&quot;"))).encode()
        self._send(h, 200, xml, {"Content-Type": "application/xml"})

    def _get(self, h, method, bucket, key):
        obj = self.objects.get((bucket, key))
        if obj is None:
            return self._error(h, method, 404, "NoSuchKey", "The specified key does not exist.")
        data = obj["body"]
        etag = '"%s"' % hashlib.md5(data).hexdigest()
        if key.startswith("corrupt/") and data:
            data = bytes([data[0] ^ 1]) + data[1:]
        headers = {"ETag": etag, "Content-Type": "application/octet-stream"}
        if h.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED" and obj["alg"]:
            headers["x-amz-checksum-" + obj["alg"]] = obj["checksum"]
            headers["x-amz-checksum-type"] = obj["type"]
        if method == "HEAD":
            h.send_response(200)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            return
        self._send(h, 200, data, headers)
