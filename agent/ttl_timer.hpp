#pragma once
// TtlTimer: the Asio glue that wakes the registry at its next TTL deadline.
// The decision (which checks expired) is the registry's, as a function of now.
#include <memory>

#include "common/clock.hpp"
#include "common/net.hpp"
#include "registry/registry.hpp"

namespace roster::agent {

// Thread safety: reschedule() may be called from any thread (it posts to the
// timer's strand). Owned by the composition root; outlives the io_context run.
class TtlTimer {
 public:
  TtlTimer(asio::io_context& io, registry::Registry& registry, const Clock& clock);
  // Re-reads the registry's next deadline and arms the timer for it.
  void reschedule();
  void stop();

 private:
  void arm();

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  registry::Registry& registry_;
  const Clock& clock_;
  bool stopped_ = false;
};

}  // namespace roster::agent
