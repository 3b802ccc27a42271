#!/usr/bin/env python3
"""A loopback stand-in for the credential endpoints the provider chain talks to.

  * EC2 IMDSv2: PUT /latest/api/token (needs the TTL header), then GET
    /latest/meta-data/iam/security-credentials/[ROLE] with the token; any GET without a valid
    token gets 401, as on an instance that requires IMDSv2.
  * ECS container credentials: GET /ecs/... (checks Authorization when a token is configured).
  * STS AssumeRoleWithWebIdentity: POST / with the form body; checks the web identity token.
  * STS AssumeRole: POST / signed with SigV4; the signature is checked with botocore's signer
    against `secrets` (access key id -> secret) and a bad one gets 403 SignatureDoesNotMatch;
    with `mfa` set, SerialNumber and TokenCode must match it (else 403 AccessDenied).
  * /slow/...: answers after `slow_seconds`, to test timeouts.

It binds 127.0.0.1 only. Tests import it (start() / stop()); run it alone to poke at it by hand:
    python3 tests/fake_metadata_server.py      # prints the port, serves until interrupted
"""
import datetime
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE = "fake-instance-role"
SECRET = "FAKE/SECRET/KEY/wJalrXUtnFEMIK7MDENGbPxRfiCY"
SESSION_TOKEN = "FAKE-SESSION-TOKEN-never-print-me"


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class RecordingHandler(BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler that records each request in `fake.requests` (set by LoopbackFake.serve)."""

    protocol_version = "HTTP/1.1"
    fake = None

    def log_message(self, *args):
        pass

    def _reply(self, status, data, content_type, extra_headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.fake._lock:
            self.fake.requests.append((self.command, self.path, headers, body))
        return headers, body


class LoopbackFake:
    """Serving, stopping and `with` for the loopback fakes: start() binds 127.0.0.1 on a free port."""

    _httpd = None

    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def serve(self, handler_class):
        handler_class.fake = self
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class FakeMetadataServer(LoopbackFake):
    def __init__(self):
        self.expires_in = 3600          # seconds until the credentials handed out expire
        self.ecs_token = None           # required Authorization value for /ecs/, or None
        self.web_identity_token = "fake-jwt-token"
        self.imds_token_status = 200    # e.g. 403 to make the token request fail
        self.slow_seconds = 5
        self.secrets = {}               # access key id -> secret key, for AssumeRole signatures
        self.verified_signatures = 0
        self.mfa = None                 # (SerialNumber, TokenCode) AssumeRole must carry, or None
        self.number_role_keys = False   # AssumeRole hands out ASIAFAKEROLE1, 2, ... (to tell calls apart)
        self.assume_role_calls = 0
        self.rotate_imds_keys = False   # each IMDS credentials GET hands out new keys ASIAFAKEROT1, 2, ...
        self.issued = {}                # with rotate_imds_keys: key id -> (secret, token, expiration epoch)
        self.requests = []              # (method, path, {lowercase header: value}, body)
        self._tokens = set()
        self._lock = threading.Lock()

    def start(self):
        server = self

        class Handler(RecordingHandler):
            def _send(self, status, body, content_type="text/plain"):
                self._reply(status, body.encode(), content_type)

            def _credentials_json(self, key_id):
                secret, token = SECRET, SESSION_TOKEN
                if server.rotate_imds_keys and key_id == "ASIAFAKEIMDS":
                    with server._lock:
                        n = len(server.issued) + 1
                        key_id, secret, token = f"ASIAFAKEROT{n}", f"{SECRET}{n}", f"{SESSION_TOKEN}-{n}"
                        server.issued[key_id] = (secret, token, int(time.time()) + server.expires_in)
                return json.dumps({"Code": "Success", "LastUpdated": iso(0), "Type": "AWS-HMAC",
                                   "AccessKeyId": key_id, "SecretAccessKey": secret, "Token": token,
                                   "Expiration": iso(server.expires_in)})

            def do_PUT(self):
                headers, _ = self._record()
                if self.path.startswith("/slow/"):
                    time.sleep(server.slow_seconds)
                if self.path.endswith("/latest/api/token"):
                    if server.imds_token_status != 200:
                        return self._send(server.imds_token_status, "")
                    if "x-aws-ec2-metadata-token-ttl-seconds" not in headers:
                        return self._send(400, "missing x-aws-ec2-metadata-token-ttl-seconds")
                    with server._lock:
                        token = f"FAKE-IMDS-TOKEN-{len(server._tokens) + 1}"
                        server._tokens.add(token)
                    return self._send(200, token)
                self._send(404, "")

            def do_GET(self):
                headers, _ = self._record()
                if self.path.startswith("/slow/"):
                    time.sleep(server.slow_seconds)
                if self.path.startswith("/latest/meta-data/"):
                    with server._lock:
                        ok = headers.get("x-aws-ec2-metadata-token") in server._tokens
                    if not ok:
                        return self._send(401, "")
                    base = "/latest/meta-data/iam/security-credentials/"
                    if self.path == base:
                        return self._send(200, ROLE)
                    if self.path == base + ROLE:
                        return self._send(200, self._credentials_json("ASIAFAKEIMDS"), "application/json")
                    return self._send(404, "")
                if self.path.startswith("/ecs/"):
                    if server.ecs_token is not None and headers.get("authorization") != server.ecs_token:
                        return self._send(401, json.dumps({"Code": "Unauthorized"}), "application/json")
                    body = json.loads(self._credentials_json("ASIAFAKEECS"))
                    del body["Code"], body["LastUpdated"], body["Type"]
                    body["RoleArn"] = "arn:aws:iam::123456789012:role/fake-task-role"
                    return self._send(200, json.dumps(body), "application/json")
                self._send(404, "")

            def _signature_ok(self, headers, body):
                m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/sts/aws4_request, "
                             r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", headers.get("authorization", ""))
                if not m or m.group(1) not in server.secrets:
                    return False
                from botocore.auth import SigV4Auth
                from botocore.awsrequest import AWSRequest
                from botocore.credentials import Credentials
                key_id, _, region, signed, signature = m.groups()
                req = AWSRequest(method="POST", url=f"http://{headers['host']}{self.path}", data=body.encode(),
                                 headers={name: headers.get(name, "") for name in signed.split(";")})
                req.context["timestamp"] = headers.get("x-amz-date", "")
                signer = SigV4Auth(Credentials(key_id, server.secrets[key_id], headers.get("x-amz-security-token")),
                                   "sts", region)
                expected = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
                return expected == signature

            def do_POST(self):
                headers, body = self._record()
                form = urllib.parse.parse_qs(body)
                if form.get("Action") == ["AssumeRole"]:
                    if not self._signature_ok(headers, body):
                        return self._send(403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch"
                                               "</Code><Message>The request signature we calculated does not match"
                                               "</Message></Error></ErrorResponse>", "text/xml")
                    with server._lock:
                        server.verified_signatures += 1
                    if server.mfa is not None and (form.get("SerialNumber"), form.get("TokenCode")) != (
                            [server.mfa[0]], [server.mfa[1]]):
                        return self._send(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                                               "<Message>MultiFactorAuthentication failed with invalid MFA one time "
                                               "pass code.</Message></Error></ErrorResponse>", "text/xml")
                    with server._lock:
                        server.assume_role_calls += 1
                        key = "ASIAFAKEROLE" + (str(server.assume_role_calls) if server.number_role_keys else "")
                    role = form.get("RoleArn", [""])[0]
                    session = form.get("RoleSessionName", [""])[0]
                    account = role.split(":")[4] if role.count(":") >= 5 else "123456789012"
                    return self._send(200, "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                                           f"<AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{SECRET}"
                                           f"</SecretAccessKey><SessionToken>{SESSION_TOKEN}</SessionToken>"
                                           f"<Expiration>{iso(server.expires_in)}</Expiration></Credentials>"
                                           f"<AssumedRoleUser><AssumedRoleId>AROAFAKE:{session}</AssumedRoleId>"
                                           f"<Arn>arn:aws:sts::{account}:assumed-role/{role.split('/')[-1]}/{session}"
                                           "</Arn></AssumedRoleUser></AssumeRoleResult>"
                                           "<ResponseMetadata><RequestId>fake-1</RequestId></ResponseMetadata>"
                                           "</AssumeRoleResponse>", "text/xml")
                if form.get("Action") != ["AssumeRoleWithWebIdentity"]:
                    return self._send(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>")
                if form.get("WebIdentityToken") != [server.web_identity_token]:
                    return self._send(400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                                           "<Message>Couldn't retrieve verification key from your identity provider"
                                           "</Message></Error><RequestId>1</RequestId></ErrorResponse>", "text/xml")
                role = form.get("RoleArn", [""])[0]
                session = form.get("RoleSessionName", [""])[0]
                xml = ("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                       "<AssumeRoleWithWebIdentityResult><Credentials>"
                       f"<SessionToken>{SESSION_TOKEN}</SessionToken><SecretAccessKey>{SECRET}</SecretAccessKey>"
                       f"<Expiration>{iso(server.expires_in)}</Expiration><AccessKeyId>ASIAFAKESTS</AccessKeyId>"
                       "</Credentials><SubjectFromWebIdentityToken>system:serviceaccount:app</SubjectFromWebIdentityToken>"
                       f"<AssumedRoleUser><Arn>{role}/{session}</Arn><AssumedRoleId>AROA:{session}</AssumedRoleId>"
                       "</AssumedRoleUser></AssumeRoleWithWebIdentityResult>"
                       "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
                       "</AssumeRoleWithWebIdentityResponse>")
                self._send(200, xml, "text/xml")

        return self.serve(Handler)


if __name__ == "__main__":
    s = FakeMetadataServer().start()
    print(s.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        s.stop()
