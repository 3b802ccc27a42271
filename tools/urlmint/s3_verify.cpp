// Commands not implemented yet; each reports that clearly.

#include "cli.hpp"

namespace urlmint_cli {

int cmd_s3_verify(args&) {
  throw urlmint::error(urlmint::errc::not_supported, "this command is not implemented yet");
}

}  // namespace urlmint_cli
