#pragma once
// The decisions of `roster watch`, as pure functions of what the agent
// answered and of `now`: whether the result changed (so the handler runs),
// which index to block on next, and how long the cooldown still holds.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace roster::cli {

struct WatchStep {
  bool emit = false;            // the result changed: print it or run the handler
  std::uint64_t next_index = 0; // the ?index= of the next blocking request (0: none)
};

// Thread safety: none; one per watch loop.
class WatchState {
 public:
  // One successful reply: its X-Consul-Index (0 if absent) and body. It is a
  // change when the body differs from the last one emitted.
  WatchStep on_reply(std::uint64_t reply_index, const std::string& body);
  // Records that `body` was printed or handed to the handler.
  void emitted(const std::string& body) { last_emitted_ = body; }

 private:
  std::uint64_t index_ = 0;
  std::optional<std::string> last_emitted_;
};

// `-cooldown S`: the handler runs at most once per period.
class Cooldown {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Cooldown(std::chrono::milliseconds period) : period_(period) {}
  // How long to wait before the next run may start (zero: now).
  std::chrono::milliseconds remaining(Clock::time_point now) const;
  void ran(Clock::time_point now) { last_ = now; }

 private:
  std::chrono::milliseconds period_;
  std::optional<Clock::time_point> last_;
};

}  // namespace roster::cli
