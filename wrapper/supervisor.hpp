#pragma once
// The wrapper's lifecycle on one io_context:
//   register (retried with backoff; the child starts anyway) → launch the child
//   → pass the TTL check every heartbeat while it lives (re-register when the
//   agent lost it) → when the child exits, deregister at once → exit with the
//   child's status. SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are
//   forwarded to the child; SIGCHLD belongs to Boost.Process.
// The decisions live in supervisor_policy.hpp; this is the Asio glue.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/net.hpp"
#include "wrapper/api_client.hpp"
#include "wrapper/child.hpp"
#include "wrapper/supervisor_policy.hpp"

namespace roster::wrapper {

struct SupervisorConfig {
  ServiceRegistration registration;
  std::chrono::milliseconds heartbeat{1'000};
  std::vector<std::string> command;
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
  void stop_signals();
  void on_signal(int sig);
  void on_child_exit(ExitStatus status);
  asio::awaitable<void> async_sleep_until(Clock::time_point when);
  asio::awaitable<void> async_register();
  asio::awaitable<void> async_pass();
  asio::awaitable<void> async_deregister();
  void note_link(const ApiOutcome& outcome, const char* request);

  asio::io_context& io_;
  ApiClient& api_;
  SupervisorConfig config_;
  Logger log_;
  std::string check_id_;
  asio::signal_set signals_;
  asio::steady_timer wake_;  // the main loop sleeps on it; a child exit cancels it

  std::unique_ptr<Child> child_;
  std::optional<ExitStatus> exit_;
  std::vector<int> pending_signals_;  // received before the child started

  bool registered_ = false;
  bool ever_registered_ = false;
  int register_failures_ = 0;
  int reregister_streak_ = 0;
  Clock::time_point next_register_{};
  Clock::time_point next_pass_{};
  LinkTracker link_;
};

}  // namespace roster::wrapper
