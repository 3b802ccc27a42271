#ifndef URLMINT_CREDENTIAL_PROCESS_HPP
#define URLMINT_CREDENTIAL_PROCESS_HPP

// Running a profile's credential_process as the AWS CLI does: the command line is split
// shell-style (Python's shlex.split, POSIX rules) and the program run directly, without a
// shell; its standard output is captured. Libcrypto only (for wiping the buffers).

#include <fcntl.h>     // O_CLOEXEC
#include <spawn.h>     // posix_spawnp
#include <sys/wait.h>  // waitpid, WIFEXITED, WEXITSTATUS
#include <unistd.h>    // pipe2, read, close

#include <cerrno>      // errno, EINTR
#include <cstdio>      // std::fflush
#include <cstring>     // std::strerror
#include <functional>  // std::function
#include <optional>    // std::optional
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "crypto.hpp"
#include "error.hpp"

extern char** environ;  // the child gets this process's environment, as with subprocess.Popen

namespace urlmint {
namespace providers {

/// What a credential_process run produced.
struct process_result {
  int exit_status = 0;  ///< the exit code, or -1 when the process did not exit normally
  std::string output;   ///< its standard output (up to 1 MiB); holds secrets, wiped after parsing
};

/// Runs a credential_process command line and captures its stdout.
using process_runner = std::function<process_result(const std::string& command)>;

/// Splits `command` into words as Python's shlex.split(command) does (POSIX mode, no comment
/// characters): whitespace separates words; '...' keeps everything literally; "..." keeps
/// everything but lets a backslash escape '"' and '\'; outside quotes a backslash escapes any
/// character; adjacent quoted and unquoted parts join into one word; '' is an empty word.
/// nullopt for an unclosed quote or a trailing backslash (shlex raises ValueError).
URLMINT_DECL std::optional<std::vector<std::string>> split_command_line(std::string_view command);

namespace detail {

struct fd_closer {
  int fd = -1;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace detail

/// The default process_runner: splits `command` with split_command_line and runs the program
/// directly (found on PATH, no shell), stderr passed through, stdout captured up to 1 MiB.
/// Throws errc::invalid_argument for a command line that does not split, errc::io when the
/// program cannot be started (the message names the program, never its arguments).
URLMINT_DECL process_result run_command(const std::string& command);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/credential_process.ipp"
#endif

#endif  // URLMINT_CREDENTIAL_PROCESS_HPP
