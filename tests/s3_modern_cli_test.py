#!/usr/bin/env python3
"""Issue 14's requests through `urlmint s3 cp`, against servers on 127.0.0.1 only.

Conditional writes run against moto's server mode (moto implements If-None-Match / If-Match on
PutObject, CompleteMultipartUpload and DeleteObject; Swift's s3api answers NotImplemented for
conditional PUTs). moto is started with IAM authentication on (INITIAL_NO_AUTH_ACTION_COUNT), so
it verifies every SigV4 signature; the test first proves that with a wrong secret.

Checksums and region discovery run against tests/fake_s3.py, a loopback S3 that verifies SigV4
with botocore, recomputes every x-amz-checksum-* independently, and keeps buckets in regions.
Usage: s3_modern_cli_test.py PATH/TO/urlmint"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

URLMINT = sys.argv[1]
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def base_env(access_key, secret_key, **extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CLOUDFRONT_DOMAIN"}
    e.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key, AWS_EC2_METADATA_DISABLED="true",
             AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    e.update(extra)
    return e


def run(args, env, stdin=None):
    return subprocess.run([URLMINT] + args, input=stdin, capture_output=True, env=env, timeout=120)


def err(r):
    return r.stderr.decode(errors="replace").strip()


# ---------------------------------------------------------------------------------------------
# Conditional writes against moto.

def start_moto():
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("moto server did not start")


def moto_tests():
    try:
        import botocore.session
        import moto  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            check("moto is installed (pip install 'moto[server]')", False)
        else:
            print("skip conditional writes: moto is not installed (pip install 'moto[server]')")
        return
    proc, url = start_moto()
    try:
        session = botocore.session.get_session()
        # The first three requests are unauthenticated: they create the IAM key every later
        # request must be signed with.
        iam = session.create_client("iam", region_name="us-east-1", endpoint_url=url, aws_access_key_id="bootstrap",
                                    aws_secret_access_key="bootstrap")
        iam.create_user(UserName="urlmint")
        iam.put_user_policy(UserName="urlmint", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="urlmint")["AccessKey"]
        ak, sk = key["AccessKeyId"], key["SecretAccessKey"]
        s3 = session.create_client("s3", region_name="us-east-1", endpoint_url=url, aws_access_key_id=ak,
                                   aws_secret_access_key=sk)
        s3.create_bucket(Bucket="cond-bucket")
        env = base_env(ak, sk, AWS_ENDPOINT_URL_S3=url, AWS_REGION="us-east-1")

        with tempfile.TemporaryDirectory() as tmp:
            first = os.path.join(tmp, "first.txt")
            second = os.path.join(tmp, "second.txt")
            with open(first, "wb") as f:
                f.write(b"first version\n")
            with open(second, "wb") as f:
                f.write(b"second version\n")

            r = run(["s3", "cp", first, "s3://cond-bucket/strict.txt"], base_env(ak, "wrong-secret",
                                                                                   AWS_ENDPOINT_URL_S3=url))
            check("moto is strict: a wrong secret gets SignatureDoesNotMatch", r.returncode == 1 and
                  "SignatureDoesNotMatch" in err(r), err(r))

            r1 = run(["s3", "cp", first, "s3://cond-bucket/charts/a.txt", "--no-overwrite"], env)
            check("--no-overwrite stores a new key", r1.returncode == 0, err(r1))
            r2 = run(["s3", "cp", second, "s3://cond-bucket/charts/a.txt", "--no-overwrite"], env)
            check("--no-overwrite a second time fails with exit 1 and one line",
                  r2.returncode == 1 and err(r2) == "urlmint s3 cp: s3://cond-bucket/charts/a.txt already exists "
                                                    "(--no-overwrite)" and r2.stdout == b"", err(r2))
            body = s3.get_object(Bucket="cond-bucket", Key="charts/a.txt")["Body"].read()
            check("the object is unchanged after the refused overwrite", body == b"first version\n", body)

            etag = s3.head_object(Bucket="cond-bucket", Key="charts/a.txt")["ETag"]
            r = run(["s3", "cp", second, "s3://cond-bucket/charts/a.txt", "--if-match", '"0123456789abcdef"'], env)
            check("--if-match with a wrong ETag fails and names it", r.returncode == 1 and err(r) ==
                  'urlmint s3 cp: s3://cond-bucket/charts/a.txt no longer has ETag "0123456789abcdef" or does not '
                  'exist (--if-match)', err(r))
            body = s3.get_object(Bucket="cond-bucket", Key="charts/a.txt")["Body"].read()
            check("the object is unchanged after the wrong --if-match", body == b"first version\n", body)
            r = run(["s3", "cp", second, "s3://cond-bucket/charts/a.txt", "--if-match", etag.strip('"')], env)
            check("--if-match with the right ETag (quotes optional) replaces the object", r.returncode == 0, err(r))
            body = s3.get_object(Bucket="cond-bucket", Key="charts/a.txt")["Body"].read()
            check("the replacement is stored", body == b"second version\n", body)

            big = os.path.join(tmp, "big.bin")
            with open(big, "wb") as f:
                f.write(os.urandom(11 * 1024 * 1024))
            mp = ["--multipart-threshold", "6000000", "--part-size", "5242880"]
            r = run(["s3", "cp", big, "s3://cond-bucket/big.bin", "--no-overwrite"] + mp, env)
            check("a multipart --no-overwrite upload of a new key completes", r.returncode == 0, err(r))
            first_etag = s3.head_object(Bucket="cond-bucket", Key="big.bin")["ETag"]
            r = run(["s3", "cp", big, "s3://cond-bucket/big.bin", "--no-overwrite"] + mp, env)
            check("multipart carries the condition: the second upload fails at CompleteMultipartUpload",
                  r.returncode == 1 and "already exists (--no-overwrite)" in err(r), err(r))
            check("the multipart object is unchanged",
                  s3.head_object(Bucket="cond-bucket", Key="big.bin")["ETag"] == first_etag)
            uploads = s3.list_multipart_uploads(Bucket="cond-bucket").get("Uploads", [])
            check("the refused multipart upload was aborted, no parts left behind", uploads == [], uploads)
            r = run(["s3", "cp", big, "s3://cond-bucket/big.bin", "--if-match", first_etag] + mp, env)
            check("a multipart upload with the right --if-match completes", r.returncode == 0, err(r))
            r = run(["s3", "cp", first, "s3://cond-bucket/x", "--no-overwrite", "--if-match", "e"], env)
            check("--no-overwrite with --if-match is a usage error", r.returncode == 2, err(r))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# Checksums and region discovery against tests/fake_s3.py.

def fake_tests():
    import fake_s3
    srv = fake_s3.FakeS3({"home-bucket": "us-east-1", "far-bucket": "ap-southeast-2"}).start()
    try:
        env = base_env(fake_s3.ACCESS_KEY, fake_s3.SECRET_KEY, AWS_ENDPOINT_URL_S3=srv.url, AWS_REGION="us-east-1")
        with tempfile.TemporaryDirectory() as tmp:
            small = os.path.join(tmp, "small.bin")
            with open(small, "wb") as f:
                f.write(b"123456789" * 1000)
            data = open(small, "rb").read()

            r = run(["s3", "cp", small, "s3://home-bucket/plain.bin"], base_env(fake_s3.ACCESS_KEY, "wrong",
                                                                             AWS_ENDPOINT_URL_S3=srv.url))
            check("the fake is strict: a wrong secret gets SignatureDoesNotMatch",
                  r.returncode == 1 and "SignatureDoesNotMatch" in err(r), err(r))
            r = run(["s3", "cp", small, "s3://home-bucket/plain.bin"], env)
            put = [q for q in srv.requests if q[0] == "PUT" and q[1].endswith("/plain.bin")][-1][3]
            check("without --checksum-algorithm no checksum header and no Content-MD5 is sent (the signed SHA-256 is)",
                  r.returncode == 0 and "Content-MD5" not in put and not any(k.lower().startswith("x-amz-checksum")
                                                                         or k.lower() == "x-amz-sdk-checksum-algorithm"
                                                                         for k in put), put)
            for alg in fake_s3.ALGORITHMS:
                r = run(["s3", "cp", small, "s3://home-bucket/c-%s" % alg, "--checksum-algorithm", alg.upper()], env)
                put = [q for q in srv.requests if q[0] == "PUT" and q[1].endswith("/c-" + alg)][-1][3]
                got = {k.lower(): v for k, v in put.items()}.get("x-amz-checksum-" + alg)
                check("single PUT: x-amz-checksum-%s equals an independent computation" % alg,
                      r.returncode == 0 and got == fake_s3.b64(fake_s3.digest(alg, data)), (got, err(r)))

            big = os.path.join(tmp, "big.bin")
            with open(big, "wb") as f:
                f.write(os.urandom(5 * 1024 * 1024 + 200000))
            mp = ["--multipart-threshold", "5300000", "--part-size", "5242880"]
            for alg in ["crc32", "crc64nvme", "sha256"]:
                r = run(["s3", "cp", big, "s3://home-bucket/big-%s" % alg, "--checksum-algorithm", alg] + mp, env)
                obj = srv.objects.get(("home-bucket", "big-%s" % alg), {})
                check("multipart %s: every part's checksum and the %s checksum verify" % (
                    alg, "full-object" if alg == "crc64nvme" else "composite"),
                    r.returncode == 0 and obj.get("checksum") and obj.get("type") ==
                    ("FULL_OBJECT" if alg == "crc64nvme" else "COMPOSITE"), err(r))

            out = os.path.join(tmp, "down.bin")
            r = run(["s3", "cp", "s3://home-bucket/c-crc32c", out, "--checksum-mode", "ENABLED"], env)
            check("a download with --checksum-mode ENABLED verifies and keeps the file",
                  r.returncode == 0 and open(out, "rb").read() == data, err(r))
            srv.objects[("home-bucket", "corrupt/c.bin")] = dict(srv.objects[("home-bucket", "c-crc64nvme")])
            bad = os.path.join(tmp, "bad.bin")
            r = run(["s3", "cp", "s3://home-bucket/corrupt/c.bin", bad, "--checksum-mode", "ENABLED"], env)
            check("a wrong checksum on download fails with exit 1 and leaves no file",
                  r.returncode == 1 and not os.path.exists(bad) and
                  not [n for n in os.listdir(tmp) if n.startswith("bad.bin")], err(r))

            # Region discovery: the bucket is in ap-southeast-2, nothing says so.
            r = run(["s3", "cp", small, "s3://far-bucket/charts/q3.bin"], env)
            signed = [q[2] for q in srv.requests if q[1].startswith("/far-bucket/charts/q3.bin")]
            check("an upload to a bucket in another region succeeds without --region (re-signed once)",
                  r.returncode == 0 and signed[-2:] == [None, "ap-southeast-2"] and ("far-bucket", "charts/q3.bin")
                  in srv.objects, (err(r), signed))
            url = r.stdout.decode().strip()
            check("the printed presigned URL is signed for the bucket's region",
                  "%2Fap-southeast-2%2Fs3%2Faws4_request" in url, url)
            far_out = os.path.join(tmp, "far.bin")
            r = run(["s3", "cp", "s3://far-bucket/charts/q3.bin", far_out], env)
            check("a download from a bucket in another region succeeds without --region",
                  r.returncode == 0 and open(far_out, "rb").read() == data, err(r))
            r = run(["s3", "cp", big, "s3://far-bucket/big.bin"] + mp, env)
            check("a multipart upload to a bucket in another region succeeds without --region",
                  r.returncode == 0 and ("far-bucket", "big.bin") in srv.objects, err(r))
    finally:
        srv.stop()


def main():
    moto_tests()
    fake_tests()
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
