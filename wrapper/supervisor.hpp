#pragma once
// The wrapper's lifecycle on one io_context:
//   register (retried with backoff; the child starts anyway) → launch the child
//   → run the health checks and tell the agent the verdict (pass/warn/fail with
//   a note) whenever it changes and every heartbeat (re-register when the agent
//   lost it) → on SIGTERM/SIGINT: fail, drain, forward → when the child exits,
//   deregister at once (or, --on-exit critical, fail with the exit status) →
//   exit with the child's status.
// Every catchable signal is forwarded (signals.hpp). SIGCHLD belongs to
// Boost.Process; as PID 1 a second signal_set on SIGCHLD reaps orphans.
// The decisions live in supervisor_policy.hpp and health_policy.hpp; this is
// the Asio glue.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/net.hpp"
#include "wrapper/api_client.hpp"
#include "wrapper/child.hpp"
#include "wrapper/health_probe.hpp"
#include "wrapper/supervisor_policy.hpp"

namespace roster::wrapper {

struct SupervisorConfig {
  ServiceRegistration registration;
  std::chrono::milliseconds heartbeat{1'000};
  std::vector<std::string> command;
  HealthConfig health;
  std::chrono::milliseconds drain{0};
  OnExit on_exit = OnExit::Deregister;
  bool reap_orphans = false;  // running as PID 1
};

// Thread safety: single-threaded; construct, run and destroy on the thread
// that runs `io`. The object must outlive io.run().
class Supervisor {
 public:
  Supervisor(asio::io_context& io, ApiClient& api, SupervisorConfig config, Logger log);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs the whole lifecycle once; yields the wrapper's exit code (the child's
  // status, 128+N if killed by signal N, 127/126 if it could not start).
  asio::awaitable<int> async_run();

 private:
  using Clock = std::chrono::steady_clock;

  void watch_signals();
  void watch_orphans();
  void reap_orphans();
  void stop_signals();
  void on_signal(int sig);
  void on_child_exit(ExitStatus status);
  void wake();
  Verdict desired() const;
  void start_drain();
  void forward_stop();
  asio::awaitable<void> async_sleep_until(Clock::time_point when);
  asio::awaitable<void> async_register();
  asio::awaitable<void> async_send_status();
  asio::awaitable<void> async_deregister();
  asio::awaitable<void> async_finish();
  asio::awaitable<void> async_probe_loop();
  void note_link(const ApiOutcome& outcome, const char* request);

  asio::io_context& io_;
  ApiClient& api_;
  SupervisorConfig config_;
  Logger log_;
  std::string check_id_;
  asio::signal_set signals_;
  asio::signal_set orphans_;  // SIGCHLD, only as PID 1 (Asio multiplexes it with Boost.Process's set)
  asio::steady_timer wake_;   // the main loop sleeps on it; events cancel it
  asio::steady_timer probe_timer_;
  HealthProbe probe_;

  std::unique_ptr<Child> child_;
  pid_t child_pid_ = 0;
  std::optional<ExitStatus> exit_;
  std::vector<int> pending_signals_;  // received before the child started
  std::optional<int> stop_signal_;

  LoopState loop_;
  std::optional<ProbeResult> port_result_;
  std::optional<ProbeResult> http_result_;
  bool passed_once_ = false;

  bool ever_registered_ = false;
  int register_failures_ = 0;
  int reregister_streak_ = 0;
  LinkTracker link_;
};

}  // namespace roster::wrapper
