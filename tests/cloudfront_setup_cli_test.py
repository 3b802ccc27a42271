#!/usr/bin/env python3
"""Drives `urlmint cloudfront setup` and `urlmint cloudfront doctor` against moto in server mode
on 127.0.0.1 (started here, with the documented patch of tests/cloudfront_moto_server.py), and
checks the results with boto3 against the same server:

- setup creates exactly one OAC and one distribution with the seed's settings, merges the
  policy statement keeping an unrelated one, and prints CLOUDFRONT_DOMAIN= last;
- a rerun creates nothing new; --env-file updates the line in an existing file;
- doctor passes on the result, and fails naming the bucket policy once the statement is
  removed, and for a domain given with https://;
- with --public-key, a public key and key group are created once and trusted by the default
  behaviour, and CLOUDFRONT_KEY_PAIR_ID= is printed.

moto does not check signatures, so every request the CLI sent is also re-signed with botocore
(SigV4Auth / S3SigV4Auth at the request's own X-Amz-Date) and must match, and the XML bodies of
the Create calls must equal botocore's serialisation of the same parameters byte for byte.

usage: cloudfront_setup_cli_test.py path/to/urlmint
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cloudfront_moto_server  # noqa: E402

CLI = sys.argv[1]
KEY_ID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BUCKET, REGION = "chart-bucket", "eu-west-1"
RSA_KEY = os.path.join(HERE, "data", "cloudfront", "test-only-rsa2048-pkcs1.pem")

server, recorder, port = cloudfront_moto_server.start()
ENDPOINT = f"http://127.0.0.1:{port}"
# Only loopback: every service goes to the local moto, never the metadata service.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "CLOUDFRONT_DOMAIN"}
ENV.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
           AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=ENDPOINT, NO_PROXY="127.0.0.1")
os.environ.clear()
os.environ.update(ENV)

import boto3  # noqa: E402  (after the environment is loopback-only)
import botocore.session  # noqa: E402
from botocore.auth import S3SigV4Auth, SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.serialize import create_serializer  # noqa: E402

s3 = boto3.client("s3", region_name=REGION)
cf = boto3.client("cloudfront", region_name="us-east-1")

failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def run(args, env=ENV):
    return subprocess.run([CLI, "cloudfront"] + args, env=env, capture_output=True, text=True, timeout=120)


def setup(*extra):
    return run(["setup", "--bucket", BUCKET, "--region", REGION] + list(extra))


def counts():
    d = cf.list_distributions()["DistributionList"].get("Items", [])
    o = cf.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])
    return len(d), len(o)


def statements():
    return json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]


UNRELATED = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

# --- a missing bucket stops the setup before anything is created ---------------------------
r = setup()
check("missing bucket: exit 1, one line, nothing on stdout", r.returncode == 1 and r.stdout == ""
      and len(r.stderr.strip().splitlines()) == 1 and "NoSuchBucket" in r.stderr and SECRET not in r.stderr, r.stderr)
check("missing bucket: nothing created", counts() == (0, 0), str(counts()))

s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [UNRELATED]}))

# --- setup from an (almost) empty account -----------------------------------------------------
start = len(recorder.requests)
r = setup("--price-class", "PriceClass_100")
check("setup exit 0", r.returncode == 0, f"exit {r.returncode}, stderr {r.stderr!r}")
lines = r.stdout.splitlines()
check("setup prints CLOUDFRONT_DOMAIN= last", lines and lines[-1].startswith("CLOUDFRONT_DOMAIN="), repr(r.stdout))
domain = lines[-1].split("=", 1)[1] if lines else ""
check("one OAC and one distribution", counts() == (1, 1), str(counts()))

dist = cf.list_distributions()["DistributionList"]["Items"][0]
check("the domain printed is the distribution's", dist["DomainName"] == domain, f"{dist['DomainName']} vs {domain}")
full = cf.get_distribution(Id=dist["Id"])["Distribution"]
config = full["DistributionConfig"]
oac = cf.list_origin_access_controls()["OriginAccessControlList"]["Items"][0]
check("OAC name BUCKET-oac", oac["Name"] == f"{BUCKET}-oac", oac["Name"])
check("OAC sigv4, always, s3", (oac["SigningProtocol"], oac["SigningBehavior"], oac["OriginAccessControlOriginType"])
      == ("sigv4", "always", "s3"), str(oac))
origin = config["Origins"]["Items"][0]
check("origin is the bucket's regional domain", origin["DomainName"] == f"{BUCKET}.s3.{REGION}.amazonaws.com",
      origin["DomainName"])
check("origin has the OAC attached", origin.get("OriginAccessControlId") == oac["Id"], str(origin))
check("no legacy OAI", origin.get("S3OriginConfig", {}).get("OriginAccessIdentity", "") == "", str(origin))
b = config["DefaultCacheBehavior"]
check("redirect-to-https", b["ViewerProtocolPolicy"] == "redirect-to-https", b["ViewerProtocolPolicy"])
check("GET, HEAD, OPTIONS", sorted(b["AllowedMethods"]["Items"]) == ["GET", "HEAD", "OPTIONS"], str(b["AllowedMethods"]))
check("CachingOptimized", b["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6", b["CachePolicyId"])
check("CORS-S3Origin", b["OriginRequestPolicyId"] == "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", b["OriginRequestPolicyId"])
check("compression on", b["Compress"] is True, str(b["Compress"]))
check("http2and3", config["HttpVersion"] == "http2and3", config["HttpVersion"])
check("IPv6 on", config["IsIPV6Enabled"] is True, str(config["IsIPV6Enabled"]))
check("price class", config["PriceClass"] == "PriceClass_100", config["PriceClass"])
check("no default root object", config.get("DefaultRootObject", "") == "", repr(config.get("DefaultRootObject")))
check("enabled", config["Enabled"] is True, "")

arn = f"arn:aws:cloudfront::123456789012:distribution/{dist['Id']}"
st = statements()
check("unrelated statement kept", st[0] == UNRELATED, json.dumps(st))
check("seed statement added once", len(st) == 2, json.dumps(st))
if len(st) == 2:
    check("seed statement", st[1] == {"Sid": "AllowCloudFrontServicePrincipal", "Effect": "Allow",
                                      "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                                      "Resource": f"arn:aws:s3:::{BUCKET}/*",
                                      "Condition": {"StringEquals": {"AWS:SourceArn": arn}}}, json.dumps(st[1]))

# --- botocore: the requests' signatures and the Create bodies -------------------------------
model = botocore.session.get_session().get_service_model("cloudfront")
serializer = create_serializer("rest-xml", include_validation=True)
creds = Credentials(KEY_ID, SECRET)


def botocore_body(operation, params):
    return serializer.serialize_to_request(params, model.operation_model(operation))["body"]


def verify_signature(req):
    auth = req["headers"].get("authorization", "")
    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    scope = fields["Credential"].split("/")
    region, service = scope[2], scope[3]
    signed = fields["SignedHeaders"].split(";")
    url = ENDPOINT + req["path"] + ("?" + req["query"] if req["query"] else "")
    headers = {h: req["headers"][h] for h in signed if h != "host"}
    aws = AWSRequest(method=req["method"], url=url, data=req["body"], headers=headers)
    aws.context["timestamp"] = req["headers"]["x-amz-date"]
    signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(creds, service, region)
    canonical = signer.canonical_request(aws)
    return signer.signature(signer.string_to_sign(aws, canonical), aws) == fields["Signature"], f"{service} {req['path']}"


first_run = recorder.requests[start:]
cli_requests = [q for q in first_run if "urlmint/" in q["headers"].get("user-agent", "")]
for req in cli_requests:
    ok, what = verify_signature(req)
    check("SigV4 signature recomputed by botocore: " + what, ok, what)
# STS, List+Create OAC, List+Create distribution, Get+Put bucket policy.
check("the CLI sent 7 requests", len(cli_requests) == 7, str([(q["method"], q["path"]) for q in cli_requests]))
posts = [q for q in cli_requests if q["method"] == "POST" and q["path"].startswith("/2020-05-31/")]
if posts:
    tampered = dict(posts[0], body=posts[0]["body"] + b" ")
    check("the signature check catches a changed body", not verify_signature(tampered)[0], "")
services = sorted({q["headers"]["authorization"].split("/")[3] for q in cli_requests})
check("the CLI's requests went to cloudfront, s3 and sts", services == ["cloudfront", "s3", "sts"], str(services))

ns = "{http://cloudfront.amazonaws.com/doc/2020-05-31/}"
for req in first_run:
    if req["method"] == "POST" and req["path"] == "/2020-05-31/origin-access-control" and b"urlmint: " in req["body"]:
        expected = botocore_body("CreateOriginAccessControl", {"OriginAccessControlConfig": {
            "Name": f"{BUCKET}-oac", "Description": f"urlmint: {BUCKET}", "SigningProtocol": "sigv4",
            "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}})
        check("CreateOriginAccessControl body is botocore's", req["body"] == expected, f"{req['body']!r} vs {expected!r}")
    if req["method"] == "POST" and req["path"] == "/2020-05-31/distribution" and b"urlmint: " in req["body"]:
        ref = ET.fromstring(req["body"]).find(ns + "CallerReference").text
        o = f"{BUCKET}.s3.{REGION}.amazonaws.com"
        expected = botocore_body("CreateDistribution", {"DistributionConfig": {
            "CallerReference": ref, "DefaultRootObject": "",
            "Origins": {"Quantity": 1, "Items": [{"Id": o, "DomainName": o, "S3OriginConfig": {"OriginAccessIdentity": ""},
                                                  "OriginAccessControlId": oac["Id"]}]},
            "DefaultCacheBehavior": {"TargetOriginId": o, "ViewerProtocolPolicy": "redirect-to-https",
                                     "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
                                                        "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
                                     "Compress": True, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                                     "OriginRequestPolicyId": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"},
            "Comment": f"urlmint: {BUCKET}", "PriceClass": "PriceClass_100", "Enabled": True,
            "HttpVersion": "http2and3", "IsIPV6Enabled": True}})
        check("CreateDistribution body is botocore's", req["body"] == expected, f"{req['body']!r} vs {expected!r}")
check("both Create bodies were compared", sum(1 for q in first_run if q["method"] == "POST" and b"urlmint: " in q["body"]) == 2,
      str([(q["method"], q["path"]) for q in first_run]))

# --- rerun: nothing new --------------------------------------------------------------------
policy_before = s3.get_bucket_policy(Bucket=BUCKET)["Policy"]
before = len(recorder.requests)
r = setup("--price-class", "PriceClass_100")
check("rerun exit 0", r.returncode == 0, r.stderr)
check("rerun prints the same domain", r.stdout.splitlines()[-1:] == [f"CLOUDFRONT_DOMAIN={domain}"], r.stdout)
check("rerun creates nothing", counts() == (1, 1), str(counts()))
check("rerun leaves the policy alone", s3.get_bucket_policy(Bucket=BUCKET)["Policy"] == policy_before, "")
writes = [(q["method"], q["path"]) for q in recorder.requests[before:] if q["method"] in ("POST", "PUT", "DELETE")
          and "GetCallerIdentity" not in q["body"].decode()]
check("rerun sends no write", writes == [], str(writes))
check("rerun says reused", "reused" in r.stderr and "already allows" in r.stderr, r.stderr)

# --- --env-file ----------------------------------------------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, ".env")
    with open(path, "w") as f:
        f.write("# chart app\nURLMINT_BUCKET=chart-bucket\nCLOUDFRONT_DOMAIN=https://old.example.com/\nAWS_REGION=eu-west-1")
    r = setup("--env-file", path)
    with open(path) as f:
        text = f.read()
    check("--env-file exit 0", r.returncode == 0, r.stderr)
    check("--env-file sets the line and keeps the others", text == "# chart app\nURLMINT_BUCKET=chart-bucket\n"
          f"CLOUDFRONT_DOMAIN={domain}\nAWS_REGION=eu-west-1", repr(text))
    fresh = os.path.join(tmp, "new.env")
    r = setup("--env-file", fresh)
    with open(fresh) as f:
        check("--env-file creates a missing file", f.read() == f"CLOUDFRONT_DOMAIN={domain}\n", "")

# --- doctor --------------------------------------------------------------------------------
def doctor(d, *extra):
    return run(["doctor", "--domain", d, "--bucket", BUCKET, "--region", REGION] + list(extra))


r = doctor(domain)
check("doctor passes on the result", r.returncode == 0 and r.stdout.count("\nok ") + r.stdout.startswith("ok ") == 5
      and "problem" not in r.stdout, f"exit {r.returncode}: {r.stdout}{r.stderr}")
r = doctor("https://" + domain + "/")
check("doctor fails for https://", r.returncode == 1 and any(l.startswith("problem  domain:") and
      f"CLOUDFRONT_DOMAIN={domain}" in l for l in r.stdout.splitlines()), r.stdout + r.stderr)
r = doctor("d000000notthere.cloudfront.net")
check("doctor: unknown domain", r.returncode == 1 and "problem  distribution:" in r.stdout, r.stdout)
r = run(["doctor", "--domain", domain, "--bucket", "other-bucket", "--region", REGION])
check("doctor: wrong bucket names the origin", r.returncode == 1 and "problem  origin:" in r.stdout, r.stdout)

s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [UNRELATED]}))
r = doctor(domain)
check("doctor fails naming the bucket policy", r.returncode == 1 and any(
    l.startswith("problem  bucket policy:") and arn in l for l in r.stdout.splitlines()), r.stdout + r.stderr)
s3.delete_bucket_policy(Bucket=BUCKET)
r = doctor(domain)
check("doctor: no bucket policy at all", r.returncode == 1 and "problem  bucket policy: bucket chart-bucket has no bucket policy"
      in r.stdout, r.stdout)
r = setup()
check("setup restores the statement", r.returncode == 0 and "statement added" in r.stderr and len(statements()) == 1, r.stderr)
check("doctor passes again", doctor(domain).returncode == 0, "")

# --- private distribution: --public-key ----------------------------------------------------
BUCKET2 = "private-charts"
s3.create_bucket(Bucket=BUCKET2, CreateBucketConfiguration={"LocationConstraint": REGION})
r = run(["setup", "--bucket", BUCKET2, "--region", REGION, "--public-key", "file://" + RSA_KEY, "--wait"])
check("--public-key exit 0", r.returncode == 0, r.stderr)
check("--wait reports Deployed", "is Deployed" in r.stderr, r.stderr)
out = dict(l.split("=", 1) for l in r.stdout.splitlines())
keys = cf.list_public_keys()["PublicKeyList"].get("Items", [])
groups = cf.list_key_groups()["KeyGroupList"].get("Items", [])
check("one public key, one key group", len(keys) == 1 and len(groups) == 1, f"{keys} {groups}")
if keys and groups:
    check("CLOUDFRONT_KEY_PAIR_ID is the public key", out.get("CLOUDFRONT_KEY_PAIR_ID") == keys[0]["Id"], r.stdout)
    check("the key is the private key's public half", "BEGIN PUBLIC KEY" in keys[0]["EncodedKey"]
          and "PRIVATE" not in keys[0]["EncodedKey"], keys[0]["EncodedKey"])
    check("the group holds the key", groups[0]["KeyGroup"]["KeyGroupConfig"]["Items"] == [keys[0]["Id"]], str(groups))
    d2 = [d for d in cf.list_distributions()["DistributionList"]["Items"] if d["DomainName"] == out.get("CLOUDFRONT_DOMAIN")]
    tkg = d2[0]["DefaultCacheBehavior"]["TrustedKeyGroups"] if d2 else {}
    check("the default behaviour trusts the group", tkg.get("Enabled") is True and tkg.get("Items") == [groups[0]["KeyGroup"]["Id"]],
          str(tkg))
r = run(["setup", "--bucket", BUCKET2, "--region", REGION, "--public-key", "file://" + RSA_KEY])
check("--public-key rerun creates nothing", r.returncode == 0 and len(cf.list_public_keys()["PublicKeyList"]["Items"]) == 1
      and len(cf.list_key_groups()["KeyGroupList"]["Items"]) == 1 and counts() == (2, 2), r.stderr + str(counts()))

# --- custom domain: --alias with its ACM certificate -------------------------------------------
BUCKET3 = "alias-charts"
s3.create_bucket(Bucket=BUCKET3, CreateBucketConfiguration={"LocationConstraint": REGION})
cert = "arn:aws:acm:us-east-1:123456789012:certificate/0b1e6a3c-0000-4000-8000-000000000000"
r = run(["setup", "--bucket", BUCKET3, "--region", REGION, "--alias", "Charts.Example.com", "--certificate-arn", cert,
         "--price-class", "PriceClass_200"])
check("--alias exit 0", r.returncode == 0, r.stderr)
check("--alias: CLOUDFRONT_DOMAIN is the alias", r.stdout.splitlines()[-1:] == ["CLOUDFRONT_DOMAIN=charts.example.com"], r.stdout)
d3 = [d for d in cf.list_distributions()["DistributionList"]["Items"]
      if d["Origins"]["Items"][0]["DomainName"].startswith(BUCKET3 + ".")]
if d3:
    c3 = cf.get_distribution_config(Id=d3[0]["Id"])["DistributionConfig"]
    check("--alias: the CNAME", c3["Aliases"].get("Items") == ["charts.example.com"], str(c3["Aliases"]))
    check("--alias: the certificate, SNI, TLSv1.2_2021", (c3["ViewerCertificate"].get("ACMCertificateArn"),
          c3["ViewerCertificate"].get("SSLSupportMethod"), c3["ViewerCertificate"].get("MinimumProtocolVersion"))
          == (cert, "sni-only", "TLSv1.2_2021"), str(c3["ViewerCertificate"]))
    r = run(["doctor", "--domain", "charts.example.com", "--bucket", BUCKET3, "--region", REGION])
    check("doctor finds a distribution by its alias", r.returncode == 0, r.stdout + r.stderr)
else:
    check("--alias: a distribution for the bucket", False, "none")

# --- a hand-made distribution: no OAC on its origin, still deploying ---------------------------
# moto's state manager keeps new distributions InProgress (its own API, on the same server).
import urllib.request  # noqa: E402
urllib.request.urlopen(urllib.request.Request(
    ENDPOINT + "/moto-api/state-manager/set-transition", method="POST",
    data=json.dumps({"model_name": "cloudfront::distribution",
                     "transition": {"progression": "manual", "times": 1000000}}).encode())).read()
BUCKET4 = "legacy-charts"
s3.create_bucket(Bucket=BUCKET4, CreateBucketConfiguration={"LocationConstraint": REGION})
o4 = f"{BUCKET4}.s3.{REGION}.amazonaws.com"
made = cf.create_distribution(DistributionConfig={
    "CallerReference": "by-hand", "Comment": "", "Enabled": True,
    "Origins": {"Quantity": 1, "Items": [{"Id": o4, "DomainName": o4, "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": o4, "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})["Distribution"]
r = run(["setup", "--bucket", BUCKET4, "--region", REGION])
check("setup reuses a hand-made distribution", r.returncode == 0 and f"distribution {made['Id']}" in r.stderr
      and "reused" in r.stderr, r.stderr)
check("and warns that its origin has no OAC", "has no origin access control" in r.stderr, r.stderr)
r = run(["doctor", "--domain", made["DomainName"], "--bucket", BUCKET4, "--region", REGION])
check("doctor: still deploying", r.returncode == 1 and "problem  deployed:" in r.stdout and "InProgress" in r.stdout, r.stdout)
check("doctor: no OAC on the origin", "problem  origin:" in r.stdout and "no origin access control" in r.stdout, r.stdout)
check("doctor: the policy setup merged is fine", "ok       bucket policy:" in r.stdout, r.stdout)

# --- usage errors ----------------------------------------------------------------------------
r = run(["setup", "--region", REGION])
check("setup without --bucket: exit 2", r.returncode == 2 and r.stdout == "" and "--bucket" in r.stderr, r.stderr)
r = setup("--price-class", "PriceClass_7")
check("bad price class: exit 2", r.returncode == 2 and r.stdout == "", r.stderr)
r = setup("--alias", "charts.example.com")
check("--alias without --certificate-arn: exit 2", r.returncode == 2, r.stderr)
r = run(["setup", "--bucket", BUCKET, "--region", REGION], env=dict(ENV, AWS_ENDPOINT_URL_STS="http://127.0.0.1:9"))
check("AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL (refused port)", r.returncode == 1 and r.stdout == ""
      and "127.0.0.1:9" in r.stderr and len(r.stderr.strip().splitlines()) == 1 and SECRET not in r.stderr, r.stderr)

server.shutdown()
for f in failures:
    print("FAIL", f)
print(f"cloudfront_setup_cli_test: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
