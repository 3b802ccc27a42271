// Commands not implemented yet; each reports that clearly.

#include "cli.hpp"

namespace urlmint_cli {

int cmd_cloudfront_url(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_cloudfront_sign(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_cloudfront_cookies(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_cloudfront_create_invalidation(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_cloudfront_oac_policy(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

}  // namespace urlmint_cli
