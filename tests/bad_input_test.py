#!/usr/bin/env python3
"""The bad-input catalogue of issue 7, across every urlmint command: each rejected input must
exit 1 (a bad value, a failed request) or 2 (a bad command line), print exactly one line on
stderr and nothing on stdout, never show the secret key or session token, and never crash or
trip a sanitizer. Also: what botocore and urlmint mint, `urlmint s3 verify` accepts, and
--debug output never shows a secret.

Only loopback traffic: the servers below bind 127.0.0.1 and stop with the test.

usage: bad_input_test.py path/to/urlmint
"""
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from unittest import mock

CLI = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
CF_DATA = os.path.join(HERE, "data", "cloudfront")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzSECRETTOKEN/abc+def=="
SECRET_MARKERS = [SECRET, "wJalrXUtnFEMI", TOKEN, "SECRETTOKEN", "SECRETTOKEN%2Fabc"]

TMP = tempfile.mkdtemp(prefix="urlmint-bad-input-")
# No AWS_* from the caller, no shared files, and never the EC2 metadata service.
BASE = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CLOUDFRONT_DOMAIN"}
BASE.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
CREDS = dict(BASE, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)
TEMP_CREDS = dict(CREDS, AWS_ACCESS_KEY_ID="ASIAEXAMPLETEMPORARY", AWS_SESSION_TOKEN=TOKEN)

failures = []
passed = 0
SANITIZER_WORDS = ("Sanitizer", "runtime error:", "LeakSanitizer", "Segmentation", "Aborted", "core dumped")


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def run(args, env=CREDS, stdin=None, timeout=60):
    return subprocess.run([CLI] + args, env=env, input=stdin, capture_output=True, timeout=timeout)


def text(b):
    return b.decode("utf-8", "replace")


def no_secret(out):
    return not any(m in out for m in SECRET_MARKERS)


def expect_error(name, args, codes=(1,), contains="", env=CREDS, stdin=None, timeout=60, max_seconds=None):
    """One rejected input (exit 2 for a usage error: a malformed or out-of-range value; 1 for a failed
    operation): exit in `codes`, one stderr line containing `contains`, empty stdout."""
    start = time.monotonic()
    try:
        r = run(args, env, stdin, timeout)
    except subprocess.TimeoutExpired:
        check(name, False, f"did not finish within {timeout} s")
        return
    elapsed = time.monotonic() - start
    err, out = text(r.stderr), text(r.stdout)
    lines = err.splitlines()
    ok = (r.returncode in codes and out == "" and len(lines) == 1 and contains in err and no_secret(err)
          and not any(w in err for w in SANITIZER_WORDS) and (max_seconds is None or elapsed <= max_seconds))
    check(name, ok, f"exit {r.returncode} in {elapsed:.1f} s, stdout {out[:200]!r}, stderr {err[:600]!r}")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HangingServer:
    """Accepts connections on 127.0.0.1 and never answers (a server that hangs)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def close(self):
        self.stop = True
        for c in self.conns:
            c.close()
        self.sock.close()


class SlowReader:
    """Reads request bytes slowly and never answers, so an upload stays in flight."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.started = threading.Event()
        self.done = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.done:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            c.settimeout(0.2)
            while not self.done:
                try:
                    chunk = c.recv(16384)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                self.received += len(chunk)
                self.started.set()
                time.sleep(0.01)
            c.close()

    def close(self):
        self.done = True
        self.sock.close()


def write(name, data, mode=0o600):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)
    return path


OBJ = "s3://examplebucket/k.txt"
NOW = ["--now", "20130524T000000Z"]

# ---------------------------------------------------------------------------------------------
# s3 presign: expiry, bucket names, keys, methods, flags, dates, endpoints, credentials.
for name, value in [("expiry 0", "0"), ("expiry negative", "-5"), ("expiry over 604800", "604801"),
                    ("expiry not a number", "1h"), ("expiry empty", ""), ("expiry float", "3600.5"),
                    ("expiry huge", "99999999999999999999"), ("expiry exponent", "1e3")]:
    expect_error(f"presign {name}", ["s3", "presign", OBJ, "--expires-in", value], codes=(2,))
