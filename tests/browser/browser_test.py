#!/usr/bin/env python3
"""Browser test: headless Chromium uploads a file to radosgw with urlmint's presigned POST form.

    browser_test.py URLMINT_CLI      (run by tests/browser/run.sh, which starts radosgw)

For each case the test asks `urlmint s3 presign-post` for a form, serves a small HTML page from
127.0.0.1 that holds the form's fields, puts a file into the form's <input type=file> (a
DataTransfer, as a drop would) and submits the form: a real multipart/form-data POST navigation
from the page's origin to the S3 endpoint, as a user's browser makes it. Chromium is driven over
the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no websocket library); the
test reads the HTTP status of the POST and the document S3 answered, then checks the bucket
directly.

Cases: a good upload (prefix key with ${filename}, Content-Type prefix set by the page,
metadata, size limit, 201 with XML), a tampered policy (403), a file over the size limit (400),
a Content-Type outside the prefix (403). Only 127.0.0.1 is contacted; Chromium's resolver maps
every other host to nothing.
"""
import base64
import http.server
import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CLI = sys.argv[1]
ENDPOINT = os.environ["URLMINT_TEST_RGW_ENDPOINT"]
ACCESS = os.environ["URLMINT_TEST_RGW_ACCESS_KEY"]
SECRET = os.environ["URLMINT_TEST_RGW_SECRET_KEY"]
REGION = os.environ.get("URLMINT_TEST_RGW_REGION", "us-east-1")
assert urllib.parse.urlsplit(ENDPOINT).hostname == "127.0.0.1", ENDPOINT
BUCKET = f"urlmint-browser-{os.getpid()}"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
    # Belt and braces against any traffic off this machine.
    "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability", "--no-default-browser-check",
    "--disable-client-side-phishing-detection", "--metrics-recording-only", "--disable-features=Translate,MediaRouter",
]

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


# ------------------------------------------------------------------ the page server
PAGES = {}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>urlmint browser upload</title></head>
<body>
<form id="upload" method="post" enctype="multipart/form-data"></form>
<script>
const spec = __SPEC__;
const form = document.getElementById('upload');
form.action = spec.form.url;
function add(name, value) {
  const input = document.createElement('input');
  input.type = 'hidden'; input.name = name; input.value = value;
  form.appendChild(input);
}
for (const [name, value] of Object.entries(spec.form.fields)) {
  if (name === 'policy' && spec.tamper_policy) {
    // Change what the policy allows but keep its signature: S3 must notice.
    add(name, btoa(atob(value).replace(spec.tamper_policy[0], spec.tamper_policy[1])));
  } else {
    add(name, value);
  }
}
const file = new File([spec.payload.repeat(spec.repeat)], spec.filename, {type: spec.type});
// The policy only says Content-Type starts with a prefix: the page sends the file's real type.
if (spec.send_content_type) add('Content-Type', file.type);
const chooser = document.createElement('input');
chooser.type = 'file'; chooser.name = 'file';
const dt = new DataTransfer();
dt.items.add(file);
chooser.files = dt.files;
form.appendChild(chooser);  // the file goes last: S3 ignores fields after it
document.title = 'ready';
form.submit();
</script>
</body></html>
"""


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


# ------------------------------------------------------------------ DevTools over a pipe
class Chromium:
    """Chromium with --remote-debugging-pipe: commands on its fd 3, answers and events on fd 4,
    each message JSON terminated by a NUL byte."""

    def __init__(self):
        binary = "/usr/lib/chromium/chromium" if os.path.exists("/usr/lib/chromium/chromium") else shutil.which("chromium")
        self.profile = tempfile.mkdtemp(prefix="urlmint-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.profile, "stderr.log"), "w"),
            preexec_fn=wire, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        version = self.call("Browser.getVersion")
        self.version = version.get("product", "?")

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout):
        """The next message, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_child], [], [], left)[0]:
                return None
            chunk = os.read(self.from_child, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None, timeout=30):
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.read(max(0.0, deadline - time.monotonic()))
            if msg is None:
                raise TimeoutError(method)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if predicate(e):
                    return self.events.pop(i)
            msg = self.read(max(0.0, deadline - time.monotonic()))
            if msg is None:
                return None
            if "method" in msg:
                self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.profile, ignore_errors=True)


