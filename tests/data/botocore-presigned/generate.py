#!/usr/bin/env python3
"""Writes urls.tsv: presigned URLs minted by botocore (the reference SigV4 implementation),
which verify_test.cpp must accept. Rerun with `python3 generate.py > urls.tsv`.

Columns: name, method, region, verify-at (YYYYMMDDTHHMMSSZ), session token ("-" for none),
signed headers to send ("Name: value" joined by "|", "-" for none), URL.
Credentials are AWS's documented example pair; the signing time is frozen at
20130524T000000Z and each URL is checked one minute later.
"""
import datetime
import sys
from unittest import mock

import boto3
import botocore.auth
from botocore.config import Config

ACCESS = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SIGNED_AT = datetime.datetime(2013, 5, 24, 0, 0, 0, tzinfo=datetime.timezone.utc)
VERIFY_AT = "20130524T000100Z"

CASES = [
    # name, method, region, token, endpoint, addressing, bucket, key, expires, extra params
    ("get-simple", "GET", "us-east-1", None, None, "virtual", "examplebucket", "test.txt", 86400, {}),
    ("get-7-days", "GET", "eu-west-1", None, None, "virtual", "examplebucket", "a/b/c.png", 604800, {}),
    ("get-unicode-key", "GET", "ap-south-1", None, None, "virtual", "examplebucket", "photos/été 2024/ü+ñ.jpg", 3600, {}),
    ("get-special-chars", "GET", "us-west-2", None, None, "virtual", "examplebucket", "a b&c=d?e#f%g~h!*'()", 900, {}),
    ("get-double-slash", "GET", "us-east-1", None, None, "path", "examplebucket", "dir//x/./y", 60, {}),
    ("get-response-headers", "GET", "us-east-1", None, None, "virtual", "examplebucket", "report.pdf", 3600,
     {"ResponseContentDisposition": 'attachment; filename="report 2024.pdf"', "ResponseContentType": "application/pdf"}),
    ("get-version-id", "GET", "eu-central-1", None, None, "virtual", "examplebucket", "v.txt", 3600,
     {"VersionId": "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"}),
    ("get-session-token", "GET", "us-east-1", "FQoGZXIvYXdzEJr//////////wEaDOSESSIONTOKEN+/=", None, "virtual",
     "examplebucket", "t.txt", 3600, {}),
    ("put-simple", "PUT", "us-east-1", None, None, "virtual", "examplebucket", "upload.bin", 3600, {}),
    ("head-simple", "HEAD", "sa-east-1", None, None, "virtual", "examplebucket", "h.txt", 3600, {}),
    ("delete-simple", "DELETE", "us-east-1", None, None, "virtual", "examplebucket", "d.txt", 3600, {}),
    ("get-dotted-bucket-path-style", "GET", "us-east-1", None, None, "path", "my.dotted.bucket", "k", 3600, {}),
    ("get-custom-endpoint", "GET", "us-east-1", None, "http://127.0.0.1:9000", "path", "b-1", "dir/k.txt", 3600, {}),
    ("put-custom-endpoint-https-port", "PUT", "auto", None, "https://127.0.0.1:8443", "path", "bucket", "x y", 600, {}),
    ("get-china-region", "GET", "cn-north-1", None, None, "virtual", "examplebucket", "k", 3600, {}),
]

METHOD_OPERATION = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}


def main():
    out = sys.stdout
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=SIGNED_AT):
        for name, method, region, token, endpoint, style, bucket, key, expires, extra in CASES:
            session = boto3.session.Session(aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                                            aws_session_token=token, region_name=region)
            client = session.client("s3", endpoint_url=endpoint,
                                    config=Config(signature_version="s3v4", s3={"addressing_style": style}))
            params = dict(Bucket=bucket, Key=key, **extra)
            url = client.generate_presigned_url(METHOD_OPERATION[method], Params=params, ExpiresIn=expires)
            out.write("\t".join([name, method, region, VERIFY_AT, token or "-", "-", url]) + "\n")


if __name__ == "__main__":
    main()
