#!/usr/bin/env python3
"""Drives `urlmint cloudfront ...`: signed URLs and cookies compared with botocore's
CloudFrontSigner (RSA, byte for byte) or verified with the public key (ECDSA, SHA-256), every
bad input of issue 3 (exit 1 or 2, one line on stderr, nothing on stdout), and
create-invalidation against a local server that recomputes the SigV4 signature with botocore.

usage: cloudfront_cli_test.py path/to/urlmint
"""
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import parse_qsl, urlsplit

from botocore.signers import CloudFrontSigner
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cloudfront_invalidation_server  # noqa: E402

CLI = sys.argv[1]
DATA = os.path.join(HERE, "data", "cloudfront")
RSA_KEY = os.path.join(DATA, "test-only-rsa2048-pkcs1.pem")
EC_KEY = os.path.join(DATA, "aws-cli-ecdsa-p256-pkcs8.pem")
KPID = "K2JCJMDEHXQW5F"
DOMAIN = "https://d111111abcdef8.cloudfront.net"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# No AWS_* from the caller, and never the EC2 metadata service: only loopback traffic.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CLOUDFRONT_DOMAIN"}
ENV["AWS_EC2_METADATA_DISABLED"] = "true"
ENV["AWS_CONFIG_FILE"] = os.devnull
ENV["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
CREDS = dict(ENV, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)

failures = []
passed = 0


def run(args, env=ENV):
    return subprocess.run([CLI, "cloudfront"] + args, env=env, capture_output=True, text=True, timeout=60)


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def expect_ok(name, args, env=ENV):
    r = run(args, env)
    check(name, r.returncode == 0 and r.stderr == "", f"exit {r.returncode}, stderr {r.stderr!r}")
    return r.stdout


def expect_error(name, args, contains, code=1, env=ENV):
    r = run(args, env)
    lines = r.stderr.strip().splitlines()
    check(name, r.returncode == code and r.stdout == "" and len(lines) == 1 and contains in r.stderr
          and "MII" not in r.stderr and SECRET not in r.stderr,
          f"exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")


def b64d(text):
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"))


def query(url):
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


with open(RSA_KEY, "rb") as f:
    RSA = serialization.load_pem_private_key(f.read(), password=None)
with open(os.path.join(DATA, "aws-cli-ecdsa-p256-public.pem"), "rb") as f:
    EC_PUBLIC = serialization.load_pem_public_key(f.read())
BOTO = CloudFrontSigner(KPID, lambda m: RSA.sign(m, padding.PKCS1v15(), hashes.SHA1()))


def utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def sign_args(url, when="1767225600", key=RSA_KEY, extra=()):
    return ["sign", "--url", url, "--key-pair-id", KPID, "--private-key", "file://" + key,
            "--date-less-than", when] + list(extra)


# --- url ---------------------------------------------------------------------------------------
out = expect_ok("url with a pasted https:// domain and a unicode key",
                ["url", "--domain", DOMAIN + "/", "charts/Q3 revenue – café+taxes.png", "b.png"])
check("url output", out == DOMAIN + "/charts/Q3%20revenue%20%E2%80%93%20caf%C3%A9%2Btaxes.png\n" + DOMAIN + "/b.png\n",
      out)
out = expect_ok("url reads CLOUDFRONT_DOMAIN", ["url", "charts/a.png"], env=dict(ENV, CLOUDFRONT_DOMAIN="charts.example.com"))
check("custom domain", out == "https://charts.example.com/charts/a.png\n", out)
out = expect_ok("url strips the origin path", ["url", "--domain", "d1.cloudfront.net", "--origin-path", "/charts",
                                               "charts/a.png"])
check("origin path", out == "https://d1.cloudfront.net/a.png\n", out)
expect_error("url refuses https://https://", ["url", "--domain", "https://https://d1.cloudfront.net", "a.png"],
             "write only the domain name", code=2)
expect_error("url refuses a domain with a path", ["url", "--domain", "https://d1.cloudfront.net/charts", "a.png"],
             "contains a path", code=2)
expect_error("url without a domain is a usage error", ["url", "a.png"], "--domain is required", code=2)

# --- sign: canned policies against botocore ------------------------------------------------------
for name, url in [("plain", DOMAIN + "/charts/chart.png"),
                  ("existing query", DOMAIN + "/charts/chart.png?size=large&v=2"),
                  ("encoded unicode key", DOMAIN + "/charts/Q3%20revenue%20%E2%80%93%20caf%C3%A9%2Btaxes.png"),
                  ("custom domain", "https://charts.example.com/2025/12/26/abc12345.png")]:
    out = expect_ok(f"sign canned {name}", sign_args(url))
    want = BOTO.generate_presigned_url(url, date_less_than=utc(1767225600))
    check(f"sign canned {name} equals botocore", out == want + "\n", f"{out!r} != {want!r}")

for when in ["1767225600", "2026-01-01", "2026-1-1", "2026-01-01T00:00:00", "2026-01-01T02:00:00+02:00",
             "2025-12-31T19:00:00-05:00"]:
    out = expect_ok(f"--date-less-than {when}", sign_args(DOMAIN + "/a.png", when=when))
    check(f"--date-less-than {when} is 1767225600", query(out.strip()).get("Expires") == "1767225600", out)

# --- sign: custom policies against botocore ------------------------------------------------------
url = DOMAIN + "/document.pdf"
out = expect_ok("sign custom with a bare IP", sign_args(url, extra=["--ip-address", "203.0.113.9",
                                                                    "--date-greater-than", "1767200000"]))
policy = BOTO.build_policy(url, utc(1767225600), date_greater_than=utc(1767200000), ip_address="203.0.113.9")
want = BOTO.generate_presigned_url(url, policy=policy)
check("custom policy equals botocore (bare IP became /32)", out == want + "\n" and "203.0.113.9/32" in policy,
      f"{out!r} != {want!r}")

# --- sign once, append to many ------------------------------------------------------------------
pattern = DOMAIN + "/charts/*"
urls = [DOMAIN + "/charts/a.png", DOMAIN + "/charts/2025/b%20c.png?w=1"]
out = expect_ok("sign --policy-resource with two --url",
                sign_args(urls[0], extra=["--url", urls[1], "--policy-resource", pattern]))
lines = out.splitlines()
policy = BOTO.build_policy(pattern, utc(1767225600))
tail = BOTO.generate_presigned_url(pattern, policy=policy)[len(pattern) + 1:]
check("wildcard: one signature appended to every URL",
      lines == [urls[0] + "?" + tail, urls[1] + "&" + tail], out)
expect_error("a URL outside the wildcard is refused",
             sign_args(DOMAIN + "/private/a.png", extra=["--policy-resource", pattern]), "not covered by the policy", code=2)

# --- SHA-256 and ECDSA -----------------------------------------------------------------------------
out = expect_ok("sign RSA SHA-256", sign_args(DOMAIN + "/a.png", extra=["--hash-algorithm", "SHA256"]))
q = query(out.strip())
q.setdefault("Signature", "")
canned = '{"Statement":[{"Resource":"%s/a.png","Condition":{"DateLessThan":{"AWS:EpochTime":1767225600}}}]}' % DOMAIN
try:
    RSA.public_key().verify(b64d(q["Signature"]), canned.encode(), padding.PKCS1v15(), hashes.SHA256())
    ok = q.get("Hash-Algorithm") == "SHA256" and out.strip().endswith("&Key-Pair-Id=%s&Hash-Algorithm=SHA256" % KPID)
except (InvalidSignature, KeyError, ValueError):
    ok = False
check("RSA SHA-256 signature verifies and Hash-Algorithm is last", ok, out)

for hash_name, digest in [("SHA256", hashes.SHA256()), ("SHA1", hashes.SHA1())]:
    out = expect_ok(f"sign ECDSA {hash_name}", ["sign", "--url", DOMAIN + "/video.mp4", "--key-pair-id", "K2ECDSATEST",
                                                "--private-key", "file://" + EC_KEY, "--date-less-than", "1767290400",
                                                "--ip-address", "10.0.0.0/8", "--hash-algorithm", hash_name])
    q = query(out.strip())
    try:
        policy = b64d(q["Policy"]).decode()
        EC_PUBLIC.verify(b64d(q["Signature"]), policy.encode(), ec.ECDSA(digest))
        ok = policy == BOTO.build_policy(DOMAIN + "/video.mp4", utc(1767290400), ip_address="10.0.0.0/8")
    except (InvalidSignature, KeyError, ValueError):
        ok = False
    check(f"ECDSA {hash_name} custom policy decodes and verifies", ok, out)

# --- the AWS SDKs' spec vectors through the CLI (1024-bit keys need --allow-any-rsa-size) ----------
out = expect_ok("spec canned-policy-url-existing-params-sha256",
                ["sign", "--url", "https://d111111abcdef8.cloudfront.net/image.jpg?size=large", "--key-pair-id",
                 "K1TESTKEY", "--private-key", "file://" + os.path.join(DATA, "aws-cli-rsa1024-pkcs8.pem"),
                 "--date-less-than", "1767290400", "--hash-algorithm", "SHA256", "--allow-any-rsa-size"])
check("spec vector signature", query(out.strip()).get("Signature") ==
      "g8vzqbTu5PxBzAXD3zowGFNHNlyaGZn7thMiCk27sTfvdy5CMAbECVz-aucgqrKYmqsz1xY7ZoxoMxOizzXWzfzTyJ6k38YwW6QMyJWT7B8pHStQ"
      "rq0DGFSCnXqgRDXUDzkpIe8mHqyRWtgnFbdFQlbPweykfl7Eo4RJadveryQ_", out)

# --- cookies ------------------------------------------------------------------------------------
out = expect_ok("cookies canned", ["cookies", "--url", DOMAIN + "/a.png", "--key-pair-id", KPID, "--private-key",
                                   RSA_KEY, "--date-less-than", "1767225600", "--cookie-domain",
                                   "d111111abcdef8.cloudfront.net", "--same-site", "Lax"])
sig = query(BOTO.generate_presigned_url(DOMAIN + "/a.png", date_less_than=utc(1767225600)))["Signature"]
attrs = "; Domain=d111111abcdef8.cloudfront.net; Path=/; Secure; HttpOnly; SameSite=Lax"
check("canned cookies are Set-Cookie lines with botocore's signature",
      out.splitlines() == ["Set-Cookie: CloudFront-Expires=1767225600" + attrs,
                           f"Set-Cookie: CloudFront-Signature={sig}" + attrs,
                           f"Set-Cookie: CloudFront-Key-Pair-Id={KPID}" + attrs], out)
out = expect_ok("cookies custom wildcard SHA-256",
                ["cookies", "--policy-resource", pattern, "--key-pair-id", KPID, "--private-key", RSA_KEY,
                 "--date-less-than", "1767225600", "--hash-algorithm", "SHA256", "--no-http-only", "--cookie-path",
                 "/charts/"])
try:
    cookies = dict(line[len("Set-Cookie: "):].split("; ")[0].split("=", 1) for line in out.splitlines())
    RSA.public_key().verify(b64d(cookies["CloudFront-Signature"]), b64d(cookies["CloudFront-Policy"]),
                            padding.PKCS1v15(), hashes.SHA256())
    ok = (b64d(cookies["CloudFront-Policy"]).decode() == BOTO.build_policy(pattern, utc(1767225600))
          and cookies.get("CloudFront-Hash-Algorithm") == "SHA256" and "HttpOnly" not in out
          and "Path=/charts/; Secure" in out)
except (InvalidSignature, KeyError, ValueError):
    ok = False
check("custom cookies decode, verify and carry the attributes", ok, out)

# --- keys with spaces and unicode in the path; passphrases ------------------------------------------
tmp = tempfile.mkdtemp(prefix="urlmint cf ")
try:
    odd = os.path.join(tmp, "dir with spaces", "clé ünicode.pem")
    os.makedirs(os.path.dirname(odd))
    shutil.copy(RSA_KEY, odd)
    out = expect_ok("a key file whose path has spaces and unicode", sign_args(DOMAIN + "/a.png", key=odd))
    check("same URL from the oddly named key", out == BOTO.generate_presigned_url(
        DOMAIN + "/a.png", date_less_than=utc(1767225600)) + "\n", out)
    home_key = os.path.join(tmp, "k.pem")
    shutil.copy(RSA_KEY, home_key)
    out = expect_ok("file://~/ is expanded like the AWS CLI does", sign_args(DOMAIN + "/a.png", key="~/k.pem"),
                    env=dict(ENV, HOME=tmp))
    check("same URL from ~/k.pem", out == BOTO.generate_presigned_url(
        DOMAIN + "/a.png", date_less_than=utc(1767225600)) + "\n", out)
finally:
    shutil.rmtree(tmp)
enc = os.path.join(DATA, "test-only-rsa2048-pkcs8-encrypted.pem")
out = expect_ok("an encrypted key with URLMINT_CLOUDFRONT_KEY_PASSPHRASE", sign_args(DOMAIN + "/a.png", key=enc),
                env=dict(ENV, URLMINT_CLOUDFRONT_KEY_PASSPHRASE="correct horse battery staple"))
check("encrypted key signs like the plain one",
      out == BOTO.generate_presigned_url(DOMAIN + "/a.png", date_less_than=utc(1767225600)) + "\n", out)

# --- bad input: a clear error each, nothing on stdout ----------------------------------------------
expect_error("missing key file", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "nope.pem")),
             "No such file or directory")
