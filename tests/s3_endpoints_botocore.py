#!/usr/bin/env python3
"""Differential test of S3 endpoint variants, partitions and access points: `urlmint s3 presign`
against botocore's generate_presigned_url at a frozen clock, both reading the same settings.

Every combination of region (aws, aws-cn, aws-us-gov), dual-stack, FIPS, Transfer Acceleration and
addressing style, for plain, dotted, access point alias and access point ARN buckets (S3 and Object
Lambda, same and other region, use_arn_region unset/true/false). The settings reach both through
the environment (AWS_USE_DUALSTACK_ENDPOINT, AWS_USE_FIPS_ENDPOINT, AWS_S3_USE_ARN_REGION) or the
config file (use_dualstack_endpoint, use_fips_endpoint, s3_use_arn_region, and the nested `s3 =`
block with use_accelerate_endpoint, addressing_style, use_dualstack_endpoint), chosen per case.
The URLs must be the same (scheme, host, raw path, raw query parameters in any order); where
botocore refuses a combination, urlmint must refuse it too, with one line on stderr and exit 1.

One botocore quirk is stepped around, as tests/botocore_differential.py does: with the default
addressing style botocore presigns virtual-hosted URLs against the global (us-east-1) host, even
for FIPS in another region; urlmint uses the regional host, so botocore is given style virtual
for buckets that urlmint puts in the host.
"""
import datetime
import itertools
import os
import random
import subprocess
import sys
import tempfile
from unittest import mock

import botocore.auth
import botocore.session
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from botocore_differential import same_url  # noqa: E402  (same URL comparison)

CLI = sys.argv[1]
NOW = datetime.datetime(2026, 3, 1, 12, 34, 56)
NOW_FLAG = "20260301T123456Z"
ACCESS_KEY = "AKIDEXAMPLEENDPOINTS"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

ALIAS = "myap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias"
ARNS = {
    "aws": ["arn:aws:s3:us-west-2:123456789012:accesspoint/myap", "arn:aws:s3:eu-central-1:123456789012:accesspoint:ap-2",
            "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/olap"],
    "aws-cn": ["arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/cnap"],
    "aws-us-gov": ["arn:aws-us-gov:s3:us-gov-west-1:123456789012:accesspoint/govap"],
}
REGIONS = ["us-east-1", "us-west-2", "cn-north-1", "us-gov-west-1"]


def write_config(path, settings, via_file):
    """Writes the [default] profile; returns the environment variables for the rest."""
    lines, nested, env = ["[default]"], [], {}
    dual, fips, acc, style, arn_region, nested_dual = settings
    if dual is not None:
        if via_file:
            lines.append("use_dualstack_endpoint = %s" % str(dual).lower())
        else:
            env["AWS_USE_DUALSTACK_ENDPOINT"] = str(dual).lower()
    if fips is not None:
        if via_file:
            lines.append("use_fips_endpoint = %s" % str(fips).lower())
        else:
            env["AWS_USE_FIPS_ENDPOINT"] = str(fips).lower()
    if arn_region is not None:
        if via_file:
            nested.append("use_arn_region = %s" % str(arn_region).lower())
        else:
            env["AWS_S3_USE_ARN_REGION"] = str(arn_region).lower()
    if acc:
        nested.append("use_accelerate_endpoint = true")
    if style:
        nested.append("addressing_style = %s" % style)
    if nested_dual is not None:
        nested.append("use_dualstack_endpoint = %s" % str(nested_dual).lower())
    if nested:
        lines.append("s3 =")
        lines += ["    " + n for n in nested]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return env


def main():
    rng = random.Random(20260301)
    tmp = tempfile.mkdtemp()
    config_path = os.path.join(tmp, "config")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base_env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_EC2_METADATA_DISABLED="true",
                    AWS_CONFIG_FILE=config_path, AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "none"))
    compared = agreed_errors = skipped = 0
    failures = []
    combos = list(itertools.product(REGIONS, [False, True], [False, True], [False, True], [None, "path", "virtual"]))
    for region, dual, fips, acc, style in combos:
        arn_region = rng.choice([None, True, False])
        nested_dual = rng.choice([None, None, not dual])  # sometimes the nested s3 setting overrides
        via_file = rng.random() < 0.5
        settings = (dual if dual or rng.random() < 0.5 else None, fips if fips or rng.random() < 0.5 else None, acc,
                    style, arn_region, nested_dual)
        extra_env = write_config(config_path, settings, via_file)
        env = dict(base_env, **extra_env)
        buckets = ["bkt-01", "a.b.c", ALIAS] + [a for arns in ARNS.values() for a in arns]
        clients = {}
        for bucket in buckets:
            key = rng.choice(["k", "charts/q3 report.png", "a//b"])
            virtual_ok = "." not in bucket and not bucket.startswith("arn:")
            bstyle = "virtual" if style is None and virtual_ok and not acc else None
            if bstyle not in clients:
                with mock.patch.dict(os.environ, env, clear=True):
                    session = botocore.session.Session()
                    s3cfg = {"addressing_style": bstyle} if bstyle else {}
                    clients[bstyle] = session.create_client("s3", region_name=region,
                                                            config=Config(signature_version="s3v4", s3=s3cfg))
            try:
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW):
                    want = clients[bstyle].generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                                                  ExpiresIn=900)
            except Exception as e:  # noqa: BLE001 - any refusal counts
                want = None
                why = "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
            r = subprocess.run([CLI, "s3", "presign", "s3://%s/%s" % (bucket, key), "--region", region, "--now", NOW_FLAG,
                                "--expires-in", "900"], capture_output=True, env=env)
            got = r.stdout.decode().strip()
            case = "region=%s dual=%s(nested %s) fips=%s acc=%s style=%s arn_region=%s via=%s bucket=%s" % (
                region, dual, nested_dual, fips, acc, style, arn_region, "file" if via_file else "env", bucket)
            if style == "virtual" and "." in bucket and not acc:
                # urlmint refuses virtual-hosted style for a dotted bucket (the TLS wildcard would
                # not match) where botocore silently falls back to path style.
                skipped += 1
                continue
            if want is None:
                stderr = r.stderr.decode().strip()
                if r.returncode in (1, 2) and got == "" and "\n" not in stderr:  # 2: an invalid value
                    agreed_errors += 1
                else:
                    failures.append("%s: botocore refuses (%s) but urlmint printed %r (exit %d, %s)" % (
                        case, why, got, r.returncode, stderr))
                continue
            compared += 1
            if r.returncode != 0:
                failures.append("%s: urlmint failed: %s; botocore: %s" % (case, r.stderr.decode().strip(), want))
            elif not same_url(got, want):
                failures.append("%s:\n  urlmint  %s\n  botocore %s" % (case, got, want))
    for f in failures[:25]:
        print("FAIL " + f)
    print("s3_endpoints_botocore: %d URLs compared, %d refusals agreed, %d dotted-virtual skipped, %d failed" % (
        compared, agreed_errors, skipped, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
