// Commands not implemented yet; each reports that clearly.

#include "cli.hpp"

namespace urlmint_cli {

int cmd_s3_presign_post(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_s3_presign_multipart(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

int cmd_s3_complete_multipart(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

}  // namespace urlmint_cli
