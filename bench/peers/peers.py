#!/usr/bin/env python3
"""Side-by-side SigV4 / CloudFront presigner comparison (python peers).

Peers: botocore (full client generate_presigned_url, and the bare
S3SigV4QueryAuth signer), awscrt (aws_sign_request, query-param signing) and
botocore's CloudFrontSigner with an RSA key loaded through `cryptography`.

Every peer mints the same URL from the same fixed inputs with a frozen clock;
the URL goes to a '#' comment line, the signature is checked, then the peer is
timed.  Nothing here touches the network.

stdout: peer<TAB>case<TAB>ns_per_op<TAB>signature_ok   (+ '#' comment lines)

    peers.py [--peers botocore,awscrt,cloudfront] [--target-ms 1500]

A peer whose module does not import under this interpreter is skipped with a
'#' line (on Debian, python3-awscrt is installed for /usr/bin/python3 only,
while botocore may live in another interpreter; run.sh picks one per peer).
"""
import argparse
import datetime
import hashlib
import hmac
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

AK = 'AKIAIOSFODNN7EXAMPLE'
SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN'
REGION = 'us-east-1'
SERVICE = 's3'
BUCKET = 'examplebucket'
HOST = 'examplebucket.s3.amazonaws.com'
KEY = 'test.txt'
METHOD = 'GET'
FIXED = datetime.datetime(2013, 5, 24, 0, 0, 0)  # naive UTC, as botocore uses
AMZ_DATE = '20130524T000000Z'
EXPIRES = 86400
# AWS's documented example ("Authenticating Requests: Using Query Parameters").
EXPECTED_SIG = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'

CF_URL = 'https://d111111abcdef8.cloudfront.net/charts/chart.png'
CF_KEY_PAIR_ID = 'K2JCJMDEHXQW5F'
CF_EXPIRES_EPOCH = 1767225600
CF_KEY_PATH = os.path.join(HERE, 'keys', 'TEST-ONLY-cloudfront-rsa2048.pem')
with open(os.path.join(HERE, 'keys', 'TEST-ONLY-cloudfront-expected-url.txt')) as f:
    CF_EXPECTED_URL = f.read().strip()  # made by keys/make-test-key.sh (openssl CLI)

# Keep the caller's AWS environment (profiles, endpoint overrides, ...) out.
for _k in list(os.environ):
    if _k.startswith('AWS_'):
        del os.environ[_k]
os.environ['AWS_CONFIG_FILE'] = os.devnull
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = os.devnull
os.environ['AWS_EC2_METADATA_DISABLED'] = 'true'


# ---------------------------------------------------------------- reference
def _rfc3986(s):
    return urllib.parse.quote(s, safe='-_.~')


