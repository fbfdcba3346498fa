#pragma once
// Time is injected: decisions take `now`, and only thin Asio glue reads a
// real clock. Tests use tests/fakes/manual_clock.hpp.
#include <chrono>

namespace roster {

using SteadyClockType = std::chrono::steady_clock;
using TimePoint = SteadyClockType::time_point;
using Duration = std::chrono::nanoseconds;

// Thread safety: implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Wall-clock time, for values shown to users (SOA serials, log stamps).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return SteadyClockType::now(); }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace roster
