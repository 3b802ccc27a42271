#!/usr/bin/env python3
"""A stand-in for CloudFront's CreateInvalidation on 127.0.0.1: it recomputes the request's
SigV4 signature with botocore (service cloudfront, region us-east-1) and answers 201 with an
Invalidation XML when it matches, 403 SignatureDoesNotMatch when it does not, 400 for a body
that is not a valid InvalidationBatch.

Used by cloudfront_cli_test.py (start()/stop() in-process); run alone it prints its port and
serves until interrupted: python3 cloudfront_invalidation_server.py SECRET_KEY
"""
import http.server
import re
import sys
import threading
import xml.etree.ElementTree as ET

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = "{http://cloudfront.amazonaws.com/doc/2020-05-31/}"
AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


def expected_signature(secret, access_key, method, host, path, headers, signed_names, body, region, service):
    """The signature botocore computes for the request as received."""
    request = AWSRequest(method=method, url=f"http://{host}{path}", data=body,
                         headers={name: headers[name] for name in signed_names if name != "host"})
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(Credentials(access_key, secret), service, region)
    canonical = auth.canonical_request(request)
    return auth.signature(auth.string_to_sign(request, canonical), request), canonical


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "FakeCloudFront/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, status, body, extra_headers=()):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, code, message):
        self._answer(status, f'<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>'
                             f"<Message>{message}</Message></Error></ErrorResponse>")

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        srv.requests.append({"path": self.path, "headers": headers, "body": body})
        if srv.fail_next > 0:  # simulate throttling: the client must retry the same request
            srv.fail_next -= 1
            return self._error(503, "ServiceUnavailable", "Please retry.")
        m = re.fullmatch(r"/2020-05-31/distribution/(E[A-Z0-9]+)/invalidation", self.path)
        if not m:
            return self._error(404, "NoSuchDistribution", "The specified distribution does not exist.")
        auth = AUTH_RE.match(headers.get("authorization", ""))
        if not auth:
            return self._error(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        access_key, date, region, service, signed, signature = auth.groups()
        names = signed.split(";")
        if region != "us-east-1" or service != "cloudfront" or not headers.get("x-amz-date", "").startswith(date):
            return self._error(403, "SignatureDoesNotMatch", "Credential scope is not us-east-1/cloudfront.")
        want, canonical = expected_signature(srv.secret, access_key, "POST", headers["host"], self.path, headers,
                                             names, body, region, service)
        srv.canonical_requests.append(canonical)
        if want != signature:
            return self._error(403, "SignatureDoesNotMatch",
                               "The request signature we calculated does not match the signature you provided.")
        try:
            root = ET.fromstring(body)
            paths = [p.text for p in root.iter(NS + "Path")]
            quantity = int(root.find(f"{NS}Paths/{NS}Quantity").text)
            reference = root.find(NS + "CallerReference").text
        except Exception:  # noqa: BLE001 - any malformed body is a 400
            return self._error(400, "MalformedXML", "The XML document is not well formed.")
        if root.tag != NS + "InvalidationBatch" or quantity != len(paths) or not reference:
            return self._error(400, "InvalidArgument", "InvalidationBatch is inconsistent.")
        srv.batches.append({"paths": paths, "reference": reference})
        inv_id = f"I{len(srv.batches):013d}"
        items = "".join(f"<Path>{p}</Path>" for p in paths)
        self._answer(201, f'<?xml version="1.0"?><Invalidation xmlns="{NS[1:-1]}"><Id>{inv_id}</Id>'
                          f"<Status>InProgress</Status><CreateTime>2025-12-26T12:00:00.000Z</CreateTime>"
                          f"<InvalidationBatch><Paths><Quantity>{len(paths)}</Quantity><Items>{items}</Items></Paths>"
                          f"<CallerReference>{reference}</CallerReference></InvalidationBatch></Invalidation>",
                     [("Location", f"https://cloudfront.amazonaws.com{self.path}/{inv_id}")])


def start(secret):
    """Starts a server on 127.0.0.1 (a free port) in a thread; returns it (server_port, stop())."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.secret = secret
    srv.requests, srv.canonical_requests, srv.batches = [], [], []
    srv.fail_next = 0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()

    def stop():
        srv.shutdown()
        srv.server_close()
        thread.join()

    srv.stop = stop
    return srv


if __name__ == "__main__":
    server = start(sys.argv[1] if len(sys.argv) > 1 else "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    print(server.server_port, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
