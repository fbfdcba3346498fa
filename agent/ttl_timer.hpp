#pragma once
// TtlTimer: wakes the registry at its next TTL deadline, on a thread of its
// own. Expiring a TTL is a registry write, which with -data-dir waits for its
// group's fsync: no HTTP or DNS I/O thread ever waits for it. The decision
// (which checks expired) is the registry's, as a function of now.
#include <thread>

#include "common/clock.hpp"
#include "common/net.hpp"
#include "registry/registry.hpp"

namespace roster::agent {

// Thread safety: reschedule() may be called from any thread (it posts to the
// timer's thread); start() and stop() from the owner. Destruction stops it.
class TtlTimer {
 public:
  TtlTimer(registry::Registry& registry, const Clock& clock);
  ~TtlTimer();
  TtlTimer(const TtlTimer&) = delete;
  TtlTimer& operator=(const TtlTimer&) = delete;

  void start();
  // Re-reads the registry's next deadline and arms the timer for it.
  void reschedule();
  // Cancels the timer and joins the thread; later calls do nothing.
  void stop();

 private:
  void arm();

  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  asio::steady_timer timer_{io_};
  registry::Registry& registry_;
  const Clock& clock_;
  bool stopped_ = false;  // on the timer's thread
  std::thread thread_;
};

}  // namespace roster::agent