expect_error("unreadable key file (a directory)", sign_args(DOMAIN + "/a.png", key=DATA), "cannot read private key file")
expect_error("garbage PEM", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "garbage.pem")), "is not PEM")
expect_error("corrupt PEM", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "corrupt-pkcs8.pem")),
             "could not be parsed")
expect_error("encrypted key without passphrase", sign_args(DOMAIN + "/a.png", key=enc), "is encrypted")
expect_error("wrong passphrase", sign_args(DOMAIN + "/a.png", key=enc), "passphrase is wrong",
             env=dict(ENV, URLMINT_CLOUDFRONT_KEY_PASSPHRASE="wrong horse"))
expect_error("a DSA key", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "aws-cli-dsa.pem")), "ECDSA (P-256)")
expect_error("an Ed25519 key", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "test-only-ed25519.pem")),
             "RSA (2048-bit)")
expect_error("a P-384 key", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "test-only-ec-p384.pem")), "P-256 only")
expect_error("an RSA-1024 key", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "aws-cli-rsa1024-pkcs8.pem")),
             "is RSA-1024")
expect_error("a public key", sign_args(DOMAIN + "/a.png", key=os.path.join(DATA, "test-only-rsa2048-public.pem")),
             "not a private key")
expect_error("an expiry that cannot be parsed", sign_args(DOMAIN + "/a.png", when="next tuesday"),
             "--date-less-than \"next tuesday\" is not a time", code=2)
