#include "wrapper/child.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <vector>
#include <cstring>
#include <system_error>

namespace roster::wrapper {

namespace bp = boost::process;

struct Child::State {
  bp::child process;
  pid_t pid = -1;
  bool reaped = false;  // waitpid done: the pid may be reused, never signal it again
  bool exited = false;  // the exit has been reported
};

ExitStatus exit_status_from_wait(int raw) {
  if (raw == -1) return {1, 0};
  if (WIFEXITED(raw)) return {WEXITSTATUS(raw), 0};
  if (WIFSIGNALED(raw)) return {0, WTERMSIG(raw)};
  return {1, 0};
}

int launch_failure_exit_code(const Error& e) { return e.code == ErrorCode::NotFound ? 127 : 126; }

namespace {

// $PATH split as a shell does (an empty entry is the current directory). Not
// boost::this_process::path(): it builds a named std::locale, which loads the
// whole locale and about a megabyte of code into every wrapper's memory.
std::vector<boost::filesystem::path> path_directories() {
  std::vector<boost::filesystem::path> dirs;
  const char* env = std::getenv("PATH");
  const std::string_view path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (true) {
    const auto end = path.find(':', start);
    const auto dir = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    dirs.emplace_back(dir.empty() ? std::string(".") : std::string(dir));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return dirs;
}

}  // namespace

Result<std::string> find_executable(const std::string& name) {
  if (name.empty()) return not_found("empty command");
  if (name.find('/') == std::string::npos) {
    const auto found = bp::search_path(name, path_directories());
    if (found.empty()) return not_found(name + ": command not found");
    return found.string();
  }
  if (::access(name.c_str(), F_OK) != 0) return not_found(name + ": No such file or directory");
  if (::access(name.c_str(), X_OK) != 0) return invalid(name + ": Permission denied");
  return name;
}

Result<std::unique_ptr<Child>> Child::launch(asio::io_context& io, const std::vector<std::string>& command,
                                             ExitHandler on_exit) {
  if (command.empty()) return not_found("empty command");
  auto exe = find_executable(command.front());
  if (!exe) return exe.error();

  auto state = std::make_shared<State>();
  std::weak_ptr<State> weak = state;
  // bp hands the handler eval_exit_status(raw), which folds "killed by N"
  // into N; the raw waitpid status is in native_exit_code() by then. The
  // handler may run inline inside the bp::child constructor (when the child
  // exits at once and we are already inside io.run()), before `process` is
  // assigned: so read the status in a posted continuation.
  auto handler = [weak, executor = io.get_executor(), on_exit = std::move(on_exit)](int, const std::error_code& ec) {
    if (auto s = weak.lock()) s->reaped = true;
    asio::post(executor, [weak, failed = bool(ec), on_exit] {
      auto s = weak.lock();
      if (!s || s->exited) return;
      s->exited = true;
      on_exit(exit_status_from_wait(failed ? -1 : s->process.native_exit_code()));
    });
  };
  const std::vector<std::string> args(command.begin() + 1, command.end());
  std::error_code ec;
  // If the wrapper dies without forwarding anything (SIGKILL from a process
  // manager that ran out of patience), the kernel kills the child too, so it
  // is never left orphaned. Set between fork and exec, in the child.
  const pid_t wrapper = ::getpid();
  auto die_with_the_wrapper = [wrapper](auto&) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != wrapper) ::raise(SIGKILL);  // it died before prctl took effect
  };
  // stdin/stdout/stderr are inherited: no bp::std_* redirection. Same process
  // group as the wrapper: forwarding needs none of its own.
  state->process = bp::child(bp::exe = *exe, bp::args = args, io, bp::on_exit(handler),
                             bp::extend::on_exec_setup = die_with_the_wrapper, ec);
  if (ec) {
    const auto what = command.front() + ": " + ec.message();
    return ec.value() == ENOENT ? not_found(what) : ec.value() == EACCES ? invalid(what) : internal(what);
  }
  state->pid = state->process.id();
  return std::unique_ptr<Child>(new Child(std::move(state)));
}

Child::Child(std::shared_ptr<State> state) : state_(std::move(state)) {}

// If the child still runs when its owner goes away, bp::child's destructor
// kills it rather than leaving it orphaned.
Child::~Child() = default;

pid_t Child::pid() const { return state_->pid; }
bool Child::exited() const { return state_->exited; }

void Child::signal(int sig) const {
  if (!state_->reaped && state_->pid > 0) ::kill(state_->pid, sig);
}

}  // namespace roster::wrapper
