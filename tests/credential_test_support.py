"""Helpers shared by the credential CLI tests (credentials, SSO, aws login, roles, endpoints).

Each test runs the built `urlmint` with a clean environment (no AWS_* from the caller, instance
metadata off) and asks botocore, in a subprocess with the same environment, the same question.
"""
import datetime
import os
import subprocess
import sys
import urllib.parse

# Which access key botocore's default chain finds for a profile ("" = none named).
BOTOCORE_KEY = r"""
import sys, botocore.session
try:
    c = botocore.session.Session(profile=sys.argv[1] or None).get_credentials()
    print(c.get_frozen_credentials().access_key if c else "NONE")
except Exception as e:
    print("ERROR " + type(e).__name__)
"""


class Checks:
    """Counts checks and prints the closing 'NAME: N passed, N failed' line."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []

    def __call__(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failures.append(f"{what}: {detail}")

    def finish(self, note=""):
        print(f"{self.name}: {self.passed} passed, {len(self.failures)} failed" + note)
        for f in self.failures:
            print("FAILED", f)
        return 1 if self.failures else 0


def clean_env(**extra):
    """The caller's environment without AWS_* variables, instance metadata off, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return env


def query(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url.strip()).query)


def key_of(url):
    """The access key id a presigned URL was signed with."""
    return query(url).get("X-Amz-Credential", [""])[0].split("/")[0]


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def botocore_key(env, profile=None):
    return subprocess.run([sys.executable, "-c", BOTOCORE_KEY, profile or ""], env=env, capture_output=True,
                          text=True, timeout=60).stdout.strip()
