#!/usr/bin/env python3
"""Writes the XML bodies that botocore serialises (offline, rest-xml, no request sent) for the
CloudFront calls of `urlmint cloudfront setup`; tests/cloudfront_setup_test.cpp compares
urlmint's bodies for the same parameters byte for byte. Parameters are given in the shapes'
member order, the order urlmint writes. Rerun after a botocore update:

    python3 tests/data/cloudfront-setup/generate.py
"""
import os

import botocore
import botocore.serialize
import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
model = botocore.session.get_session().get_service_model("cloudfront")
serializer = botocore.serialize.create_serializer("rest-xml", include_validation=True)


def write(name, operation, params):
    body = serializer.serialize_to_request(params, model.operation_model(operation))["body"]
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(body)


o = "chart-bucket.s3.eu-west-1.amazonaws.com"
behavior = {"TargetOriginId": o, "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
                               "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
            "Compress": True, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            "OriginRequestPolicyId": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"}
origins = {"Quantity": 1, "Items": [{"Id": o, "DomainName": o, "S3OriginConfig": {"OriginAccessIdentity": ""},
                                     "OriginAccessControlId": "E2QWRUHAPOMQZL"}]}
write("create-distribution.xml", "CreateDistribution", {"DistributionConfig": {
    "CallerReference": "urlmint-1700000000-00112233aabbccdd", "DefaultRootObject": "", "Origins": origins,
    "DefaultCacheBehavior": behavior, "Comment": "urlmint: chart-bucket", "PriceClass": "PriceClass_All",
    "Enabled": True, "HttpVersion": "http2and3", "IsIPV6Enabled": True}})
private = {"TargetOriginId": o, "TrustedKeyGroups": {"Enabled": True, "Quantity": 1,
                                                     "Items": ["4b3a2f1e-0000-1111-2222-333344445555"]}}
private.update({k: v for k, v in behavior.items() if k != "TargetOriginId"})
write("create-distribution-alias-private.xml", "CreateDistribution", {"DistributionConfig": {
    "CallerReference": "urlmint-1700000000-00112233aabbccdd",
    "Aliases": {"Quantity": 1, "Items": ["charts.example.com"]}, "DefaultRootObject": "", "Origins": origins,
    "DefaultCacheBehavior": private, "Comment": "urlmint: chart-bucket", "PriceClass": "PriceClass_200",
    "Enabled": True,
    "ViewerCertificate": {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abcd",
                          "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
    "HttpVersion": "http2and3", "IsIPV6Enabled": True}})
write("create-origin-access-control.xml", "CreateOriginAccessControl", {"OriginAccessControlConfig": {
    "Name": "chart-bucket-oac", "Description": "urlmint: chart-bucket", "SigningProtocol": "sigv4",
    "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}})
write("create-public-key.xml", "CreatePublicKey", {"PublicKeyConfig": {
    "CallerReference": "ref-1", "Name": "chart-bucket-key",
    "EncodedKey": "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n", "Comment": ""}})
write("create-key-group.xml", "CreateKeyGroup", {"KeyGroupConfig": {
    "Name": "chart-bucket-key-group", "Items": ["K2JCJMDEHXQW5F", "K3ABC"], "Comment": ""}})
with open(os.path.join(HERE, "SOURCE.md"), "w") as f:
    f.write("# CloudFront setup request bodies\n\nWritten by `generate.py` with botocore " + botocore.__version__ +
            " (its rest-xml serializer, offline). urlmint's builders must produce the same bytes.\n")