for name, bucket, why in [("too short", "ab", "3 to 63"), ("too long", "b" * 64, "3 to 63"),
                          ("uppercase", "Examplebucket", "uppercase"), ("underscore", "example_bucket", "underscore"),
                          ("IP-like", "192.168.5.4", "IP address"), ("double dot", "example..bucket", "adjacent"),
                          ("leading dash", "-examplebucket", "start and end"), ("xn-- prefix", "xn--bucket", "xn--"),
                          ("dash next to dot", "example-.bucket", "'-' next to '.'"),
                          ("control character", "exam\x01plebucket", "")]:
    expect_error(f"presign bucket {name}", ["s3", "presign", f"s3://{bucket}/k"], contains=why, codes=(2,))
expect_error("presign key empty", ["s3", "presign", "s3://examplebucket/"], contains="key is empty", codes=(2,))
expect_error("presign key missing", ["s3", "presign", "s3://examplebucket"], contains="key is empty", codes=(2,))
expect_error("presign key over 1024 bytes", ["s3", "presign", "s3://examplebucket/" + "k" * 1025], contains="1024", codes=(2,))
expect_error("presign key of 1024 two-byte characters", ["s3", "presign", "s3://examplebucket/" + "é" * 513],
             contains="1024", codes=(2,))
expect_error("presign key invalid UTF-8", [b"s3", b"presign", b"s3://examplebucket/\xff\xfe"], contains="UTF-8", codes=(2,))
expect_error("presign key overlong UTF-8", [b"s3", b"presign", b"s3://examplebucket/\xc0\xaf"], contains="UTF-8", codes=(2,))
expect_error("presign key UTF-16 surrogate", [b"s3", b"presign", b"s3://examplebucket/\xed\xa0\x80"], contains="UTF-8", codes=(2,))
for m in ["PATCH", "", "POST", "OPTIONS", "GET\n"]:
    expect_error(f"presign method {m!r}", ["s3", "presign", OBJ, "--method", m], contains="GET, PUT, HEAD or DELETE", codes=(2,))
# A method is a name, not a case: "get" is GET (issue 12), the same URL byte for byte.
lower = run(["s3", "presign", OBJ, "--method", "get", "--now", "20130524T000000Z"])
upper = run(["s3", "presign", OBJ, "--method", "GET", "--now", "20130524T000000Z"])
check("presign method 'get' means GET", lower.returncode == 0 and lower.stdout == upper.stdout and upper.stdout,
      lower.stdout + lower.stderr)
expect_error("presign not an s3 URI", ["s3", "presign", "https://examplebucket/k"], contains="s3://BUCKET/KEY", codes=(2,))
expect_error("presign s3 URI without bucket", ["s3", "presign", "s3:///k"], contains="no bucket", codes=(2,))
expect_error("presign unknown flag", ["s3", "presign", OBJ, "--bogus"], (2,), "unknown option --bogus")
expect_error("presign flag without value", ["s3", "presign", OBJ, "--expires-in"], (2,), "needs a value")
expect_error("presign two objects", ["s3", "presign", OBJ, OBJ], (2,))
expect_error("presign no object", ["s3", "presign"], (2,))
expect_error("presign --header without colon", ["s3", "presign", OBJ, "--header", "NoColon"], (2,))
expect_error("presign --query without name", ["s3", "presign", OBJ, "--query", "=v"], (2,))
expect_error("presign --batch with a key", ["s3", "presign", "--batch", OBJ], (2,), "stdin")
# A bucket the workers refuse is reported once, from the main thread (it aborted with --jobs 2).
for jobs in ["1", "2"]:
    expect_error(f"presign --batch --jobs {jobs} of an invalid bucket", ["s3", "presign", "--batch", "s3://Bad_Bucket",
                 "--jobs", jobs], (2,), "Bad_Bucket", stdin=b"a.png\n")
