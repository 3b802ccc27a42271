#!/usr/bin/env python3
"""Regenerates botocore-vectors.tsv: signed URLs computed by botocore's CloudFrontSigner with
the TEST-ONLY RSA-2048 key in this folder (signing by `cryptography`, PKCS#1 v1.5 + SHA-1, as
botocore's documentation shows). RSA signatures are deterministic, so urlmint must reproduce
every URL byte for byte.

Columns (tab-separated): name, url, date_less_than, date_greater_than|-, ip_address|-,
policy_resource|-, expected signed URL. A row with no date_greater_than, ip_address or
policy_resource is a canned policy; any other row is a custom policy built by build_policy().
"""
import datetime
import os
from urllib.parse import quote

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_PAIR_ID = "K2JCJMDEHXQW5F"
DOMAIN = "https://d111111abcdef8.cloudfront.net/"

with open(os.path.join(HERE, "test-only-rsa2048-pkcs1.pem"), "rb") as f:
    KEY = serialization.load_pem_private_key(f.read(), password=None)


def rsa_signer(message):
    return KEY.sign(message, padding.PKCS1v15(), hashes.SHA1())


def utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def key_url(key):
    # S3 key encoding: RFC 3986 unreserved kept, '/' kept, everything else %XX (UTF-8).
    return DOMAIN + quote(key.encode("utf-8"), safe="/~")


signer = CloudFrontSigner(KEY_PAIR_ID, rsa_signer)
rows = []


def canned(name, url, expires):
    rows.append((name, url, str(expires), "-", "-", "-",
                 signer.generate_presigned_url(url, date_less_than=utc(expires))))


def custom(name, url, expires, start=None, ip=None, resource=None):
    res = resource or url
    policy = signer.build_policy(res, utc(expires), date_greater_than=utc(start) if start else None,
                                 ip_address=ip)
    signed = signer.generate_presigned_url(res, policy=policy)
    query = signed[len(res) + 1:]
    out = url + ("&" if "?" in url else "?") + query
    rows.append((name, url, str(expires), str(start) if start else "-", ip or "-", resource or "-", out))


canned("canned-plain", key_url("charts/chart.png"), 1767225600)
canned("canned-existing-query", key_url("charts/chart.png") + "?size=large&v=2", 1767225600)
canned("canned-key-with-spaces-and-unicode", key_url("charts/Q3 revenue – café+taxes.png"), 1767225600)
canned("canned-custom-domain", "https://charts.example.com/2025/12/26/abc12345.png", 2000000000)
canned("canned-http", "http://d111111abcdef8.cloudfront.net/a.txt", 1451606400)
custom("custom-start-date", key_url("video.mp4"), 1767290400, start=1767200000)
custom("custom-ip-cidr", key_url("document.pdf"), 1767290400, ip="192.168.0.0/24")
custom("custom-bare-ip", key_url("document.pdf"), 1767290400, ip="203.0.113.9")
custom("custom-all-conditions", key_url("charts/a b.png") + "?x=1", 1767290400, start=1767200000, ip="10.0.0.0/8")
custom("custom-wildcard-star", key_url("charts/2025/chart 1.png"), 1767290400,
       resource=DOMAIN + "charts/*")
custom("custom-wildcard-question", key_url("charts/v1.png"), 1767290400, resource=DOMAIN + "charts/v?.png")

with open(os.path.join(HERE, "botocore-vectors.tsv"), "w", encoding="utf-8") as f:
    for row in rows:
        f.write("\t".join(row) + "\n")
print(f"wrote {len(rows)} vectors")
