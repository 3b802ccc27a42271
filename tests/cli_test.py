#!/usr/bin/env python3
"""Drives the urlmint binary: exact output, exit codes and one-line errors."""
import os
import subprocess
import sys

CLI = sys.argv[1]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
# Hermetic credentials: no shared files, and never probe EC2 instance metadata (169.254.169.254).
ENV.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
EXAMPLE = dict(ENV, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
               AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
failures = []
passed = 0


def run(args, env=EXAMPLE, stdin=None):
    return subprocess.run([CLI] + args, env=env, input=stdin, capture_output=True, text=True)


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def expect_error(name, args, code=1, contains="", env=EXAMPLE, stdin=None):
    r = run(args, env, stdin)
    lines = r.stderr.strip().splitlines()
    check(name, r.returncode == code and r.stdout == "" and len(lines) == 1 and contains in r.stderr
          and "wJalrXUtnFEMI" not in r.stderr,
          f"exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")


AWS_EXAMPLE_URL = ("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                   "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                   "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")

r = run(["s3", "presign", "s3://examplebucket/test.txt", "--expires-in", "86400", "--now", "20130524T000000Z"])
check("AWS presigned example", r.returncode == 0 and r.stdout == AWS_EXAMPLE_URL + "\n", r.stdout + r.stderr)

r = run(["s3", "presign", "--batch", "s3://examplebucket", "--expires-in", "86400", "--now", "20130524T000000Z"],
        stdin="test.txt\ntest.txt\r\n")
check("batch mode streams one URL per line", r.returncode == 0 and r.stdout == (AWS_EXAMPLE_URL + "\n") * 2,
      r.stdout + r.stderr)

r = run(["s3", "presign", "--help"])
check("--help prints usage on stdout", r.returncode == 0 and "--expires-in" in r.stdout, r.stderr)

r = run(["s3", "presign", "s3://examplebucket/test.txt", "--now", "20130524T000000Z", "--debug"],
        env=dict(EXAMPLE, AWS_SESSION_TOKEN="SECRET-TOKEN-VALUE"))
check("--debug prints the steps and redacts the token",
      r.returncode == 0 and "--- canonical request ---" in r.stderr and "SECRET-TOKEN-VALUE" not in r.stderr
      and "<redacted>" in r.stderr, r.stderr)

r = run(["s3", "presign", "s3://b-1/k", "--endpoint-url", "http://127.0.0.1:9000", "--now", "20130524T000000Z"])
check("custom endpoint is path-style", r.returncode == 0 and r.stdout.startswith("http://127.0.0.1:9000/b-1/k?"),
      r.stdout + r.stderr)

r = run(["s3", "presign", "s3://examplebucket/k", "--region", "eu-west-1", "--now", "20130524T000000Z"])
check("region flag", r.returncode == 0 and r.stdout.startswith("https://examplebucket.s3.eu-west-1.amazonaws.com/k?")
      and "%2Feu-west-1%2F" in r.stdout, r.stdout + r.stderr)

r = run(["s3", "presign", "s3://examplebucket/k", "--now", "20130524T000000Z"], env=dict(EXAMPLE, AWS_REGION="ap-south-1"))
check("AWS_REGION", r.returncode == 0 and "%2Fap-south-1%2F" in r.stdout, r.stdout + r.stderr)

# Bad input: one line on stderr, nothing on stdout, exit 2 (a usage error: malformed or out-of-range
# values included); exit 1 only when an operation fails (here: no credentials).
expect_error("expiry 0", ["s3", "presign", "s3://examplebucket/k", "--expires-in", "0"], 2, "1 to 604800")
expect_error("expiry negative", ["s3", "presign", "s3://examplebucket/k", "--expires-in", "-5"], 2, "1 to 604800")
expect_error("expiry over 7 days", ["s3", "presign", "s3://examplebucket/k", "--expires-in", "604801"], 2, "604800")
expect_error("expiry not a number", ["s3", "presign", "s3://examplebucket/k", "--expires-in", "1h"], 2, "whole number")
expect_error("bad bucket", ["s3", "presign", "s3://Bad_Bucket/k"], 2, "uppercase")
expect_error("missing key", ["s3", "presign", "s3://examplebucket"], 2, "key is empty")
expect_error("long key", ["s3", "presign", "s3://examplebucket/" + "k" * 1025], 2, "1024")
expect_error("bad method", ["s3", "presign", "s3://examplebucket/k", "--method", "PATCH"], 2, "GET, PUT, HEAD or DELETE")
expect_error("bad --now", ["s3", "presign", "s3://examplebucket/k", "--now", "2013-05-24"], 2, "YYYYMMDDTHHMMSSZ")
expect_error("ftp endpoint", ["s3", "presign", "s3://examplebucket/k", "--endpoint-url", "ftp://x"], 2, "http://")
expect_error("not an s3 URI", ["s3", "presign", "https://examplebucket/k"], 2, "s3://BUCKET/KEY")
expect_error("missing credentials", ["s3", "presign", "s3://examplebucket/k"], 1, "AWS_ACCESS_KEY_ID", env=ENV)
expect_error("empty region", ["s3", "presign", "s3://examplebucket/k", "--region", ""], 2, "--region is empty")
expect_error("unknown flag", ["s3", "presign", "s3://examplebucket/k", "--bogus"], 2, "unknown option --bogus")
expect_error("unknown command", ["s3", "presignn"], 2, "unknown command")
expect_error("flag without value", ["s3", "presign", "s3://examplebucket/k", "--region"], 2, "needs a value")
expect_error("batch with key", ["s3", "presign", "--batch", "s3://examplebucket/k"], 2, "stdin")
r = run(["s3", "presign", "--batch", "s3://examplebucket"], stdin="ok\n\nnever\n")
check("a bad key stops the batch at its line, after the URLs before it",
      r.returncode == 1 and r.stdout.count("\n") == 1 and "/ok?" in r.stdout and "line 2: " in r.stderr
      and "never" not in r.stdout, r.stdout + r.stderr)

print(f"cli_test: {passed} passed, {len(failures)} failed")
for f in failures:
    print("FAILED", f)
sys.exit(1 if failures else 0)