expect_error("a start that cannot be parsed", sign_args(DOMAIN + "/a.png", extra=["--date-greater-than", "2026-02-30"]),
             "--date-greater-than", code=2)
expect_error("active after expiration", sign_args(DOMAIN + "/a.png", extra=["--date-greater-than", "2027-01-01"]),
             "must be before the expiration", code=2)
expect_error("IPv6", sign_args(DOMAIN + "/a.png", extra=["--ip-address", "2001:db8::/32"]), "is IPv6", code=2)
for cidr in ["10.0.0.0/33", "10.0.0", "300.1.1.1", "10.0.0.0/8\",\"x"]:
    expect_error(f"malformed CIDR {cidr}", sign_args(DOMAIN + "/a.png", extra=["--ip-address", cidr]), "--ip-address", code=2)
expect_error("a URL without scheme", sign_args("d111111abcdef8.cloudfront.net/a.png"), "has no scheme", code=2)
for name in ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]:
    expect_error(f"reserved query name {name}", sign_args(DOMAIN + f"/a.png?x=1&{name}=2"),
                 f"already has a {name} query parameter", code=2)
expect_error("policy injection in the URL", sign_args('https://example.com/file","Resource":"*","x":"'),
             "percent-encode", code=2)
expect_error("an unknown hash", sign_args(DOMAIN + "/a.png", extra=["--hash-algorithm", "MD5"]), "use SHA1 or SHA256", code=2)
expect_error("a bad key pair ID", ["sign", "--url", DOMAIN + "/a.png", "--key-pair-id", "K1&x=y", "--private-key",
                                   RSA_KEY, "--date-less-than", "2026-01-01"], "key pair ID", code=2)
