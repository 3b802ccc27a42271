#!/usr/bin/env python3
"""`urlmint s3 ls / rm / mb / rb` and recursive `s3 cp` against the Swift s3api server that
scripts/test.sh starts (URLMINT_TEST_S3_* variables), compared with the AWS CLI v1 (`aws s3 ...`,
run offline against the same server) on the same trees: the set of keys after each recursive copy
and removal, the stored headers (boto3 head_object), `ls` lines ignoring the date and time, the
--dryrun lines; ListObjectsV2 pagination and DeleteObjects batches with more than 1000 keys; exit
statuses (0 ok, 1 failed operation, 2 usage error).
Usage: s3_cli_test.py PATH/TO/urlmint"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

URLMINT = os.path.abspath(sys.argv[1])
ENDPOINT = os.environ.get("URLMINT_TEST_S3_ENDPOINT")
ACCESS = os.environ.get("URLMINT_TEST_S3_ACCESS_KEY", "test:tester")
SECRET = os.environ.get("URLMINT_TEST_S3_SECRET_KEY", "testing")
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)[:2000]))


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CLOUDFRONT_DOMAIN"}
    e.update(AWS_ACCESS_KEY_ID=ACCESS, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="us-east-1",
             AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent",
             AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true", TZ="UTC")
    if ENDPOINT:
        e["AWS_ENDPOINT_URL_S3"] = ENDPOINT
    return e


def um(*args, cwd=None):
    return subprocess.run([URLMINT] + list(args), capture_output=True, text=True, env=env(), cwd=cwd, timeout=600)


def aws_command():
    try:
        import awscli  # noqa: F401
        return [sys.executable, "-m", "awscli"]
    except ImportError:
        return [shutil.which("aws")] if shutil.which("aws") else None


AWS = aws_command()


def aws(*args, cwd=None):
    r = subprocess.run(AWS + ["--endpoint-url", ENDPOINT, "s3"] + list(args), capture_output=True, text=True,
                       env=env(), cwd=cwd, timeout=600)
    # Its progress lines ("Completed 8 Bytes/4.9 KiB ...") go to stdout even when it is not a terminal.
    if "Completed " in r.stdout:
        r.stdout = "".join(line.rstrip() + "\n" for line in r.stdout.replace("\r", "\n").splitlines()
                           if line.strip() and not line.startswith("Completed "))
    return r


def ls_lines(out):
    """`ls` lines with the leading 'YYYY-MM-DD HH:MM:SS ' removed."""
    return [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "DATE ", line) for line in out.splitlines()]


def write_tree(root, files):
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


class FakeS3(http.server.BaseHTTPRequestHandler):
    """Lists two keys and refuses one of them in DeleteObjects: the per-key error path, which
    a real server cannot be made to take on demand. Records the requests."""
    requests = []

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        FakeS3.requests.append(("GET", self.path))
        self.answer(200, "<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>"
                         "<Contents><Key>p/ok.txt</Key><Size>1</Size><LastModified>2026-01-01T00:00:00.000Z"
                         "</LastModified></Contents><Contents><Key>p/locked+file.txt</Key><Size>2</Size>"
                         "</Contents></ListBucketResult>")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        FakeS3.requests.append(("POST", self.path, body))
        self.answer(200, "<DeleteResult><Deleted><Key>p/ok.txt</Key></Deleted><Error><Key>p/locked file.txt</Key>"
                         "<Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>")

    def do_DELETE(self):
        FakeS3.requests.append(("DELETE", self.path))
        self.send_response(204)
        self.end_headers()


def per_key_errors():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake = "http://127.0.0.1:%d" % server.server_address[1]
    r = subprocess.run([URLMINT, "s3", "rm", "s3://bucket/p/", "--recursive", "--endpoint-url", fake],
                       capture_output=True, text=True, env=env(), timeout=60)
    posts = [q for q in FakeS3.requests if q[0] == "POST"]
    check("rm --recursive sends one DeleteObjects naming both keys (url-decoded from the listing)",
          len(posts) == 1 and "?delete" in posts[0][1] and "<Key>p/ok.txt</Key>" in posts[0][2]
          and "<Key>p/locked file.txt</Key>" in posts[0][2], FakeS3.requests)
    check("a key DeleteObjects refuses: 'delete failed: ...' on stderr, the others deleted, exit 1",
          r.returncode == 1 and r.stdout == "delete: s3://bucket/p/ok.txt\n"
          and r.stderr == "delete failed: s3://bucket/p/locked file.txt AccessDenied: Access Denied\n",
          (r.returncode, r.stdout, r.stderr))
    FakeS3.requests.clear()
    r = subprocess.run([URLMINT, "s3", "rb", "s3://bucket", "--force", "--endpoint-url", fake],
                       capture_output=True, text=True, env=env(), timeout=60)
    check("rb --force keeps the bucket when a key could not be deleted", r.returncode == 1 and
          not any(q[0] == "DELETE" for q in FakeS3.requests) and "is kept" in r.stderr, (r.stderr, FakeS3.requests))
    server.shutdown()


def main():
    per_key_errors()
    if not ENDPOINT:
        if os.environ.get("CI"):
            print("FAIL URLMINT_TEST_S3_ENDPOINT is not set but CI is: start scripts/swift-s3.sh (scripts/test.sh does)")
            print("0 passed, 1 failed")
            return 1
        print("URLMINT_TEST_S3_ENDPOINT is not set: the tests against Swift were not run")
        print("%d passed, %d failed" % (results["passed"], results["failed"]))
        return 1 if results["failed"] else 0
    assert ENDPOINT.startswith("http://127.0.0.1:"), ENDPOINT
    try:
        import boto3
        import botocore.config
    except ImportError:
        boto3 = None
    if AWS is None or boto3 is None:
        print(("FAIL " if os.environ.get("CI") else "") + "the AWS CLI v1 and boto3 are needed for the comparisons "
              "(pip install awscli boto3)")
        return 1 if os.environ.get("CI") else 0
    s3 = boto3.client("s3", endpoint_url=ENDPOINT, aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                      region_name="us-east-1", config=botocore.config.Config(s3={"addressing_style": "path"}))

    def keys(bucket, prefix=""):
        out = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            out.update(o["Key"][len(prefix):] for o in page.get("Contents", []))
        return out

    tmp = tempfile.mkdtemp(prefix="urlmint-s3-cli-")
    bucket = "urlmint-s3cli-%d" % os.getpid()

    # mb / ls of buckets.
    r = um("s3", "mb", "s3://" + bucket)
    check("mb prints make_bucket: BUCKET", r.returncode == 0 and r.stdout == "make_bucket: %s\n" % bucket,
          r.stdout + r.stderr)
    r = um("s3", "mb", "s3://" + bucket)
    check("mb of an existing bucket exits 1 with one line", r.returncode == 1 and r.stdout == ""
          and len(r.stderr.splitlines()) == 1, r.stderr)
    # Other suites create and remove buckets on the same server meanwhile: compare again (up to
    # 3 times) when the two listings differ, so only a real difference in format fails.
    for _ in range(3):
        r, a = um("s3", "ls"), aws("ls")
        if sorted(ls_lines(r.stdout)) == sorted(ls_lines(a.stdout)):
            break
    check("ls lists buckets as aws s3 ls does", r.returncode == 0 and ("DATE " + bucket) in ls_lines(r.stdout)
          and sorted(ls_lines(r.stdout)) == sorted(ls_lines(a.stdout)), (r.stdout, a.stdout, r.stderr))
    r = um("s3", "ls", "--output", "json")
    check("ls --output json lists buckets", r.returncode == 0
          and bucket in [b["Name"] for b in json.loads(r.stdout)["Buckets"]], r.stdout + r.stderr)

    # The seed's tree: chart PNGs and a few others, nested, with awkward names.
    files = {
        "q1.png": b"\x89PNG\r\n\x1a\n" + os.urandom(3000),
        "q2.png": b"\x89PNG\r\n\x1a\n" + os.urandom(10),
        "charts/2026/jan.png": b"\x89PNG" + os.urandom(2000),
        "charts/2026/feb.PNG": b"\x89PNG" + os.urandom(1),
        "charts/notes.txt": b"notes\n",
        "data/keep.csv": b"a,b\n1,2\n",
        "data/drop.csv": b"x\n",
        "data/series.json": b"{}",
        "data/sp ace+plus & \u00fc.txt": b"odd name",
        ".hidden": b"h",
    }
    tree = os.path.join(tmp, "tree")
    write_tree(tree, files)
    flags = ["--cache-control", "max-age=31536000", "--exclude", "*.csv", "--include", "data/keep.csv",
             "--exclude", ".hidden"]

    # --dryrun: the same lines as aws, nothing uploaded.
    r = um("s3", "cp", "tree", "s3://%s/dry/" % bucket, "--recursive", "--dryrun", *flags, cwd=tmp)
    a = aws("cp", "tree", "s3://%s/dry/" % bucket, "--recursive", "--dryrun", *flags, cwd=tmp)
    check("cp --recursive --dryrun prints aws's '(dryrun) upload: ...' lines", r.returncode == 0 and
          sorted(r.stdout.splitlines()) == sorted(a.stdout.splitlines()) and len(r.stdout.splitlines()) == 8,
          (r.stdout, a.stdout, r.stderr))
    check("--dryrun uploads nothing", keys(bucket, "dry/") == set())

    # The upload: same keys, same lines, same stored headers as aws.
    r = um("s3", "cp", "tree", "s3://%s/um/" % bucket, "--recursive", "--jobs", "4", *flags, cwd=tmp)
    a = aws("cp", "tree", "s3://%s/aws/" % bucket, "--recursive", *flags, cwd=tmp)
    check("cp --recursive upload exits 0", r.returncode == 0 and r.stderr == "", r.stderr)
    check("cp --recursive upload prints aws's 'upload: ... to s3://...' lines",
          sorted(r.stdout.splitlines()) == sorted(l.replace("/aws/", "/um/") for l in a.stdout.splitlines()),
          (r.stdout, a.stdout))
    um_keys, aws_keys = keys(bucket, "um/"), keys(bucket, "aws/")
    check("recursive upload: the same set of keys as aws (filters in aws's order)", um_keys == aws_keys
          and len(um_keys) == 8 and "data/keep.csv" in um_keys and "data/drop.csv" not in um_keys,
          (sorted(um_keys), sorted(aws_keys)))
    for rel in ["q1.png", "charts/2026/feb.PNG", "data/keep.csv", "data/series.json", "charts/notes.txt"]:
        hu, ha = s3.head_object(Bucket=bucket, Key="um/" + rel), s3.head_object(Bucket=bucket, Key="aws/" + rel)
        fields = ["ContentType", "CacheControl", "ContentLength", "ETag"]
        check("stored headers of %s match aws's (%s)" % (rel, hu.get("ContentType")),
              all(hu.get(f) == ha.get(f) for f in fields), {f: (hu.get(f), ha.get(f)) for f in fields})
    body = s3.get_object(Bucket=bucket, Key="um/data/sp ace+plus & \u00fc.txt")["Body"].read()
    check("a key with a space, +, & and a non-ASCII letter round-trips", body == b"odd name")

    # ls: non-recursive (PRE lines), recursive, human-readable, summarize: aws's lines.
    for extra in [[], ["--recursive"], ["--human-readable", "--summarize"], ["--recursive", "--human-readable",
                                                                              "--summarize"]]:
        for sub in ["", "charts/", "charts"]:
            r = um("s3", "ls", "s3://%s/um/%s" % (bucket, sub), *extra)
            a = aws("ls", "s3://%s/aws/%s" % (bucket, sub), *extra)
            mine = [l.replace(" um/", " X/") for l in ls_lines(r.stdout)]
            theirs = [l.replace(" aws/", " X/") for l in ls_lines(a.stdout)]
            check("ls %s %s: aws's lines" % (sub or "(prefix)", " ".join(extra)),
                  r.returncode == a.returncode == 0 and mine == theirs, "\n".join(mine) + "\n---\n" + "\n".join(theirs))
    r = um("s3", "ls", "s3://%s/um/" % bucket, "--recursive", "--output", "json")
    got = {o["Key"] for o in json.loads(r.stdout)["Contents"]} if r.returncode == 0 else set()
    check("ls --output json lists the keys", got == {"um/" + k for k in um_keys}, r.stdout + r.stderr)
    r, a = um("s3", "ls", "s3://%s/nothing-here" % bucket), aws("ls", "s3://%s/nothing-here" % bucket)
    check("ls of a prefix that matches nothing exits 1, as aws does", r.returncode == 1 and a.returncode == 1
          and r.stdout == "" and len(r.stderr.splitlines()) == 1, (r.returncode, a.returncode, r.stderr))
    r = um("s3", "ls", "s3://no-such-bucket-%d/" % os.getpid())
    check("ls of a missing bucket exits 1 naming NoSuchBucket", r.returncode == 1 and "NoSuchBucket" in r.stderr,
          r.stderr)

    # Object flags: the stored headers match aws's for the same flags.
    obj_flags = ["--content-type", "image/png", "--cache-control", "no-cache", "--content-encoding", "identity",
                 "--content-language", "en-US", "--expires", "2030-01-01T00:00:00Z", "--content-disposition",
                 "inline", "--acl", "public-read", "--metadata", "chart=q1"]
    r = um("s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/flags/um.png" % bucket, *obj_flags)
    a = aws("cp", os.path.join(tree, "q1.png"), "s3://%s/flags/aws.png" % bucket, *obj_flags)
    check("cp with --acl, --content-encoding, --content-language, --expires exits 0", r.returncode == 0 and
          a.returncode == 0, r.stderr + a.stderr)
    hu, ha = s3.head_object(Bucket=bucket, Key="flags/um.png"), s3.head_object(Bucket=bucket, Key="flags/aws.png")
    fields = ["ContentType", "CacheControl", "ContentEncoding", "ContentLanguage", "Expires", "ContentDisposition",
              "Metadata", "ETag"]
    check("stored headers after the object flags match aws's", all(hu.get(f) == ha.get(f) for f in fields),
          {f: (hu.get(f), ha.get(f)) for f in fields})
    check("Expires is stored as the HTTP date", str(hu.get("Expires", "")).startswith("2030-01-01"), hu.get("Expires"))
    r = um("s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/flags/x.png" % bucket, "--output", "json")
    doc = json.loads(r.stdout) if r.returncode == 0 else {}
    check("cp --output json prints bucket, key, url and etag", doc.get("key") == "flags/x.png"
          and doc.get("etag", "").strip('"') and doc.get("url", "").startswith("http"), r.stdout + r.stderr)
    r = um("s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/flags/q.png" % bucket, "--quiet")
    check("cp --quiet prints nothing", r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr)
    r = um("s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/flags/q.png" % bucket, "--only-show-errors")
    check("cp --only-show-errors prints nothing on success", r.returncode == 0 and r.stdout == "", r.stdout)
    r = um("s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/flags/d.png" % bucket, "--dryrun")
    check("cp --dryrun of one file prints the (dryrun) line and uploads nothing", r.returncode == 0 and
          r.stdout == "(dryrun) upload: %s to s3://%s/flags/d.png\n" % (os.path.join(tree, "q1.png"), bucket)
          and "d.png" not in keys(bucket, "flags/"), r.stdout + r.stderr)

    # Recursive download, with filters: the same files as aws.
    dl_flags = ["--exclude", "*", "--include", "*.png", "--include", "*.PNG", "--exclude", "charts/2026/feb*"]
    r = um("s3", "cp", "s3://%s/um/" % bucket, "dl-um", "--recursive", *dl_flags, cwd=tmp)
    a = aws("cp", "s3://%s/aws/" % bucket, "dl-aws", "--recursive", *dl_flags, cwd=tmp)

    def local_files(root):
        out = {}
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                out[os.path.relpath(p, root)] = open(p, "rb").read()
        return out
    got, want = local_files(os.path.join(tmp, "dl-um")), local_files(os.path.join(tmp, "dl-aws"))
    check("cp --recursive download: the same files and bytes as aws", r.returncode == 0 and got == want
          and set(got) == {"q1.png", "q2.png", "charts/2026/jan.png"}, (sorted(got), sorted(want), r.stderr))
    check("cp --recursive download prints aws's 'download: ...' lines",
          sorted(r.stdout.splitlines()) == sorted(l.replace("/aws/", "/um/").replace("dl-aws", "dl-um")
                                                  for l in a.stdout.splitlines()), (r.stdout, a.stdout))

    # rm: one key, then --recursive with filters, compared with aws's rm on its copy.
    r = um("s3", "rm", "s3://%s/flags/x.png" % bucket)
    check("rm prints delete: s3://BUCKET/KEY", r.returncode == 0 and r.stdout == "delete: s3://%s/flags/x.png\n" % bucket
          and "x.png" not in keys(bucket, "flags/"), r.stdout + r.stderr)
    rm_flags = ["--exclude", "*", "--include", "charts/*", "--exclude", "*.txt"]
    r = um("s3", "rm", "s3://%s/um/" % bucket, "--recursive", "--dryrun", *rm_flags)
    a = aws("rm", "s3://%s/aws/" % bucket, "--recursive", "--dryrun", *rm_flags)
    check("rm --recursive --dryrun: aws's lines, nothing deleted",
          sorted(r.stdout.splitlines()) == sorted(l.replace("/aws/", "/um/") for l in a.stdout.splitlines())
          and keys(bucket, "um/") == um_keys and len(r.stdout.splitlines()) == 2, (r.stdout, a.stdout))
    r = um("s3", "rm", "s3://%s/um/" % bucket, "--recursive", *rm_flags)
    a = aws("rm", "s3://%s/aws/" % bucket, "--recursive", *rm_flags)
    check("rm --recursive: the same keys are left as after aws's", r.returncode == 0 and
          keys(bucket, "um/") == keys(bucket, "aws/") == um_keys - {"charts/2026/jan.png", "charts/2026/feb.PNG"},
          (sorted(keys(bucket, "um/")), sorted(keys(bucket, "aws/")), r.stderr))
    check("rm --recursive prints aws's delete lines",
          sorted(r.stdout.splitlines()) == sorted(l.replace("/aws/", "/um/") for l in a.stdout.splitlines()),
          (r.stdout, a.stdout))

    # More than 1000 keys: ListObjectsV2 pages and DeleteObjects batches.
    many = os.path.join(tmp, "many")
    write_tree(many, {"k%04d.txt" % i: b"x" for i in range(1100)})
    r = um("s3", "cp", many, "s3://%s/many/" % bucket, "--recursive", "--only-show-errors", "--jobs", "8")
    check("1100 files upload with --only-show-errors silent", r.returncode == 0 and r.stdout == "", r.stderr[-500:])
    r, a = um("s3", "ls", "s3://%s/many/" % bucket), aws("ls", "s3://%s/many/" % bucket)
    check("ls reads every page: 1100 lines, aws's", len(r.stdout.splitlines()) == 1100 and
          ls_lines(r.stdout) == ls_lines(a.stdout), (len(r.stdout.splitlines()), len(a.stdout.splitlines())))
    r2 = um("s3", "ls", "s3://%s/many/" % bucket, "--page-size", "150", "--summarize")
    check("ls --page-size 150 --summarize: the same lines over 8 pages and the totals",
          r2.stdout.splitlines()[:1100] == r.stdout.splitlines() and "Total Objects: 1100" in r2.stdout
          and "   Total Size: 1100" in r2.stdout, r2.stdout[-200:] + r2.stderr)
    r = um("s3", "rm", "s3://%s/many/" % bucket, "--recursive")
    check("rm --recursive of 1100 keys (two DeleteObjects batches) deletes them all", r.returncode == 0 and
          len(r.stdout.splitlines()) == 1100 and keys(bucket, "many/") == set(), (r.stderr, len(r.stdout.splitlines())))

    # Usage errors exit 2, nothing on stdout, one line on stderr.
    for name, args in [
            ("--acl outside the canned ACLs", ["s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/k" % bucket, "--acl",
                                                "world-writable"]),
            ("--output yaml", ["s3", "ls", "--output", "yaml"]),
            ("--page-size 0", ["s3", "ls", "s3://%s/" % bucket, "--page-size", "0"]),
            ("--page-size 1001", ["s3", "ls", "s3://%s/" % bucket, "--page-size", "1001"]),
            ("--jobs 0", ["s3", "cp", tree, "s3://%s/j/" % bucket, "--recursive", "--jobs", "0"]),
            ("--expires that is not a date", ["s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/k" % bucket,
                                              "--expires", "soon"]),
            ("rm without a key or --recursive", ["s3", "rm", "s3://%s" % bucket]),
            ("rm --exclude without --recursive", ["s3", "rm", "s3://%s/k" % bucket, "--exclude", "*"]),
            ("mb with a key", ["s3", "mb", "s3://%s/k" % bucket]),
            ("mb without a bucket", ["s3", "mb", "s3://"]),
            ("rb with a key", ["s3", "rb", "s3://%s/k" % bucket]),
            ("ls of something that is not s3://", ["s3", "ls", "/tmp"]),
            ("recursive cp to stdout", ["s3", "cp", "s3://%s/um/" % bucket, "-", "--recursive"]),
            ("--expires-in out of range", ["s3", "cp", os.path.join(tree, "q1.png"), "s3://%s/k" % bucket,
                                           "--expires-in", "604801"])]:
        r = um(*args)
        check("usage error exits 2: " + name, r.returncode == 2 and r.stdout == "" and len(r.stderr.splitlines()) == 1,
              "exit %d %r %r" % (r.returncode, r.stdout, r.stderr))
    r = um("s3", "cp", os.path.join(tmp, "missing-dir"), "s3://%s/m/" % bucket, "--recursive")
    check("cp --recursive of a missing directory exits 1", r.returncode == 1 and "not a directory" in r.stderr, r.stderr)

    # rb: refused while not empty, --force empties it first.
    r = um("s3", "rb", "s3://" + bucket)
    check("rb of a bucket with objects exits 1 (BucketNotEmpty)", r.returncode == 1 and "BucketNotEmpty" in r.stderr
          and r.stdout == "", r.stderr)
    r = um("s3", "rb", "s3://" + bucket, "--force")
    check("rb --force empties (aws's delete lines) and removes the bucket", r.returncode == 0
          and r.stdout.endswith("\nremove_bucket: %s\n" % bucket) and r.stdout.count("delete: ") == len(r.stdout.splitlines()) - 1
          and bucket not in um("s3", "ls").stdout, r.stdout + r.stderr)
    r = um("s3", "rb", "s3://" + bucket)
    check("rb of a missing bucket exits 1", r.returncode == 1 and "NoSuchBucket" in r.stderr, r.stderr)

    shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
