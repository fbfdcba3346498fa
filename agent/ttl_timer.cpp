#include "agent/ttl_timer.hpp"

namespace roster::agent {

TtlTimer::TtlTimer(asio::io_context& io, registry::Registry& registry, const Clock& clock)
    : strand_(asio::make_strand(io)), timer_(strand_), registry_(registry), clock_(clock) {}

void TtlTimer::reschedule() {
  asio::post(strand_, [this] { arm(); });
}

void TtlTimer::stop() {
  asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void TtlTimer::arm() {
  if (stopped_) return;
  const auto next = registry_.next_ttl_deadline();
  if (!next) {
    timer_.cancel();
    return;
  }
  // The registry's clock and steady_clock agree in production (SteadyClock).
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    registry_.expire_ttls(clock_.now());
    arm();
  });
}

}  // namespace roster::agent
