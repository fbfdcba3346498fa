#include "gossip/net/fault_hook.hpp"

namespace roster::gossip::net {

FaultHook::FaultHook(FaultOptions options)
    : options_(options), rng_(options.seed ? options.seed : std::random_device{}()) {}

bool FaultHook::drop_datagram() {
  if (options_.drop <= 0.0) return false;
  if (dist_(rng_) >= options_.drop) return false;
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace roster::gossip::net