# An access point's URLs in a batch are the single presign's, URL for URL.
AP = "arn:aws:s3:us-east-1:123456789012:accesspoint/reports"
batch = run(["s3", "presign", "--batch", f"s3://{AP}", "--now", "20130524T000000Z", "--region", "us-east-1"],
            stdin=b"a.png\nb c/d.png\n")
singles = [run(["s3", "presign", f"s3://{AP}/{k}", "--now", "20130524T000000Z", "--region", "us-east-1"]).stdout
           for k in ["a.png", "b c/d.png"]]
check("presign --batch of an access point ARN: the single presign's URLs",
      batch.returncode == 0 and batch.stdout == b"".join(singles) and b"s3-accesspoint.us-east-1" in batch.stdout,
      text(batch.stdout + batch.stderr)[:600])
for value in ["2013-05-24", "20130230T000000Z", "20130524T246000Z", "20130524T000000", "", "now",
              "99991231T235959Z", "16000101T000000Z", "20130524T000000Z\n"]:
    expect_error(f"presign --now {value!r}", ["s3", "presign", OBJ, "--now", value], contains="--now", codes=(2,))
for url, why in [("ftp://127.0.0.1", "http://"), ("file:///etc/passwd", "http://"), ("127.0.0.1:9000", "no scheme"),
                 ("http://", "no host"), ("http://127.0.0.1:99999", "65535"), ("http://127.0.0.1:0", "port 0"),
                 ("http://user:pw@127.0.0.1", "user info"), ("http://127.0.0.1:9000/?x=1", "query"),
                 ("http://127.0.0.1:9x", "non-numeric"), ("http://[::1", "IPv6"), ("http://a b", "invalid character")]:
    expect_error(f"presign endpoint {url!r}", ["s3", "presign", OBJ, "--endpoint-url", url], contains=why, codes=(2,))
expect_error("presign endpoint from AWS_ENDPOINT_URL", ["s3", "presign", OBJ], contains="http://",
             env=dict(CREDS, AWS_ENDPOINT_URL="gopher://x"), codes=(2,))
expect_error("presign region with spaces", ["s3", "presign", OBJ, "--region", "us east 1"], contains="region", codes=(2,))
expect_error("presign addressing style", ["s3", "presign", OBJ, "--addressing-style", "sideways"], contains="auto", codes=(2,))
expect_error("presign virtual host on an IP endpoint",
             ["s3", "presign", OBJ, "--endpoint-url", "http://127.0.0.1:9000", "--addressing-style", "virtual"],
             contains="path", codes=(2,))