def reference_signature(token):
    """Straight-from-the-spec SigV4 query presign; only used to get the
    expected signature of the session-token case (AWS documents none)."""
    scope = f'{AMZ_DATE[:8]}/{REGION}/{SERVICE}/aws4_request'
    q = {
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': f'{AK}/{scope}',
        'X-Amz-Date': AMZ_DATE,
        'X-Amz-Expires': str(EXPIRES),
        'X-Amz-SignedHeaders': 'host',
    }
    if token:
        q['X-Amz-Security-Token'] = token
    cq = '&'.join(f'{_rfc3986(k)}={_rfc3986(v)}' for k, v in sorted(q.items()))
    creq = '\n'.join([METHOD, '/' + KEY, cq, f'host:{HOST}\n', 'host', 'UNSIGNED-PAYLOAD'])
    sts = '\n'.join(['AWS4-HMAC-SHA256', AMZ_DATE, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ('AWS4' + SK).encode()
    for part in (AMZ_DATE[:8], REGION, SERVICE, 'aws4_request'):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()


assert reference_signature(None) == EXPECTED_SIG, 'reference signer broken'
EXPECTED = {'presign-get': EXPECTED_SIG, 'presign-get-token': reference_signature(TOKEN)}
CASES = [('presign-get', None), ('presign-get-token', TOKEN)]


def sig_of(url):
    qs = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return qs.get('X-Amz-Signature', [''])[0]


def cf_parts(u):
    # CloudFront ignores query-parameter order; peers differ in it.
    base, q = u.split('?', 1)
    return base + '?' + '&'.join(sorted(q.split('&')))


# ------------------------------------------------------------------- timing
TARGET_NS = 1.5e9


ROUNDS = 5


def bench(fn):
    """Warm-up (doubling until a batch lasts >= 1/5 of the budget), then the
    budget split into ROUNDS rounds; the median round is reported."""
    n, warm = 16, 0
    while True:  # ...and at least 40% of the budget in total
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = time.perf_counter_ns() - t0
        warm += dt
        if dt > TARGET_NS / 5 and warm > TARGET_NS * 0.4:
            break
        if dt <= TARGET_NS / 5:
            n *= 2
    per = max(8, round(n * (TARGET_NS / ROUNDS) / dt))
    r = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter_ns()
        for _ in range(per):
            fn()
        r.append((time.perf_counter_ns() - t0) / per)
    r.sort()
    return r[ROUNDS // 2], per * ROUNDS, r[0], r[-1]


def run(peer, case, mint, check, why=None):
    try:
        url = mint()
    except Exception as e:  # report, keep going
        print(f'# {peer} {case}: FAILED to mint: {e!r}')
        print(f'{peer}\t{case}\tNaN\t0', flush=True)
        return
    ok = check(url)
    print(f'# {peer} {case} url: {url}')
    if not case.startswith('cloudfront'):
        s = sig_of(url)
        print(f'# {peer} {case} sig: {s} (prefix {s[:16]})')
    if not ok and why:
        print(f'# {peer} {case} signature_ok=0 because: {why}')
    ns, N, lo, hi = bench(mint)
    print(f'# {peer} {case} N={N} rounds={ROUNDS} median={ns:.0f} min={lo:.0f} max={hi:.0f} ns/op')
    print(f'{peer}\t{case}\t{ns:.1f}\t{int(ok)}', flush=True)


def sig_check(case):
    return lambda url: sig_of(url) == EXPECTED[case]


# -------------------------------------------------------------------- peers
def peer_botocore():
    import botocore
    import botocore.auth
    import botocore.session
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials

    # Frozen clock.  botocore >= 1.3x signs with botocore.compat
    # .get_current_datetime(), imported by name into botocore.auth (1.43.x:
    # SigV4Auth.add_auth / S3SigV4QueryAuth -> get_current_datetime()).
    # Older releases called datetime.datetime.utcnow() inside botocore.auth;
    # cover both.
    if hasattr(botocore.auth, 'get_current_datetime'):
        botocore.auth.get_current_datetime = lambda *a, **k: FIXED
    else:  # older botocore (e.g. Debian bookworm's 1.29): datetime.datetime.utcnow()
        import types

        class _FrozenDT(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return FIXED

            @classmethod
            def now(cls, tz=None):
                return FIXED if tz is None else FIXED.replace(tzinfo=datetime.timezone.utc).astimezone(tz)
        # a shim module, so the real datetime module stays untouched
        shim = types.ModuleType('datetime')
        shim.__dict__.update(datetime.__dict__)
        shim.datetime = _FrozenDT
        # botocore.auth and, when awscrt is importable, botocore.crt.auth (old
        # botocore then routes s3v4 presigning through CRT signers)
        for name, mod in list(sys.modules.items()):
            if name.startswith('botocore') and getattr(mod, 'datetime', None) is datetime:
                mod.datetime = shim
    print(f'# botocore {botocore.__version__} on python {sys.version.split()[0]} ({sys.executable})')

    session = botocore.session.get_session()
    for case, token in CASES:
        # (a) the public API: client.generate_presigned_url
        client = session.create_client(
            's3', region_name=REGION, aws_access_key_id=AK, aws_secret_access_key=SK,
            aws_session_token=token,
            config=Config(signature_version='s3v4', s3={'addressing_style': 'virtual'}))
        run('botocore', case, lambda: client.generate_presigned_url(
            'get_object', Params={'Bucket': BUCKET, 'Key': KEY}, ExpiresIn=EXPIRES),
            sig_check(case),
            'botocore presign differs from the AWS example (see url line)')

        # (b) the bare signer, no client / endpoint resolution / event hooks
        creds = Credentials(AK, SK, token)

        def bare(creds=creds):
            req = AWSRequest(method=METHOD, url=f'https://{HOST}/{KEY}')
            botocore.auth.S3SigV4QueryAuth(creds, SERVICE, REGION, expires=EXPIRES).add_auth(req)
            return req.prepare().url
        run('botocore(S3SigV4QueryAuth)', case, bare, sig_check(case))


def peer_awscrt():
    import awscrt
    from awscrt import auth, http
    try:
        from importlib.metadata import version
        v = version('awscrt')
    except Exception:
        v = '?'
    if v == '?' or 'dev' in v:  # Debian's build carries placeholder metadata
        try:
            import subprocess
            v = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'python3-awscrt'],
                               capture_output=True, text=True).stdout.strip() + ' (Debian python3-awscrt)'
        except Exception:
            pass
    print(f'# awscrt {v} on python {sys.version.split()[0]} ({sys.executable})')
    fixed_utc = FIXED.replace(tzinfo=datetime.timezone.utc)
    for case, token in CASES:
        provider = auth.AwsCredentialsProvider.new_static(AK, SK, token)
        cfg = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
            credentials_provider=provider,
            region=REGION, service=SERVICE, date=fixed_utc,
            use_double_uri_encode=False,        # S3 rules
            should_normalize_uri_path=False,    # S3 rules
            signed_body_value=auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD,
            signed_body_header_type=auth.AwsSignedBodyHeaderType.NONE,
            expiration_in_seconds=EXPIRES)

        def mint(cfg=cfg):
            req = http.HttpRequest(METHOD, '/' + KEY, http.HttpHeaders([('Host', HOST)]))
            signed = auth.aws_sign_request(req, cfg).result()
            return f'https://{HOST}{signed.path}'
        run('awscrt', case, mint, sig_check(case))


def peer_cloudfront():
    import botocore
    from botocore.signers import CloudFrontSigner
    import cryptography
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    print(f'# CloudFrontSigner from botocore {botocore.__version__}, cryptography {cryptography.__version__}')
    # Key parsed once (botocore's API takes a signer callable, so a user would
    # naturally keep the parsed key); the JS peer re-parses the PEM per call.
    with open(CF_KEY_PATH, 'rb') as f:
        key = serialization.load_pem_private_key(f.read(), password=None)

    def rsa_signer(message):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA1())

    signer = CloudFrontSigner(CF_KEY_PAIR_ID, rsa_signer)
    expires = datetime.datetime.fromtimestamp(CF_EXPIRES_EPOCH, datetime.timezone.utc)
    run('botocore-CloudFrontSigner', 'cloudfront-canned-rsa-sha1',
        lambda: signer.generate_presigned_url(CF_URL, date_less_than=expires),
        lambda u: cf_parts(u) == cf_parts(CF_EXPECTED_URL))


PEERS = {'botocore': peer_botocore, 'awscrt': peer_awscrt, 'cloudfront': peer_cloudfront}


def main():
    global TARGET_NS
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--peers', default=','.join(PEERS))
    ap.add_argument('--target-ms', type=float,
                    default=float(os.environ.get('PEERS_TARGET_MS', '1500')))
    a = ap.parse_args()
    TARGET_NS = a.target_ms * 1e6
    for name in a.peers.split(','):
        try:
            PEERS[name]()
        except ImportError as e:
            print(f'# peer {name} skipped under {sys.executable}: {e}', flush=True)


if __name__ == '__main__':
    main()
