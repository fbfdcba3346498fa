#include "agent/ttl_timer.hpp"

namespace roster::agent {

TtlTimer::TtlTimer(registry::Registry& registry, const Clock& clock) : registry_(registry), clock_(clock) {}

TtlTimer::~TtlTimer() { stop(); }

void TtlTimer::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { io_.run(); });
}

void TtlTimer::reschedule() {
  asio::post(io_, [this] { arm(); });
}

void TtlTimer::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
  work_.reset();
  thread_.join();
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
