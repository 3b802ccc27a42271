#!/usr/bin/env python3
"""Drives `urlmint s3 cp` and `s3 put-lifecycle` against the Swift s3api server that
scripts/test.sh starts (URLMINT_TEST_S3_* variables): upload then URL (presigned, CloudFront),
download to a file and to stdout, stdin upload, exit codes and one-line errors, no secret in
any output, and the progress bar only when stderr is a terminal.
Usage: transport_cli_test.py PATH/TO/urlmint"""
import os
import pty
import subprocess
import sys
import tempfile
import urllib.request

URLMINT = sys.argv[1]
ENDPOINT = os.environ.get("URLMINT_TEST_S3_ENDPOINT")
SECRET = os.environ.get("URLMINT_TEST_S3_SECRET_KEY", "testing")
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + detail))


def env(**extra):
    e = dict(os.environ)
    e.update(AWS_ACCESS_KEY_ID=os.environ.get("URLMINT_TEST_S3_ACCESS_KEY", "test:tester"),
             AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION=os.environ.get("URLMINT_TEST_S3_REGION", "us-east-1"),
             AWS_ENDPOINT_URL_S3=ENDPOINT, AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    e.pop("CLOUDFRONT_DOMAIN", None)
    e.update(extra)
    return e


def run(args, stdin=None, **extra):
    return subprocess.run([URLMINT] + args, input=stdin, capture_output=True, env=env(**extra), timeout=120)


# No proxy from the environment: the URLs point at 127.0.0.1 and must be fetched there.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url):
    with OPENER.open(url, timeout=30) as r:
        return r.read(), dict(r.headers)


def main():
    if not ENDPOINT:
        if os.environ.get("CI"):
            print("FAIL URLMINT_TEST_S3_ENDPOINT is not set but CI is: start scripts/swift-s3.sh (scripts/test.sh does)")
            print("0 passed, 1 failed")
            return 1
        print("URLMINT_TEST_S3_ENDPOINT is not set: transport CLI test not run")
        return 0
    assert ENDPOINT.startswith("http://127.0.0.1:"), ENDPOINT
    bucket = "urlmint-cli-%d" % os.getpid()
    # The bucket does not exist yet: the first upload must fail with NoSuchBucket; then plain
    # curl creates it (the access key has a ':', so it goes in a netrc file, not --user).
    tmp = tempfile.mkdtemp(prefix="urlmint-cli-")
    chart = os.path.join(tmp, "chart.png")
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(5000)
    with open(chart, "wb") as f:
        f.write(data)

    r = run(["s3", "cp", chart, "s3://%s/charts/" % bucket, "--addressing-style", "path"])
    err = r.stderr.decode()
    check("upload to a missing bucket exits 1 with one line naming the fix", r.returncode == 1 and err.count("\n") == 1
          and "NoSuchBucket" in err and "the bucket does not exist" in err and not r.stdout, err)

    netrc = os.path.join(tmp, "netrc")
    with open(netrc, "w") as f:
        f.write("machine 127.0.0.1 login %s password %s\n" % (env()["AWS_ACCESS_KEY_ID"], SECRET))
    subprocess.run(["curl", "-sf", "--netrc-file", netrc, "--aws-sigv4", "aws:amz:us-east-1:s3", "-H",
                    "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "-X", "PUT", "%s/%s" % (ENDPOINT, bucket)], check=True)

    r = run(["s3", "cp", chart, "s3://%s/charts/" % bucket, "--addressing-style", "path",
             "--cache-control", "max-age=31536000"])
    url = r.stdout.decode().strip()
    check("upload prints a 7-day presigned URL", r.returncode == 0 and "X-Amz-Expires=604800" in url
          and "/charts/chart.png?" in url, r.stderr.decode())
    body, headers = fetch(url)
    check("the URL downloads the same bytes", body == data)
    check("Content-Type was guessed from .png", headers.get("Content-Type") == "image/png", str(headers))
    check("Cache-Control was stored", headers.get("Cache-Control") == "max-age=31536000", str(headers))
    check("nothing on stderr when stderr is not a terminal", r.stderr == b"", r.stderr.decode())

    r = run(["s3", "cp", chart, "s3://%s/charts/a b+c.png" % bucket, "--addressing-style", "path"],
            CLOUDFRONT_DOMAIN="https://d111111abcdef8.cloudfront.net/")
    check("CLOUDFRONT_DOMAIN gives https://DOMAIN/KEY",
          r.stdout.decode() == "https://d111111abcdef8.cloudfront.net/charts/a%20b%2Bc.png\n", r.stdout.decode())
    r = run(["s3", "cp", chart, "s3://%s/charts/x.png" % bucket, "--addressing-style", "path",
             "--cloudfront-domain", "cdn.example.com"], CLOUDFRONT_DOMAIN="d111111abcdef8.cloudfront.net")
    check("--cloudfront-domain overrides CLOUDFRONT_DOMAIN",
          r.stdout.decode() == "https://cdn.example.com/charts/x.png\n", r.stdout.decode())

    out = os.path.join(tmp, "down.png")
    r = run(["s3", "cp", "s3://%s/charts/chart.png" % bucket, out, "--addressing-style", "path"])
    check("download to a file", r.returncode == 0 and open(out, "rb").read() == data, r.stderr.decode())
    r = run(["s3", "cp", "s3://%s/charts/chart.png" % bucket, "-", "--addressing-style", "path"])
    check("download to stdout", r.returncode == 0 and r.stdout == data, r.stderr.decode())
    r = run(["s3", "cp", "-", "s3://%s/stdin.txt" % bucket, "--addressing-style", "path"], stdin=b"from stdin")
    check("upload from stdin", r.returncode == 0 and fetch(r.stdout.decode().strip())[0] == b"from stdin",
          r.stderr.decode())

    missing = os.path.join(tmp, "missing.png")
    r = run(["s3", "cp", "s3://%s/nope.png" % bucket, missing, "--addressing-style", "path"])
    check("a missing key exits 1 and leaves no file", r.returncode == 1 and b"NoSuchKey" in r.stderr
          and not os.path.exists(missing) and not os.path.exists(missing + ".urlmint-partial"), r.stderr.decode())
    r = run(["s3", "cp", tmp, "s3://%s/dir" % bucket, "--addressing-style", "path"])
    check("a directory exits 1", r.returncode == 1 and b"is a directory" in r.stderr, r.stderr.decode())
    r = run(["s3", "cp", chart, "s3://%s/x" % bucket, "--endpoint-url", "http://127.0.0.1:1"])
    check("a refused connection exits 1 naming the fix", r.returncode == 1 and b"is the server running" in r.stderr,
          r.stderr.decode())
    r = run(["s3", "cp", chart, "s3://%s/x" % bucket, "--addressing-style", "path"], AWS_SECRET_ACCESS_KEY="wrong-secret-9")
    check("a wrong secret exits 1 with SignatureDoesNotMatch", r.returncode == 1 and b"SignatureDoesNotMatch" in r.stderr,
          r.stderr.decode())
    r = run(["s3", "cp", chart, "s3://%s/x" % bucket, "--addressing-style", "path", "--debug"],
            AWS_SECRET_ACCESS_KEY="wrong-secret-9")
    check("--debug shows the server's StringToSign", b"server's StringToSign" in r.stderr, r.stderr.decode())
    check("the secret never appears", b"wrong-secret-9" not in r.stderr + r.stdout)
    r = run(["s3", "cp", chart])
    check("one argument is a usage error (exit 2)", r.returncode == 2, r.stderr.decode())
    r = run(["s3", "put-lifecycle", "s3://%s" % bucket, "--prefix", "charts/"])
    check("put-lifecycle without --expire-days is a usage error", r.returncode == 2, r.stderr.decode())

    # The progress bar appears only on a terminal.
    big = os.path.join(tmp, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(3 * 1024 * 1024))
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(URLMINT, [URLMINT, "s3", "cp", big, "s3://%s/big.bin" % bucket, "--addressing-style", "path"], env())
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    check("on a terminal a progress bar shows bytes and rate", os.WEXITSTATUS(status) == 0 and b"MiB" in seen
          and b"/s" in seen, seen.decode(errors="replace"))

    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