def submit_in_browser(browser, page_url):
    """Opens the page in a fresh tab; returns (HTTP status of the form POST, the body S3 sent,
    the URL the tab ended on)."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.call("Network.enable", session=session)
    browser.call("Page.enable", session=session)
    browser.events.clear()
    browser.call("Page.navigate", {"url": page_url}, session=session)
    # The POST's answer: the response to a request whose URL is the S3 endpoint.
    response = browser.wait_event(
        lambda e: e.get("sessionId") == session and e["method"] == "Network.responseReceived"
        and e["params"]["response"]["url"].startswith(ENDPOINT), timeout=30)
    status = body = url = None
    if response:
        status = response["params"]["response"]["status"]
        request_id = response["params"]["requestId"]
        browser.wait_event(lambda e: e.get("sessionId") == session and e["method"] == "Network.loadingFinished"
                           and e["params"]["requestId"] == request_id, timeout=30)
        got = browser.call("Network.getResponseBody", {"requestId": request_id}, session=session)
        body = base64.b64decode(got["body"]).decode() if got.get("base64Encoded") else got["body"]
        r = browser.call("Runtime.evaluate", {"expression": "location.href", "returnByValue": True}, session=session)
        url = r["result"].get("value")
    browser.call("Target.closeTarget", {"targetId": target})
    return status, body or "", url


# ------------------------------------------------------------------ the cases
def presign_post(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS, AWS_SECRET_ACCESS_KEY=SECRET, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    r = subprocess.run([CLI, "s3", "presign-post", f"s3://{BUCKET}/browser/", "--endpoint-url", ENDPOINT,
                        "--region", REGION, "--content-type-prefix", "text/", "--max-size", "1048576",
                        "--success-action-status", "201", "--metadata", "origin=browser-test", *args],
                       env=env, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main():
    import botocore.session
    from botocore.config import Config
    s3 = botocore.session.get_session().create_client(
        "s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket=BUCKET)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    token = secrets.token_hex(16)
    form = presign_post()
    check("the form posts to the bucket on the local server", form["url"] == f"{ENDPOINT}/{BUCKET}", form["url"])
    check("the key field lets S3 put the file's name under the prefix", form["fields"]["key"] == "browser/${filename}",
          form["fields"]["key"])
    base = dict(form=form, payload=f"hello from chromium {token}\n", repeat=1, type="text/plain", send_content_type=True,
                tamper_policy=None)
    cases = {
        "good": dict(base, filename="hello.txt"),
        "tampered": dict(base, filename="tampered.txt", tamper_policy=['1048576', '9999999999']),
        "too-large": dict(base, filename="large.txt", payload="x" * 1024, repeat=1100),
        "wrong-type": dict(base, filename="image.png", type="image/png"),
    }
    for name, spec in cases.items():
        PAGES[f"/{name}.html"] = PAGE.replace("__SPEC__", json.dumps(spec).replace("</", "<\\/"))

    browser = Chromium()
    print(f"# {browser.version}, headless, profile {browser.profile}; page server {origin}; radosgw {ENDPOINT}")
    results = {}
    try:
        for name in cases:
            results[name] = submit_in_browser(browser, f"{origin}/{name}.html")
            status, text, url = results[name]
            print(f"# {name}: POST {ENDPOINT}/{BUCKET} -> HTTP {status}, tab at {url}: {' '.join(text.split())[:200]}")
    finally:
        browser.close()

    def exists(key):
        try:
            s3.head_object(Bucket=BUCKET, Key=key)
            return True
        except s3.exceptions.ClientError:
            return False

    status, text, url = results["good"]
    check("good form: S3 answers 201 with a PostResponse", status == 201 and "<PostResponse>" in text, f"{status} {text[:300]}")
    check("good form: the answer names the key S3 built from ${filename}", "<Key>browser/hello.txt</Key>" in text, text[:300])
    obj = s3.get_object(Bucket=BUCKET, Key="browser/hello.txt") if exists("browser/hello.txt") else None
    check("good form: the object arrived with the file's bytes",
          obj is not None and obj["Body"].read() == f"hello from chromium {token}\n".encode(), obj)
    check("good form: Content-Type set by the page and metadata from the policy were stored",
          obj is not None and obj["ContentType"] == "text/plain" and obj["Metadata"].get("origin") == "browser-test",
          obj and (obj["ContentType"], obj["Metadata"]))

    status, text, url = results["tampered"]
    check("tampered policy: refused with 403", status == 403 and "<Code>AccessDenied</Code>" in text, f"{status} {text[:300]}")
    check("tampered policy: no object", not exists("browser/tampered.txt"))

    status, text, url = results["too-large"]
    check("file over --max-size: refused with 400 EntityTooLarge", status == 400 and "EntityTooLarge" in text,
          f"{status} {text[:300]}")
    check("file over --max-size: no object", not exists("browser/large.txt"))

    status, text, url = results["wrong-type"]
    check("Content-Type outside the prefix: refused with 403", status == 403, f"{status} {text[:300]}")
    check("Content-Type outside the prefix: no object", not exists("browser/image.png"))

    server.shutdown()
    for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=o["Key"])
    s3.delete_bucket(Bucket=BUCKET)
    print(f"browser_test: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