expect_error("a missing --date-less-than", ["sign", "--url", DOMAIN + "/a.png", "--key-pair-id", KPID,
                                            "--private-key", RSA_KEY], "--date-less-than is required", code=2)
expect_error("a missing --private-key", ["sign", "--url", DOMAIN + "/a.png", "--key-pair-id", KPID,
                                         "--date-less-than", "2026-01-01"], "--private-key is required", code=2)
expect_error("SameSite=None without Secure", ["cookies", "--url", DOMAIN + "/a.png", "--key-pair-id", KPID,
                                              "--private-key", RSA_KEY, "--date-less-than", "2026-01-01",
                                              "--same-site", "None", "--no-secure"], "SameSite=None needs Secure", code=2)

# A system whose OpenSSL will not give SHA-1 for signatures (here: every algorithm must be
# fips=yes and no FIPS provider is loaded, as on a FIPS-mode host; RHEL 9's policy fails the same
# way): a clear error naming SHA-256, never an empty signature.
fips_conf = tempfile.NamedTemporaryFile("w", suffix=".cnf", delete=False)
fips_conf.write("openssl_conf = openssl_init\n[openssl_init]\nalg_section = evp_properties\n"
                "[evp_properties]\ndefault_properties = fips=yes\n")
fips_conf.close()
try:
    expect_error("SHA-1 refused by the crypto policy names SHA-256", sign_args(DOMAIN + "/a.png"),
                 "--hash-algorithm SHA256", env=dict(ENV, OPENSSL_CONF=fips_conf.name))
