#!/usr/bin/env python3
"""Regenerates this folder's botocore references (see SOURCE.md). No network: botocore's HTTP send
is stubbed, and CreateSession answers with a fixed session."""
import datetime
import os
from unittest import mock

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.endpoint
import botocore.session

NOW = datetime.datetime(2026, 3, 1, 12, 34, 56)
BASE_ID, BASE_SECRET = "AKIDEXPRESSBASE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION = (b'<?xml version="1.0" encoding="UTF-8"?><CreateSessionResult xmlns="http://s3.amazonaws.com/doc/'
           b'2006-03-01/"><Credentials><SessionToken>session-token+/=value</SessionToken><SecretAccessKey>'
           b'session/secret+key</SecretAccessKey><AccessKeyId>ASIAEXPRESSSESSION</AccessKeyId><Expiration>'
           b'2030-01-01T00:05:00Z</Expiration></Credentials></CreateSessionResult>')
sent = []


def fake_send(self, request):
    sent.append(request)
    body = SESSION if request.url.endswith("?session") else b"hello"

    class Raw:
        def __init__(self):
            self.data = body

        def stream(self, **kw):
            yield self.data

        def read(self, *a, **kw):
            d, self.data = self.data, b""
            return d

    return botocore.awsrequest.AWSResponse(request.url, 200, {}, Raw())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with mock.patch.object(botocore.endpoint.Endpoint, "_send", fake_send), \
            mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
        client = botocore.session.get_session().create_client(
            "s3", region_name="us-west-2", aws_access_key_id=BASE_ID, aws_secret_access_key=BASE_SECRET)
        url = client.generate_presigned_url("get_object", Params={"Bucket": "charts--usw2-az1--x-s3",
                                                                   "Key": "a b/c.png"}, ExpiresIn=300)
        client.get_object(Bucket="charts--usw2-az1--x-s3", Key="a b/c.png")
    create, get = sent[0], sent[-1]

    def header(req, name):
        v = req.headers[name]
        return v.decode() if isinstance(v, bytes) else v

    out = {
        "botocore-version.txt": botocore.__version__,
        "botocore-aws-presign.txt": url,
        "botocore-create-session-url.txt": create.url,
        "botocore-create-session-authorization.txt": header(create, "Authorization"),
        "botocore-get-authorization.txt": header(get, "Authorization"),
        "botocore-get-url.txt": get.url,
    }
    for name, text in out.items():
        with open(os.path.join(here, name), "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
