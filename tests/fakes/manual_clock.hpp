#pragma once
// A clock that moves only when a test says so.
#include <atomic>

#include "common/clock.hpp"

namespace roster::testing {

class ManualClock final : public Clock {
 public:
  TimePoint now() const override { return TimePoint(Duration(now_ns_.load())); }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(Duration(now_ns_.load())));
  }
  void advance(Duration d) { now_ns_ += d.count(); }

 private:
  std::atomic<long long> now_ns_{1'700'000'000'000'000'000LL};
};

}  // namespace roster::testing
