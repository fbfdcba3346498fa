#pragma once
// TEST-ONLY fault injection for the gossip transport (the kernel of the test
// machines has no netem): drops outgoing datagrams with a probability, and
// can freeze the protocol thread for part of every second (a CPU-starved
// agent). Off unless the hidden flags -gossip-fault-drop /
// -gossip-fault-freeze-ms enable it; never use them in production.
#include <atomic>
#include <cstdint>
#include <random>

#include "common/clock.hpp"

namespace roster::gossip::net {

struct FaultOptions {
  double drop = 0.0;                 // probability an outgoing datagram is dropped
  Duration freeze = Duration::zero();  // frozen this long in every second
  std::uint64_t seed = 0;            // 0: random

  bool any() const { return drop > 0.0 || freeze > Duration::zero(); }
};

// Thread safety: one thread (the protocol thread) calls drop_datagram();
// dropped() may be read from any thread.
class FaultHook {
 public:
  explicit FaultHook(FaultOptions options);
  const FaultOptions& options() const { return options_; }
  // Rolls the dice for one outgoing datagram.
  bool drop_datagram();
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  FaultOptions options_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace roster::gossip::net
