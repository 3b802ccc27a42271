#!/usr/bin/env python3
"""`urlmint s3 presign --batch` follows rotating credentials (issue 12): a loopback IMDSv2 fake hands
out new keys on every fetch, each expiring refresh margin (300 s) + 6 s after it is issued, and the
batch is fed one key every 0.5 s for about a minute. Every URL must carry the key id and session token
of credentials that had at least 4 minutes left at its X-Amz-Date, several key ids must appear, the
dates must follow the clock, and every URL must verify: its signature is recomputed here from the
URL with that key's secret (SigV4 in a few lines of Python, independent of urlmint), and a sample
also goes through `urlmint s3 verify`.

    presign_rotation_test.py URLMINT [SECONDS]
"""
import calendar, hashlib, hmac, os, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_metadata_server import FakeMetadataServer  # noqa: E402

urlmint = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60
failures = []


def sigv4_ok(url, secret):
    """Recomputes a presigned GET's X-Amz-Signature (UNSIGNED-PAYLOAD, host the only signed header)."""
    u = urllib.parse.urlsplit(url)
    pairs = [p.split("=", 1) for p in u.query.split("&")]
    sig = [v for k, v in pairs if k == "X-Amz-Signature"][0]
    query = "&".join(f"{k}={v}" for k, v in sorted((k, v) for k, v in pairs if k != "X-Amz-Signature"))
    q = urllib.parse.parse_qs(u.query)
    date, scope = q["X-Amz-Date"][0], q["X-Amz-Credential"][0].split("/", 1)[1]
    canonical = f"GET\n{u.path}\n{query}\nhost:{u.netloc}\n\nhost\nUNSIGNED-PAYLOAD"
    to_sign = f"AWS4-HMAC-SHA256\n{date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    k = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest(), sig)


def check(what, ok, detail=""):
    print(("ok " if ok else "FAILED ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(what)


d = tempfile.mkdtemp()
base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
base.update(HOME=d, AWS_SHARED_CREDENTIALS_FILE=os.path.join(d, "none"), AWS_CONFIG_FILE=os.path.join(d, "none"))
with FakeMetadataServer() as fake:
    fake.rotate_imds_keys = True
    fake.expires_in = 300 + 6
    env = dict(base, AWS_EC2_METADATA_DISABLED="false", AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.url + "/")
    p = subprocess.Popen([urlmint, "s3", "presign", "--batch", "s3://examplebucket", "--expires-in", "60",
                          "--jobs", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    start = time.time()
    sent = 0
    while time.time() - start < seconds:
        p.stdin.write(f"rotation/{sent}.txt\n".encode())
        p.stdin.flush()
        sent += 1
        time.sleep(0.5)
    out, err = p.communicate()
    check("the batch exits 0", p.returncode == 0, err.decode())
    urls = out.decode().splitlines()
    check(f"one URL per key ({sent})", len(urls) == sent, f"{len(urls)} URLs")

    key_ids, dates = [], []
    for i, url in enumerate(urls):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        kid = q["X-Amz-Credential"][0].split("/")[0]
        date = q["X-Amz-Date"][0]
        minted = calendar.timegm(time.strptime(date, "%Y%m%dT%H%M%SZ"))
        key_ids.append(kid)
        dates.append(minted)
        if kid not in fake.issued:
            check(f"URL {i} is signed with keys the fake issued", False, kid)
            continue
        secret, token, expiration = fake.issued[kid]
        if q.get("X-Amz-Security-Token") != [token]:
            check(f"URL {i} carries its key's session token", False, q.get("X-Amz-Security-Token"))
        if expiration - minted < 240:
            check(f"URL {i} was minted with at least 4 minutes left", False, f"{expiration - minted} s left ({kid})")
        if not sigv4_ok(url, secret):
            check(f"URL {i} verifies (signature recomputed here)", False, url)
        if i % 20 == 0:
            r = subprocess.run([urlmint, "s3", "verify", url, "--now", date], capture_output=True, text=True,
                               env=dict(base, AWS_EC2_METADATA_DISABLED="true", AWS_ACCESS_KEY_ID=kid,
                                        AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token))
            if r.returncode != 0:
                check(f"URL {i} verifies (urlmint s3 verify)", False, r.stderr.strip())
    distinct = len(set(key_ids))
    check(f"several key ids across the run ({distinct})", distinct >= 4, key_ids)
    check("X-Amz-Date follows the clock (the last URL is dated at least 45 s after the first)",
          len(dates) > 1 and dates[-1] - dates[0] >= min(45, seconds - 15), dates[:1] + dates[-1:])
    check("X-Amz-Date never goes backwards", all(a <= b for a, b in zip(dates, dates[1:])))
    check("every URL checked", not any(f.startswith("URL ") for f in failures))
sys.exit(1 if failures else 0)
