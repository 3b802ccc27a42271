#!/usr/bin/env python3
"""moto in server mode on 127.0.0.1, with a small patch for the gaps of moto 5.2 that a correct
CloudFront setup client hits. Imported by tests/cloudfront_setup_cli_test.py (which starts it in a
thread on a free port and records every request it gets); run it alone to try the CLI by hand:

    python3 tests/cloudfront_moto_server.py 5055
    AWS_ENDPOINT_URL=http://127.0.0.1:5055 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\
        urlmint cloudfront setup --bucket chart-bucket --region eu-west-1

The patch changes moto's models only, never the client, and each change is what AWS does:
1. Origins keep OriginAccessControlId (moto 5.2 drops it, so an attached OAC cannot be seen).
2. ListDistributions summaries carry the distribution's config (Origins, Aliases,
   DefaultCacheBehavior, PriceClass, ...), as AWS's DistributionSummary does; moto's have none, so
   "find the distribution whose origin is this bucket" cannot work against it.
3. Distribution ARNs have an empty region field: arn:aws:cloudfront::ACCOUNT:distribution/ID
   (moto writes arn:aws:cloudfront:ACCOUNT:distribution/ID).
4. Compress and IsIPV6Enabled default to false when a request leaves them out, as in the API
   reference (moto defaults them to true, which would hide a client that forgets to send them).
5. Distribution IDs start with E, as AWS's do (moto's are 13 random letters and digits, which
   urlmint rightly refuses as malformed).
"""

import io
import logging
import sys
import threading

from moto.cloudfront import models as cf_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

PATCH_VERSION = "moto 5.2 (tested with 5.2.1)"

_origin_init = cf_models.Origin.__init__


def _origin_init_keeping_oac(self, origin):
    _origin_init(self, origin)
    self.origin_access_control_id = origin.get("OriginAccessControlId") or ""


_config_init = cf_models.DistributionConfig.__init__


def _config_init_aws_defaults(self, config):
    config.setdefault("IsIPV6Enabled", False)
    behavior = config.get("DefaultCacheBehavior")
    if isinstance(behavior, dict):
        behavior.setdefault("Compress", False)
    _config_init(self, config)


_distribution_init = cf_models.Distribution.__init__


def _distribution_init_aws_arn(self, account_id, region_name, config):
    _distribution_init(self, account_id, region_name, config)
    self.distribution_id = self.id = "E" + self.distribution_id[1:]
    self.arn = f"arn:aws:cloudfront::{account_id}:distribution/{self.distribution_id}"


# DistributionSummary members that live in the distribution's config in moto's model.
_SUMMARY_FROM_CONFIG = [
    "aliases", "origins", "default_cache_behavior", "cache_behaviors",
    "custom_error_responses", "comment", "price_class", "enabled", "viewer_certificate",
    "restrictions", "web_acl_id", "http_version", "is_ipv6_enabled",
]


def _from_config(name):
    config_names = {"default_cache_behavior": "DefaultCacheBehavior", "origins": "Origins",
                    "aliases": "Aliases",
                    "cache_behaviors": "CacheBehaviors", "custom_error_responses": "CustomErrorResponses",
                    "comment": "Comment", "price_class": "PriceClass", "enabled": "Enabled",
                    "viewer_certificate": "ViewerCertificate", "restrictions": "Restrictions",
                    "web_acl_id": "WebACLId", "http_version": "HttpVersion",
                    "is_ipv6_enabled": "IsIPV6Enabled"}

    def get(self):
        return getattr(self.distribution_config, config_names[name], None)

    return property(get)


def apply_patch():
    cf_models.Origin.__init__ = _origin_init_keeping_oac
    cf_models.DistributionConfig.__init__ = _config_init_aws_defaults
    cf_models.Distribution.__init__ = _distribution_init_aws_arn
    for name in _SUMMARY_FROM_CONFIG:
        if not hasattr(cf_models.Distribution, name):
            setattr(cf_models.Distribution, name, _from_config(name))


class Recorder:
    """WSGI middleware keeping (method, path, query, headers, body) of every request."""

    def __init__(self, app):
        self.app = app
        self.requests = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        with self.lock:
            self.requests.append({"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", ""),
                                  "query": environ.get("QUERY_STRING", ""), "headers": headers, "body": body})
        return self.app(environ, start_response)


def start(port=0):
    """Starts the patched moto on 127.0.0.1 in a daemon thread; returns (server, recorder, port)."""
    apply_patch()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    recorder = Recorder(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, recorder, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, recorder, server.server_address[1]


if __name__ == "__main__":
    srv, _, p = start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"patched moto ({PATCH_VERSION}) on http://127.0.0.1:{p}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.shutdown()
