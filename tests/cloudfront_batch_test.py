#!/usr/bin/env python3
"""`urlmint cloudfront sign --batch`: one signed URL per stdin line, in order, the same bytes as
`cloudfront sign --url` for each (canned and custom policies), with --jobs 1 and 2; a bad line stops
the batch with its line number after the URLs before it.

    cloudfront_batch_test.py URLMINT
"""
import os, subprocess, sys

urlmint = sys.argv[1]
key = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "peers", "keys",
                   "TEST-ONLY-cloudfront-rsa2048.pem")
common = ["--key-pair-id", "K2JCJMDEHXQW5F", "--private-key", "file://" + key, "--date-less-than", "2030-01-01"]
urls = [f"https://d111111abcdef8.cloudfront.net/charts/{i}.png" + ("?v=1" if i % 3 == 0 else "") for i in range(40)]
failures = 0


def check(what, ok, detail=""):
    global failures
    print(("ok " if ok else "FAILED ") + what + ("" if ok else f": {detail}"))
    failures += 0 if ok else 1


for extra in ([], ["--hash-algorithm", "SHA256"], ["--ip-address", "192.0.2.0/24"],
              ["--policy-resource", "https://d111111abcdef8.cloudfront.net/charts/*"]):
    one = [subprocess.run([urlmint, "cloudfront", "sign", "--url", u] + common + extra, capture_output=True,
                          text=True, check=True).stdout for u in urls[:8]]
    for jobs in ("1", "2"):
        r = subprocess.run([urlmint, "cloudfront", "sign", "--batch", "--jobs", jobs] + common + extra,
                           input="".join(u + "\n" for u in urls), capture_output=True, text=True)
        lines = r.stdout.splitlines(keepends=True)
        check(f"--batch --jobs {jobs} {' '.join(extra)}: {len(urls)} URLs in order, as --url signs them",
              r.returncode == 0 and len(lines) == len(urls) and lines[:8] == one, r.stderr)
r = subprocess.run([urlmint, "cloudfront", "sign", "--batch"] + common, input=urls[0] + "\nhttps://x/a b\n" + urls[1] + "\n",
                   capture_output=True, text=True)
check("a bad line: exit 1, the URL before it, the line number", r.returncode == 1 and len(r.stdout.splitlines()) == 1
      and "line 2:" in r.stderr, (r.returncode, r.stderr))
r = subprocess.run([urlmint, "cloudfront", "sign", "--batch", "--url", urls[0]] + common, capture_output=True, text=True)
check("--batch with --url is a usage error", r.returncode == 2, r.stderr)
sys.exit(1 if failures else 0)
