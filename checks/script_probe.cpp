#include "checks/script_probe.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>

#include "common/duration.hpp"

namespace roster::checks {

namespace bp = boost::process;
using registry::HealthStatus;

// After the script exits, how long its output pipe may stay open (a
// background grandchild holding it) before the run ends without it.
constexpr auto kEofGrace = std::chrono::milliseconds(200);

class ScriptRun : public std::enable_shared_from_this<ScriptRun> {
 public:
  ScriptRun(asio::io_context& io, std::vector<std::string> args, Duration timeout, int output_max)
      : io_(io), args_(std::move(args)), timeout_(timeout), cap_(static_cast<std::size_t>(std::max(output_max, 0))),
        pipe_(io), timer_(io) {}

  void start(ScriptProbe::Done done) {
    done_ = std::move(done);
    std::string exe = args_.empty() ? "" : args_.front();
    if (!exe.empty() && exe.find('/') == std::string::npos) exe = bp::search_path(exe).string();
    if (exe.empty()) {
      const std::string name = args_.empty() ? "" : args_.front();
      return finish_now({HealthStatus::Critical, "exec: \"" + name + "\": executable file not found in $PATH"});
    }
    std::weak_ptr<ScriptRun> weak = weak_from_this();
    auto on_exit = [weak, &io = io_](int, const std::error_code& ec) {
      // May run inside bp::child's constructor: read the status later.
      asio::post(io, [weak, failed = bool(ec)] {
        if (auto self = weak.lock()) self->exited(failed);
      });
    };
    // Its own process group, so a timeout can kill everything it started.
    auto own_group = [](auto&) { ::setpgid(0, 0); };
    const std::vector<std::string> rest(args_.begin() + 1, args_.end());
    std::error_code ec;
    child_ = bp::child(bp::exe = exe, bp::args = rest, bp::std_in < bp::null, (bp::std_out & bp::std_err) > pipe_,
                       io_, bp::on_exit(on_exit), bp::extend::on_exec_setup = own_group, ec);
    if (ec) return finish_now({HealthStatus::Critical, "exec: \"" + args_.front() + "\": " + ec.message()});
    pid_ = child_.id();
    timer_.expires_after(timeout_);
    timer_.async_wait([weak](const boost::system::error_code& e) {
      if (auto self = weak.lock(); self && !e) self->timed_out();
    });
    read();
  }

  void kill() {
    if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
  }

 private:
  void read() {
    auto self = shared_from_this();
    pipe_.async_read_some(asio::buffer(buf_), [self](const boost::system::error_code& ec, std::size_t n) {
      if (n > 0 && self->output_.size() < self->cap_)
        self->output_.append(self->buf_.data(), std::min(n, self->cap_ - self->output_.size()));
      if (ec) {
        self->eof_ = true;
        self->maybe_finish();
        return;
      }
      self->read();
    });
  }

  void exited(bool failed) {
    reaped_ = true;
    exit_raw_ = failed ? -1 : child_.native_exit_code();
    if (eof_) return maybe_finish();
    // Give the pipe a moment to drain, then stop waiting for it.
    timer_.expires_after(kEofGrace);
    std::weak_ptr<ScriptRun> weak = weak_from_this();
    timer_.async_wait([weak](const boost::system::error_code& e) {
      auto self = weak.lock();
      if (!self || e) return;
      boost::system::error_code ignored;
      self->pipe_.close(ignored);
      self->eof_ = true;
      self->maybe_finish();
    });
  }

  void timed_out() {
    if (reaped_) return;
    timed_out_ = true;
    kill();
  }

  void maybe_finish() {
    if (!reaped_ || !eof_ || finished_) return;
    timer_.cancel();
    if (timed_out_) return finish_now({HealthStatus::Critical, "Timed out (" + format_duration(timeout_) + ") running check"});
    HealthStatus status = HealthStatus::Critical;
    if (exit_raw_ != -1 && WIFEXITED(exit_raw_)) {
      const int code = WEXITSTATUS(exit_raw_);
      status = code == 0 ? HealthStatus::Passing : code == 1 ? HealthStatus::Warning : HealthStatus::Critical;
    }
    finish_now({status, std::move(output_)});
  }

  void finish_now(ProbeResult r) {
    if (finished_) return;
    finished_ = true;
    // Never call back from inside start(): the caller may not be ready.
    asio::post(io_, [done = std::move(done_), r = std::move(r)]() mutable { done(std::move(r)); });
  }

  asio::io_context& io_;
  std::vector<std::string> args_;
  Duration timeout_;
  std::size_t cap_;
  bp::async_pipe pipe_;
  asio::steady_timer timer_;
  bp::child child_;
  pid_t pid_ = -1;
  std::array<char, 4096> buf_{};
  std::string output_;
  int exit_raw_ = -1;
  bool reaped_ = false;
  bool eof_ = false;
  bool timed_out_ = false;
  bool finished_ = false;
  ScriptProbe::Done done_;
};

ScriptProbe::ScriptProbe(asio::io_context& io, std::vector<std::string> args, Duration timeout, int output_max)
    : run_(std::make_shared<ScriptRun>(io, std::move(args), timeout, output_max)) {}

ScriptProbe::~ScriptProbe() = default;

void ScriptProbe::start(Done done) { run_->start(std::move(done)); }

void ScriptProbe::kill() { run_->kill(); }

}  // namespace roster::checks
