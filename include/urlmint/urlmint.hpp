#ifndef URLMINT_URLMINT_HPP
#define URLMINT_URLMINT_HPP

// The one include for signing: S3 presigned URLs and signed requests, CloudFront URLs,
// credentials. Needs only OpenSSL's libcrypto. The credential chain that reads the AWS CLI's
// files (<urlmint/providers.hpp>) and the CloudFront setup steps are not included, to keep this
// include cheap; <urlmint/client.hpp> includes everything. Sending requests (libcurl) is in
// <urlmint/curl.hpp>, which this header deliberately does not include.

#include "version.hpp"
#include "error.hpp"
#include "encoding.hpp"
#include "crypto.hpp"
#include "time.hpp"
#include "credentials.hpp"
#include "sigv4.hpp"
#include "sigv4a.hpp"
#include "s3.hpp"
#include "cloudfront.hpp"
#include "cloudfront_management.hpp"
#include "multipart.hpp"
#include "s3_listing.hpp"
#include "post.hpp"
#include "verify.hpp"

#endif  // URLMINT_URLMINT_HPP
