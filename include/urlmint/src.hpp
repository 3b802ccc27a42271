#ifndef URLMINT_SRC_HPP
#define URLMINT_SRC_HPP

// Separate compilation: include this from exactly one source file of a program built with
// URLMINT_SEPARATE_COMPILATION defined (everywhere), to compile urlmint's function definitions
// once instead of in every TU that includes a header. See config.hpp. CMake's
// urlmint::separate and Meson's urlmint_separate_dep build it for you.

#if !defined(URLMINT_SEPARATE_COMPILATION)
#error "urlmint/src.hpp is for URLMINT_SEPARATE_COMPILATION builds; header-only builds need no source file"
#endif

#include "impl/error.ipp"
#include "impl/encoding.ipp"
#include "impl/time.ipp"
#include "impl/credentials.ipp"
#include "impl/multipart.ipp"
#include "impl/post.ipp"
#include "impl/verify.ipp"
#include "impl/cloudfront_management.ipp"
#include "impl/checksum_algorithm.ipp"
#include "impl/checksums.ipp"
#include "impl/crypto.ipp"
#include "impl/sigv4.ipp"
#include "impl/s3.ipp"
#include "impl/s3_endpoints.ipp"
#include "impl/s3_settings.ipp"
#include "impl/s3_listing.ipp"
#include "impl/s3_presign.ipp"
#include "impl/s3_signer.ipp"
#include "impl/cloudfront.ipp"
#include "impl/cloudfront_setup.ipp"
#include "impl/cloudfront_setup_steps.ipp"
#include "impl/sigv4a.ipp"
#include "impl/s3express.ipp"
#include "impl/s3express_sessions.ipp"
#include "impl/s3_mrap.ipp"
#include "impl/providers.ipp"
#include "impl/credential_sources.ipp"
#include "impl/credential_formats.ipp"
#include "impl/credential_process.ipp"
#include "impl/endpoint_settings.ipp"
#include "impl/sso.ipp"
#include "impl/role_cache.ipp"
#include "impl/cache_files.ipp"
#include "impl/aws_login.ipp"

#endif  // URLMINT_SRC_HPP
