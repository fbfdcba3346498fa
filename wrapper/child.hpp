#pragma once
// The wrapped process: Boost.Process v1, found on PATH, arguments passed
// directly (no shell), stdin/stdout/stderr inherited untouched. Its exit is
// reported through boost::process::on_exit, which owns SIGCHLD via an
// asio::signal_set on the io_context: nothing else may handle SIGCHLD.
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/net.hpp"
#include "common/result.hpp"

namespace roster::wrapper {

// How the child ended, decoded from the raw waitpid status.
struct ExitStatus {
  int code = 0;    // exit code when the child exited
  int signal = 0;  // signal number when it was killed (then `code` is 0)

  // What the wrapper exits with: the exit code, or 128+N if killed by signal N.
  int wrapper_exit_code() const { return signal ? 128 + signal : code; }
};

// Decodes a raw waitpid status (WIFEXITED/WIFSIGNALED). A status that is
// neither (or -1, "unknown") decodes as exit code 1.
ExitStatus exit_status_from_wait(int raw_status);

// Finds the executable as a shell would: a name containing '/' is a path,
// anything else is searched on PATH. NotFound when there is none, Invalid
// when it is not executable.
Result<std::string> find_executable(const std::string& name);

// The exit code a shell would give when the command cannot be started:
// 127 when it is not found, 126 when it exists but cannot be executed.
int launch_failure_exit_code(const Error& launch_error);

// Thread safety: use from the io_context's thread only.
class Child {
 public:
  using ExitHandler = std::function<void(ExitStatus)>;

  // Starts command[0] (searched on PATH unless it contains '/') with the
  // remaining words as arguments. `on_exit` runs on `io` once, when the child
  // has been reaped. Errors: NotFound (no such command), Invalid (not
  // executable), Internal (fork/exec failed).
  static Result<std::unique_ptr<Child>> launch(asio::io_context& io, const std::vector<std::string>& command,
                                               ExitHandler on_exit);

  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const;
  bool exited() const;
  // Sends `sig` to the child; does nothing once it has exited (its pid may be reused).
  void signal(int sig) const;

  struct State;  // Boost.Process lives in child.cpp only

 private:
  explicit Child(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace roster::wrapper
