#pragma once
// GatherPolicy: when a short UDP batch waits a moment for more queries before
// it is answered (pure; the caller passes the time).
//
// Under heavy load, replies that leave in bursts wake the client's receiving
// thread (and this server's) less often than replies that leave one or two
// at a time, so a short batch is worth a short sleep. Under light or moderate
// load the same sleep would only add latency and wake-ups, so the policy
// waits only while the thread has been receiving at least `busy_rate`
// queries per second, measured over windows of `window`.
#include <chrono>
#include <cstddef>

namespace roster::dns {

// Thread safety: none; one per UDP thread.
class GatherPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    double busy_rate = 100'000;          // queries per second: heavy load from here
    std::size_t fill_to = 8;             // a batch this full goes out at once
    std::chrono::microseconds wait{20};  // zero: never wait
    std::chrono::microseconds window{1000};
  };

  GatherPolicy() = default;
  explicit GatherPolicy(Options o) : options_(o) {}

  const Options& options() const { return options_; }

  // A batch of `n` queries has just been received at `now`: should it wait
  // options().wait for company? Counts the n queries.
  bool should_wait(Clock::time_point now, std::size_t n) {
    if (now - window_start_ >= options_.window) {
      const double seconds = std::chrono::duration<double>(now - window_start_).count();
      busy_ = static_cast<double>(in_window_) >= options_.busy_rate * seconds;
      window_start_ = now;
      in_window_ = 0;
    }
    in_window_ += n;
    return busy_ && options_.wait.count() > 0 && n > 0 && n < options_.fill_to;
  }
  // Counts queries that joined a batch during its wait.
  void add(std::size_t n) { in_window_ += n; }

 private:
  Options options_;
  Clock::time_point window_start_{};
  std::size_t in_window_ = 0;
  bool busy_ = false;  // the last finished window was at busy_rate or above
};

}  // namespace roster::dns
