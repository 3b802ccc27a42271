#!/usr/bin/env python3
"""`urlmint s3 presign --batch` against the hand-tuned reference presigner (bench/reference_presigner.cpp):
N keys (default 10,000; the issue-18 bar is 1,000,000) must give byte-identical URLs, with one job and with
--jobs 2. Nothing is timed here (scripts/bench.sh reports the ratio).

    presign_reference_test.py URLMINT REFERENCE [N]
"""
import os, subprocess, sys, tempfile

NL = b"\n"
urlmint, reference = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
           AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
           AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
for v in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
    env.pop(v, None)
shapes = ["photos/2013/05/24/img-{}.jpg", "a b+c/{}.txt", "r\u00e9sum\u00e9s/{}/\u20ac.pdf", "x{}", "deep/" * 30 + "{}",
          "odd !$&'()*,;=:@[]~/{}", "emoji \U0001F600 {}"]
with tempfile.TemporaryDirectory() as d:
    keys = os.path.join(d, "keys.txt")
    with open(keys, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(shapes[i % len(shapes)].format(i) + "\n")
    def run(cmd, out):
        with open(keys, "rb") as i, open(out, "wb") as o:
            subprocess.run(cmd, stdin=i, stdout=o, env=env, check=True)
    ref = os.path.join(d, "ref.txt")
    run([reference, "examplebucket", "20130524T000000Z", "86400"], ref)
    failures = 0
    for jobs in ("1", "2"):
        got = os.path.join(d, "got" + jobs)
        run([urlmint, "s3", "presign", "--batch", "s3://examplebucket", "--now", "20130524T000000Z",
             "--expires-in", "86400", "--jobs", jobs], got)
        with open(ref, "rb") as a, open(got, "rb") as b:
            ra, rb = a.read(), b.read()
        lines = ra.count(b"\n")
        if ra != rb or lines != n:
            failures += 1
            for k, (x, y) in enumerate(zip(ra.split(b"\n"), rb.split(b"\n"))):
                if x != y:
                    print(f"FAILED --jobs {jobs}: line {k + 1} differs:\n  reference {x!r}\n  urlmint   {y!r}")
                    break
            else:
                print(f"FAILED --jobs {jobs}: {lines} reference lines, {rb.count(NL)} from urlmint")
        else:
            print(f"ok --jobs {jobs}: {n} URLs byte-identical to the reference")
sys.exit(1 if failures else 0)
