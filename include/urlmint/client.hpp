#ifndef URLMINT_CLIENT_HPP
#define URLMINT_CLIENT_HPP

// The one include for everything, including the parts that send requests with libcurl: the HTTP
// client, S3 operations with retries and multipart uploads, the upload-then-link flow, and the
// credential sources that need HTTP (STS, ECS, EC2 metadata). Link libcurl (CMake:
// urlmint::curl; pkg-config: urlmint-curl). Signing-only code includes <urlmint/urlmint.hpp>.

#include "urlmint.hpp"
#include "providers.hpp"
#include "cloudfront_setup.hpp"
#include "curl.hpp"
#include "s3_client.hpp"
#include "publish.hpp"
#include "cloudfront_setup_client.hpp"
#include "providers_curl.hpp"

#endif  // URLMINT_CLIENT_HPP
