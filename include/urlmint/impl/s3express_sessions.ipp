#ifndef URLMINT_IMPL_S3EXPRESS_SESSIONS_IPP
#define URLMINT_IMPL_S3EXPRESS_SESSIONS_IPP

// Definitions for s3express_sessions.hpp: included by it when header-only, by <urlmint/src.hpp>
// once under URLMINT_SEPARATE_COMPILATION.

#include "../s3express_sessions.hpp"
#include "../credential_formats.hpp"  // parse_sts_credentials: CreateSession answers in STS's <Credentials> shape

namespace urlmint {
namespace s3express {

URLMINT_DECL credentials parse_create_session(std::string_view xml, std::string_view bucket) {
  return providers::parse_sts_credentials(xml, "CreateSession on s3://" + std::string(bucket));
}

}  // namespace s3express
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3EXPRESS_SESSIONS_IPP
