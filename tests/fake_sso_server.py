#!/usr/bin/env python3
"""A loopback stand-in for IAM Identity Center's SSO portal and SSO-OIDC, and AWS Sign-In.

  * Portal GetRoleCredentials: GET /federation/credentials?role_name=R&account_id=A with the
    bearer token in x-amz-sso_bearer_token. An unknown token gets 401 UnauthorizedException, a
    role not in `roles` 403 ForbiddenException, as the real portal answers.
  * SSO-OIDC CreateToken: POST /token (JSON) with grantType refresh_token; checks clientId,
    clientSecret and refreshToken. The new tokens are derived from the refresh token, so two
    clients refreshing the same cache file (urlmint and botocore) get the same answer.
  * Sign-In CreateOAuth2Token (`aws login`): POST /v1/token (JSON) with a DPoP proof: an ES256
    JWT whose embedded public key must verify its signature, with htm POST and htu the URL.

It binds 127.0.0.1 only and records every request. Tests import it (start() / stop()).
"""
import base64
import json
import threading
import time
import urllib.parse
from fake_metadata_server import LoopbackFake, RecordingHandler

SSO_SECRET = "FAKE/SSO/SECRET/wJalrXUtnFEMIK7MDENGbPxRfi"
SSO_SESSION_TOKEN = "FAKE-SSO-SESSION-TOKEN-never-print-me"
LOGIN_SECRET = "FAKE/LOGIN/SECRET/wJalrXUtnFEMIK7MDENGbPx"
LOGIN_SESSION_TOKEN = "FAKE-LOGIN-SESSION-TOKEN-never-print-me"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakeSsoServer(LoopbackFake):
    def __init__(self):
        self.access_tokens = {"sso-access-token-1"}   # bearer tokens the portal accepts
        self.roles = {("123456789012", "ReadOnly")}   # (account id, role name) it hands out
        self.clients = {"client-id-1": "client-secret-1"}
        self.refresh_tokens = {"refresh-token-1"}
        self.oidc_status = 200                          # e.g. 500 to make refreshes fail
        self.role_expires_in = 3600
        self.login_clients = {"arn:aws:signin:::devtools/same-device"}
        self.login_refresh_tokens = {"login-refresh-1"}
        self.login_expires_in = 900
        self.requests = []                              # (method, path, {lowercase header: value}, body)
        self._lock = threading.Lock()

    def calls(self, path_prefix):
        with self._lock:
            return [r for r in self.requests if r[1].startswith(path_prefix)]

    def start(self):
        server = self

        class Handler(RecordingHandler):
            def _send(self, status, obj, error_type=None):
                self._reply(status, json.dumps(obj).encode(), "application/json",
                            [("x-amzn-ErrorType", error_type)] if error_type else [])

            def do_GET(self):
                headers, _ = self._record()
                url = urllib.parse.urlsplit(self.path)
                if url.path != "/federation/credentials":
                    return self._send(404, {"message": "not found"})
                q = urllib.parse.parse_qs(url.query)
                with server._lock:
                    token_ok = headers.get("x-amz-sso_bearer_token") in server.access_tokens
                    role_ok = (q.get("account_id", [""])[0], q.get("role_name", [""])[0]) in server.roles
                if not token_ok:
                    return self._send(401, {"message": "Session token not found or invalid"}, "UnauthorizedException")
                if not role_ok:
                    return self._send(403, {"message": "No access"}, "ForbiddenException")
                expiration = int((time.time() + server.role_expires_in) * 1000)
                self._send(200, {"roleCredentials": {"accessKeyId": "ASIAFAKESSO", "secretAccessKey": SSO_SECRET,
                                                     "sessionToken": SSO_SESSION_TOKEN, "expiration": expiration}})

            def do_POST(self):
                headers, body = self._record()
                try:
                    req = json.loads(body)
                except ValueError:
                    return self._send(400, {"message": "not JSON"}, "ValidationException")
                if self.path == "/token":
                    return self._create_token(req)
                if self.path == "/v1/token":
                    return self._create_oauth2_token(headers, req)
                self._send(404, {"message": "not found"})

            def _create_token(self, req):
                if server.oidc_status != 200:
                    return self._send(server.oidc_status, {"error": "server_error"}, "InternalServerException")
                with server._lock:
                    ok = (req.get("grantType") == "refresh_token"
                          and server.clients.get(req.get("clientId")) == req.get("clientSecret")
                          and req.get("refreshToken") in server.refresh_tokens)
                    if ok:
                        new_access = "access-from-" + req["refreshToken"]
                        new_refresh = "refresh-from-" + req["refreshToken"]
                        server.access_tokens.add(new_access)
                        server.refresh_tokens.add(new_refresh)
                if not ok:
                    return self._send(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                                      "InvalidGrantException")
                self._send(200, {"accessToken": new_access, "tokenType": "Bearer", "expiresIn": 28800,
                                 "refreshToken": new_refresh})

            def _dpop_ok(self, headers):
                try:
                    from cryptography.hazmat.primitives import hashes
                    from cryptography.hazmat.primitives.asymmetric import ec
                    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
                    head_b64, payload_b64, sig_b64 = headers.get("dpop", "").split(".")
                    head = json.loads(b64url_decode(head_b64))
                    payload = json.loads(b64url_decode(payload_b64))
                    jwk = head["jwk"]
                    if head.get("typ") != "dpop+jwt" or head.get("alg") != "ES256" or jwk.get("crv") != "P-256":
                        return False
                    key = ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(jwk["x"]), "big"),
                                                        int.from_bytes(b64url_decode(jwk["y"]), "big"),
                                                        ec.SECP256R1()).public_key()
                    sig = b64url_decode(sig_b64)
                    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
                    key.verify(der, f"{head_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
                    return (payload.get("htm") == "POST" and payload.get("htu") == server.url + "/v1/token"
                            and abs(payload.get("iat", 0) - time.time()) < 300 and payload.get("jti"))
                except Exception:  # noqa: BLE001: any malformed proof is a refusal
                    return False

            def _create_oauth2_token(self, headers, req):
                if not self._dpop_ok(headers):
                    return self._send(400, {"error": "INVALID_REQUEST", "message": "invalid DPoP proof"},
                                      "ValidationException")
                with server._lock:
                    ok = (req.get("grantType") == "refresh_token" and req.get("clientId") in server.login_clients
                          and req.get("refreshToken") in server.login_refresh_tokens)
                    if ok:
                        new_refresh = "refresh-from-" + req["refreshToken"]
                        server.login_refresh_tokens.add(new_refresh)
                if not ok:
                    return self._send(401, {"error": "TOKEN_EXPIRED", "message": "the refresh token has expired"},
                                      "AccessDeniedException")
                self._send(200, {"accessToken": {"accessKeyId": "ASIAFAKELOGIN", "secretAccessKey": LOGIN_SECRET,
                                                 "sessionToken": LOGIN_SESSION_TOKEN},
                                 "tokenType": "aws_sigv4", "expiresIn": server.login_expires_in,
                                 "refreshToken": new_refresh})

        return self.serve(Handler)
