#ifndef URLMINT_IMPL_CREDENTIAL_PROCESS_IPP
#define URLMINT_IMPL_CREDENTIAL_PROCESS_IPP

// Definitions for credential_process.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../credential_process.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::optional<std::vector<std::string>> split_command_line(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  enum class state { plain, single, dbl } st = state::plain;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    switch (st) {
      case state::plain:
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          if (in_word) words.push_back(word);
          word.clear();
          in_word = false;
        } else if (c == '\'') {
          st = state::single;
          in_word = true;
        } else if (c == '"') {
          st = state::dbl;
          in_word = true;
        } else if (c == '\\') {
          if (++i >= command.size()) return std::nullopt;
          word += command[i];
          in_word = true;
        } else {
          word += c;
          in_word = true;
        }
        break;
      case state::single:
        if (c == '\'') st = state::plain;
        else word += c;
        break;
      case state::dbl:
        if (c == '"') {
          st = state::plain;
        } else if (c == '\\') {
          if (++i >= command.size()) return std::nullopt;
          if (command[i] != '"' && command[i] != '\\') word += '\\';
          word += command[i];
        } else {
          word += c;
        }
        break;
    }
  }
  if (st != state::plain) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

URLMINT_DECL process_result run_command(const std::string& command) {
  const auto words = split_command_line(command);
  if (!words)
    throw error(errc::invalid_argument, "credential_process: the command line has an unclosed quote or a trailing "
                                        "backslash; quote it as a POSIX shell would");
  if (words->empty()) throw error(errc::invalid_argument, "credential_process: the command line is empty");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw error(errc::io, "credential_process: cannot create a pipe");
  detail::fd_closer read_end{fds[0]}, write_end{fds[1]};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);  // dup2 clears O_CLOEXEC on stdout
  std::vector<char*> argv;
  std::vector<std::string> args = *words;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);  // nothing buffered in this process may reach the child's stdout
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(write_end.fd);
  write_end.fd = -1;
  if (rc != 0)
    throw error(errc::io, "credential_process: cannot run \"" + args[0] + "\": " + std::strerror(rc) +
                              "; check that it exists, is on PATH and is executable");
  process_result result;
  constexpr std::size_t limit = std::size_t(1) << 20;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(read_end.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (result.output.size() + static_cast<std::size_t>(n) > limit) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  secure_wipe(buffer, sizeof buffer);
  ::close(read_end.fd);  // a child still writing past the limit gets SIGPIPE instead of blocking us
  read_end.fd = -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_CREDENTIAL_PROCESS_IPP