# Credentials: none, half, garbage files, unknown profiles.
expect_error("no credentials", ["s3", "presign", OBJ], contains="credentials", env=BASE)
expect_error("only the key id", ["s3", "presign", OBJ], contains="AWS_SECRET_ACCESS_KEY",
             env=dict(BASE, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE"))
expect_error("only the secret", ["s3", "presign", OBJ], contains="AWS_ACCESS_KEY_ID",
             env=dict(BASE, AWS_SECRET_ACCESS_KEY=SECRET))
expect_error("key id with a slash", ["s3", "presign", OBJ], env=dict(CREDS, AWS_ACCESS_KEY_ID="AKIA/EXAMPLE"))
GARBAGE_INI = write("garbage-credentials", f"[default\naws_access_key_id AKIA\naws_secret_access_key = {SECRET}\n\x00\xff")
NO_SECRET_INI = write("half-credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
SECRET_ONLY_INI = write("secret-only-credentials", f"[default]\naws_secret_access_key = {SECRET}\n")
for name, path in [("garbage", GARBAGE_INI), ("without a secret", NO_SECRET_INI),
                   ("without a key id", SECRET_ONLY_INI), ("missing", os.path.join(TMP, "nope"))]:
    expect_error(f"credentials file {name}", ["s3", "presign", OBJ], env=dict(BASE, AWS_SHARED_CREDENTIALS_FILE=path))
expect_error("unknown profile", ["s3", "presign", OBJ, "--profile", "nope"], contains="nope",
             env=dict(BASE, AWS_SHARED_CREDENTIALS_FILE=NO_SECRET_INI))

# Commands.
expect_error("unknown command", ["s3", "presignn"], (2,), "unknown command")
expect_error("unknown group", ["ec2", "run"], (2,), "unknown command")
r = run([])
check("no command prints the usage on stderr only, exit 2", r.returncode == 2 and r.stdout == b"" and
      b"usage:" in r.stderr, text(r.stdout + r.stderr)[:200])

# ---------------------------------------------------------------------------------------------
# s3 verify: every way a presigned URL is refused.
DOC_URL = ("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
           "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
           "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
           "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
r = run(["s3", "verify", DOC_URL] + NOW)
check("verify accepts AWS's documented URL", r.returncode == 0 and text(r.stdout) ==
      "presigned URL is valid until 20130525T000000Z\n" and r.stderr == b"", text(r.stdout + r.stderr))
VERIFY_CASES = [
    ("not a URL", "examplebucket/test.txt", [], "malformed_url"),
    ("ftp URL", DOC_URL.replace("https://", "ftp://"), [], "malformed_url"),
    ("no query", DOC_URL.split("?")[0], [], "missing_parameter"),
    ("no signature", DOC_URL.split("&X-Amz-Signature")[0], [], "X-Amz-Signature is missing"),
    ("duplicated date", DOC_URL + "&X-Amz-Date=20130524T000000Z", [], "duplicate_parameter"),
    ("expired", DOC_URL, ["--now", "20130525T000001Z"], "expired"),
    ("future-dated", DOC_URL, ["--now", "20130523T234459Z"], "not_yet_valid"),
    ("over 7 days", DOC_URL.replace("X-Amz-Expires=86400", "X-Amz-Expires=604801"), NOW, "604800"),
    ("tampered path", DOC_URL.replace("/test.txt", "/test.txu"), NOW, "signature_mismatch"),
    ("tampered host", DOC_URL.replace("examplebucket.s3", "otherbucket.s3"), NOW, "signature_mismatch"),
    ("wrong region", DOC_URL, NOW + ["--region", "eu-west-1"], "wrong_region"),
    ("other method", DOC_URL, NOW + ["--method", "PUT"], "signature_mismatch"),
    ("SHA-1 algorithm", DOC_URL.replace("HMAC-SHA256", "HMAC-SHA1"), NOW, "unsupported_algorithm"),
    ("unknown key id", DOC_URL.replace("AKIAIOSFODNN7EXAMPLE", "AKIAOTHER"), NOW, "unknown_access_key"),
    ("control characters", DOC_URL.replace("AWS4-HMAC-SHA256", "%0A%1B[31m"), NOW, "unsupported_algorithm"),
]
for name, url, extra, contains in VERIFY_CASES:
    expect_error(f"verify {name}", ["s3", "verify", url] + extra, contains=contains)
expect_error("verify with another secret", ["s3", "verify", DOC_URL] + NOW, contains="signature_mismatch",
             env=dict(CREDS, AWS_SECRET_ACCESS_KEY=SECRET[:-1] + "Z"))
expect_error("verify without credentials", ["s3", "verify", DOC_URL] + NOW, contains="credentials", env=BASE)
expect_error("verify bad --now", ["s3", "verify", DOC_URL, "--now", "yesterday"], contains="--now", codes=(2,))
expect_error("verify bad method", ["s3", "verify", DOC_URL, "--method", "PATCH"], contains="PATCH", codes=(2,))
expect_error("verify no URL", ["s3", "verify"], (2,), "expected one presigned URL")
expect_error("verify two URLs", ["s3", "verify", DOC_URL, DOC_URL], (2,))
expect_error("verify unknown flag", ["s3", "verify", DOC_URL, "--expires-in", "5"], (2,), "unknown option")

# ---------------------------------------------------------------------------------------------
# s3 cp, put-lifecycle: files and the network (closed port, missing and odd files).
CLOSED = f"http://127.0.0.1:{closed_port()}"
SMALL = write("small.txt", "hello\n")
NET = ["--endpoint-url", CLOSED, "--no-progress"]
expect_error("cp missing file", ["s3", "cp", os.path.join(TMP, "missing.txt"), OBJ] + NET)
expect_error("cp a directory", ["s3", "cp", TMP, OBJ] + NET)
expect_error("cp closed port", ["s3", "cp", SMALL, "s3://bucket/k.txt"] + NET, max_seconds=60)
expect_error("cp download from closed port", ["s3", "cp", "s3://bucket/k.txt", os.path.join(TMP, "out.txt")] + NET,
             max_seconds=60)
expect_error("cp bad part size", ["s3", "cp", SMALL, OBJ, "--part-size", "1"] + NET, codes=(2,))
expect_error("cp bad threshold", ["s3", "cp", SMALL, OBJ, "--multipart-threshold", "lots"] + NET, codes=(2,))
expect_error("cp bad expiry", ["s3", "cp", SMALL, OBJ, "--expires-in", "604801"] + NET, codes=(2,))
expect_error("cp one argument", ["s3", "cp", SMALL] + NET, (2,))
expect_error("cp stdin without key", ["s3", "cp", "-", "s3://examplebucket/"] + NET, (2,), stdin=b"x")
expect_error("cp bad bucket", ["s3", "cp", SMALL, "s3://B_/k"], contains="bucket", codes=(2,))
expect_error("cp no credentials", ["s3", "cp", SMALL, OBJ] + NET, env=BASE)
if os.geteuid() != 0:
    UNREADABLE = write("unreadable.txt", "x", mode=0o000)
    expect_error("cp unreadable file", ["s3", "cp", UNREADABLE, OBJ] + NET)
expect_error("put-lifecycle zero days", ["s3", "put-lifecycle", "s3://examplebucket", "--prefix", "a/",
                                         "--expire-days", "0"] + NET[:2], codes=(2,))
expect_error("put-lifecycle closed port", ["s3", "put-lifecycle", "s3://examplebucket", "--prefix", "a/",
                                           "--expire-days", "3"] + NET[:2], max_seconds=60)
expect_error("put-lifecycle object key", ["s3", "put-lifecycle", OBJ, "--expire-days", "3"], (2,))


def vanishing_upload():
    """A file that is truncated while it is being uploaded must fail cleanly, not hang."""
    server = SlowReader()
    big = write("vanishing.bin", os.urandom(48 * 1024 * 1024))
    proc = subprocess.Popen([CLI, "s3", "cp", big, "s3://bucket/v.bin", "--endpoint-url",
                             f"http://127.0.0.1:{server.port}", "--no-progress"], env=CREDS,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    server.started.wait(30)
    with open(big, "r+b") as f:
        f.truncate(1024)
    server.close()
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        check("cp file truncated mid-upload", False, "did not finish")
        return
    lines = text(err).splitlines()
    check("cp file truncated mid-upload", proc.returncode == 1 and out == b"" and len(lines) == 1
          and no_secret(text(err)) and not any(w in text(err) for w in SANITIZER_WORDS),
          f"exit {proc.returncode}, stdout {out[:100]!r}, stderr {text(err)[:400]!r}")


vanishing_upload()

# ---------------------------------------------------------------------------------------------
# cloudfront: PEM files, dates, CIDRs (IPv6 included), URLs, the network.
RSA_KEY = os.path.join(CF_DATA, "test-only-rsa2048-pkcs1.pem")
PUBLIC_KEY = os.path.join(CF_DATA, "aws-cli-ecdsa-p256-public.pem")
DSA_KEY = os.path.join(CF_DATA, "aws-cli-dsa.pem")
GARBAGE_PEM = write("garbage.pem", "-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all!\n-----END RSA PRIVATE KEY-----\n")
EMPTY_PEM = write("empty.pem", "")
BINARY_PEM = write("binary.pem", os.urandom(2048))
SIGN = ["cloudfront", "sign", "--url", "https://d111111abcdef8.cloudfront.net/a.png", "--key-pair-id", "K2JCJMDEHXQW5F"]
WHEN = ["--date-less-than", "2030-01-01"]
KEY = ["--private-key", "file://" + RSA_KEY]
for name, path in [("missing", os.path.join(TMP, "missing.pem")), ("a directory", TMP), ("garbage", GARBAGE_PEM),
                   ("empty", EMPTY_PEM), ("binary", BINARY_PEM), ("a public key", PUBLIC_KEY), ("DSA", DSA_KEY)]:
    expect_error(f"cloudfront PEM {name}", SIGN + WHEN + ["--private-key", "file://" + path])
for value in ["tomorrow", "2030-13-01", "2030-02-30", "2030-01-01T25:00:00", "-1", "2030-01-01+25:00", ""]:
    expect_error(f"cloudfront date {value!r}", SIGN + KEY + ["--date-less-than", value], (1, 2))
expect_error("cloudfront start after end", SIGN + KEY + WHEN + ["--date-greater-than", "2031-01-01"], (1, 2))
for cidr in ["2001:db8::/32", "::1", "10.0.0.0/33", "300.1.1.1", "10.0.0.1/", "10.0.0/8", "10.0.0.1/-1", "a.b.c.d",
             "10.0.0.1/8/8", "10.0.0.1 ", "1.2.3.4,5.6.7.8"]:
    expect_error(f"cloudfront CIDR {cidr!r}", SIGN + KEY + WHEN + ["--ip-address", cidr], (1, 2))
expect_error("cloudfront hash algorithm", SIGN + KEY + WHEN + ["--hash-algorithm", "MD5"], (1, 2))
expect_error("cloudfront no URL", ["cloudfront", "sign", "--key-pair-id", "K2JCJMDEHXQW5F"] + KEY + WHEN, (1, 2))
expect_error("cloudfront ftp URL", ["cloudfront", "sign", "--url", "ftp://x/a", "--key-pair-id", "K2"] + KEY + WHEN,
             (1, 2))
expect_error("cloudfront no key pair", ["cloudfront", "sign", "--url", "https://d.net/a"] + KEY + WHEN, (1, 2))
expect_error("cloudfront cookies bad date", ["cloudfront", "cookies", "--url", "https://d.net/a", "--key-pair-id",
                                             "K2"] + KEY + ["--date-less-than", "soon"], (1, 2))
expect_error("cloudfront oac-policy bad account", ["cloudfront", "oac-policy", "--bucket", "examplebucket",
                                                   "--account-id", "12ab", "--distribution-id", "EDFDVBD6EXAMPLE"],
             (1, 2))
INVALIDATE = ["cloudfront", "create-invalidation", "--distribution-id", "EDFDVBD6EXAMPLE"]
expect_error("invalidation path without slash", INVALIDATE + ["--paths", "charts/*", "--endpoint-url", CLOSED], (1, 2))
expect_error("invalidation closed port", INVALIDATE + ["--paths", "/a", "--endpoint-url", CLOSED], max_seconds=60)
hang = HangingServer()
expect_error("invalidation server that hangs", INVALIDATE + ["--paths", "/a", "--endpoint-url",
                                                              f"http://127.0.0.1:{hang.port}", "--timeout", "1",
                                                              "--connect-timeout", "1"], max_seconds=45)
hang.close()
expect_error("invalidation without credentials", INVALIDATE + ["--paths", "/a", "--endpoint-url", CLOSED], env=BASE)
SETUP = ["cloudfront", "setup", "--bucket", "chart-bucket", "--region", "eu-west-1"]
CLOSED_ALL = dict(TEMP_CREDS, AWS_ENDPOINT_URL=CLOSED)  # every service at a closed loopback port
expect_error("setup closed port", SETUP, env=CLOSED_ALL, max_seconds=60)
expect_error("setup bad bucket name", ["cloudfront", "setup", "--bucket", "Chart_Bucket", "--region", "eu-west-1"],
             env=CLOSED_ALL, codes=(2,))
expect_error("setup bad price class", SETUP + ["--price-class", "cheap"], (2,), env=CLOSED_ALL)
expect_error("setup alias without certificate", SETUP + ["--alias", "c.example.com"], (2,), env=CLOSED_ALL)
expect_error("setup alias with a path", SETUP + ["--alias", "c.example.com/x", "--certificate-arn",
                                                 "arn:aws:acm:us-east-1:123456789012:certificate/x"], env=CLOSED_ALL, codes=(2,))
expect_error("setup public key that is not a key", SETUP + ["--public-key", "file://" + os.devnull], env=CLOSED_ALL)
expect_error("setup public key file missing", SETUP + ["--public-key", "file:///nonexistent/key.pem"], env=CLOSED_ALL)
expect_error("setup without credentials", SETUP, env=dict(BASE, AWS_ENDPOINT_URL=CLOSED))
DOCTOR = ["cloudfront", "doctor", "--domain", "d111111abcdef8.cloudfront.net", "--bucket", "chart-bucket",
          "--region", "eu-west-1"]
expect_error("doctor closed port", DOCTOR, env=CLOSED_ALL, max_seconds=60)
expect_error("doctor without --bucket", DOCTOR[:4], (2,), env=CLOSED_ALL)

# ---------------------------------------------------------------------------------------------
# s3 presign-post and multipart.
POST = ["s3", "presign-post", OBJ]
expect_error("presign-post expiry 0", POST + ["--expires-in", "0"], codes=(2,))
expect_error("presign-post negative size", POST + ["--max-size", "-1"], (1, 2))
expect_error("presign-post min above max", POST + ["--min-size", "10", "--max-size", "5"], (1, 2))
expect_error("presign-post status 500", POST + ["--success-action-status", "500"], (1, 2))
expect_error("presign-multipart closed port", ["s3", "presign-multipart", OBJ, "--endpoint-url", CLOSED,
                                               "--parts", "2"], (1, 2), max_seconds=60)

# ---------------------------------------------------------------------------------------------
# Secrets never appear: --help, --debug (with a session token), errors on every path.
for args in (["--help"], ["s3", "presign", "--help"], ["s3", "verify", "--help"], ["s3", "cp", "--help"],
             ["cloudfront", "sign", "--help"]):
    r = run(args, env=TEMP_CREDS)
    check(f"{' '.join(args)} shows no secret", r.returncode == 0 and no_secret(text(r.stdout + r.stderr)),
          text(r.stdout + r.stderr)[:300])
r = run(["s3", "presign", OBJ, "--debug"] + NOW, env=TEMP_CREDS)
check("presign --debug redacts the token and never shows the secret",
      r.returncode == 0 and "--- canonical request ---" in text(r.stderr) and no_secret(text(r.stderr))
      and "<redacted>" in text(r.stderr), text(r.stderr)[:500])
url = text(r.stdout).strip()
r = run(["s3", "verify", url, "--debug"] + NOW, env=TEMP_CREDS)
check("verify --debug accepts the URL and redacts the token",
      r.returncode == 0 and "--- string to sign ---" in text(r.stderr) and no_secret(text(r.stderr))
      and "<redacted>" in text(r.stderr), text(r.stdout + r.stderr)[:500])
r = run(["s3", "verify", url.replace("k.txt", "j.txt"), "--debug"] + NOW, env=TEMP_CREDS)
check("verify --debug of a bad URL: steps on stderr, no secret, exit 1",
      r.returncode == 1 and r.stdout == b"" and no_secret(text(r.stderr)) and "signature_mismatch" in text(r.stderr),
      text(r.stderr)[:500])
r = run(["s3", "cp", SMALL, OBJ, "--debug"] + NET, env=TEMP_CREDS)
check("cp --debug on a failure shows no secret", r.returncode == 1 and no_secret(text(r.stdout + r.stderr)),
      text(r.stderr)[:500])

# A server whose SignatureDoesNotMatch echoes the token (as S3 and Swift do in CanonicalRequest
# and StringToSign): cp --debug prints them with the token redacted, raw and percent-encoded.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_server import CaptureServer  # noqa: E402
import urllib.parse  # noqa: E402
echo = ("<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message><CanonicalRequest>PUT\n/examplebucket/k.txt\n"
        "X-Amz-Security-Token=%s\nhost:127.0.0.1\nx-amz-security-token:%s\n</CanonicalRequest><StringToSign>"
        "AWS4-HMAC-SHA256 %s</StringToSign></Error>") % (urllib.parse.quote(TOKEN, safe=""), TOKEN, TOKEN)
server = CaptureServer(answer=("HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n"
                               "Connection: close\r\n\r\n%s" % (len(echo), echo)).encode()).start()
try:
    r = run(["s3", "cp", SMALL, OBJ, "--debug", "--endpoint-url", server.url, "--addressing-style", "path",
             "--no-progress"], env=TEMP_CREDS)
    err = text(r.stderr)
    check("cp --debug redacts the token the server echoes in CanonicalRequest and StringToSign",
          r.returncode == 1 and "server's CanonicalRequest" in err and no_secret(err) and
          "x-amz-security-token:<redacted>" in err and "X-Amz-Security-Token=<redacted>" in err, err[:600])
finally:
    server.stop()

# ---------------------------------------------------------------------------------------------
# What botocore and urlmint mint, `urlmint s3 verify` accepts (against the real clock).
import boto3  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.config import Config  # noqa: E402

for token in (None, TOKEN):
    session = boto3.session.Session(aws_access_key_id="ASIAEXAMPLETEMPORARY" if token else "AKIAIOSFODNN7EXAMPLE",
                                    aws_secret_access_key=SECRET, aws_session_token=token, region_name="eu-west-1")
    client = session.client("s3", config=Config(signature_version="s3v4"))
    for method, op in (("GET", "get_object"), ("PUT", "put_object")):
        for key in ("plain.txt", "dir/ü b+c=&.txt"):
            u = client.generate_presigned_url(op, Params={"Bucket": "examplebucket", "Key": key}, ExpiresIn=300)
            r = run(["s3", "verify", u, "--method", method, "--region", "eu-west-1"], env=TEMP_CREDS if token else CREDS)
            check(f"verify accepts botocore {method} {key!r} token={bool(token)}", r.returncode == 0,
                  text(r.stderr) + u)
    # Ten minutes later it has expired; signed 20 minutes ahead it is not valid yet.
    ahead = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=20)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=ahead):
        u = client.generate_presigned_url("get_object", Params={"Bucket": "examplebucket", "Key": "k"}, ExpiresIn=60)
    expect_error(f"verify refuses a botocore URL dated 20 minutes ahead token={bool(token)}", ["s3", "verify", u],
                 contains="not_yet_valid", env=TEMP_CREDS if token else CREDS)
r = run(["s3", "presign", OBJ, "--method", "PUT", "--content-type", "image/png", "--region", "ap-south-1"])
u = text(r.stdout).strip()
r = run(["s3", "verify", u, "--method", "PUT", "--header", "Content-Type: image/png"])
check("verify accepts urlmint's PUT with a signed Content-Type", r.returncode == 0, text(r.stderr))
expect_error("verify names the signed header the client did not send", ["s3", "verify", u, "--method", "PUT"],
             contains="content-type")

print(f"bad_input_test: {passed} passed, {len(failures)} failed")
for f in failures:
    print("FAILED", f)
sys.exit(1 if failures else 0)