finally:
    os.unlink(fips_conf.name)

# --- oac-policy ----------------------------------------------------------------------------------
out = expect_ok("oac-policy", ["oac-policy", "--bucket", "chart-bucket", "--account-id", "123456789012",
                               "--distribution-id", "EDFDVBD6EXAMPLE"])
doc = json.loads(out)
check("oac-policy JSON", doc["Statement"][0]["Resource"] == "arn:aws:s3:::chart-bucket/*" and
      doc["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"] ==
      "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE" and out.startswith("{\n    \"Version\""), out)
expect_error("oac-policy bad account", ["oac-policy", "--bucket", "chart-bucket", "--account-id", "1234",
                                        "--distribution-id", "EDFDVBD6EXAMPLE"], "must be 12 digits", code=2)
expect_error("oac-policy bad distribution", ["oac-policy", "--bucket", "chart-bucket", "--account-id", "123456789012",
                                             "--distribution-id", "d123.cloudfront.net"], "starts with E", code=2)

# --- create-invalidation against a local server that checks SigV4 with botocore -------------------
server = cloudfront_invalidation_server.start(SECRET)
try:
    endpoint = f"http://127.0.0.1:{server.server_port}"
    out = expect_ok("create-invalidation", ["create-invalidation", "--distribution-id", "EDFDVBD6EXAMPLE", "--paths",
                                            "/charts/*", "/a&b.png", "--endpoint-url", endpoint], env=CREDS)
    try:
        answer = json.loads(out)
        ok = (answer["Invalidation"]["Id"] == "I0000000000001" and answer["Invalidation"]["Status"] == "InProgress"
              and answer["Location"].endswith("/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation/I0000000000001"))
    except (ValueError, KeyError):
        ok = False
    check("create-invalidation prints the answer", ok, out)
    check("the server saw both paths, XML-escaped and decoded back",
          server.batches and server.batches[0]["paths"] == ["/charts/*", "/a&b.png"], str(server.batches))
    expect_ok("a second invalidation", ["create-invalidation", "--distribution-id", "EDFDVBD6EXAMPLE", "--paths",
                                        "/charts/*", "--endpoint-url", endpoint], env=CREDS)
    check("caller references are unique", len(server.batches) == 2 and
          server.batches[0]["reference"] != server.batches[1]["reference"], str(server.batches))
    expect_ok("a session token is signed too", ["create-invalidation", "--distribution-id", "E2", "--paths", "/x",
                                                "--endpoint-url", endpoint, "--caller-reference", "fixed-ref"],
              env=dict(CREDS, AWS_SESSION_TOKEN="token-value"))
    check("--caller-reference is used", server.batches[-1]["reference"] == "fixed-ref", str(server.batches))
    server.fail_next = 2
    before = len(server.requests)
    out = expect_ok("a throttled invalidation is retried", ["create-invalidation", "--distribution-id", "E3",
                                                             "--paths", "/y", "--endpoint-url", endpoint], env=CREDS)
    check("two 503s then 201, the same signed body each time",
          len(server.requests) - before == 3 and len({r["body"] for r in server.requests[before:]}) == 1
          and len({r["headers"]["authorization"] for r in server.requests[before:]}) == 1 and '"Id"' in out,
          f"{len(server.requests) - before} requests")
    server.fail_next = 3
    expect_error("three 503s give up with CloudFront's error", ["create-invalidation", "--distribution-id", "E3",
                                                                 "--paths", "/y", "--endpoint-url", endpoint],
                 "HTTP 503 ServiceUnavailable", env=CREDS)
    server.fail_next = 0
    expect_error("a wrong secret is SignatureDoesNotMatch",
                 ["create-invalidation", "--distribution-id", "EDFDVBD6EXAMPLE", "--paths", "/x", "--endpoint-url",
                  endpoint], "HTTP 403 SignatureDoesNotMatch",
                 env=dict(CREDS, AWS_SECRET_ACCESS_KEY="not-the-secret-key-at-all-0000000000000000"))
    expect_error("a path without '/'", ["create-invalidation", "--distribution-id", "E1", "--paths", "charts/*",
                                        "--endpoint-url", endpoint], "must start with '/'", env=CREDS, code=2)
    expect_error("a malformed distribution ID", ["create-invalidation", "--distribution-id", "e1", "--paths", "/x",
                                                 "--endpoint-url", endpoint], "starts with E", env=CREDS, code=2)
finally:
    server.stop()
expect_error("a server that is not there", ["create-invalidation", "--distribution-id", "E1", "--paths", "/x",
                                            "--endpoint-url", endpoint], "curl:", env=CREDS)

print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
