#include "gossip/config.hpp"

#include <algorithm>
#include <cmath>

namespace roster::gossip {

Config Config::lan() { return Config{}; }

Config Config::local() {
  Config c;
  c.probe_interval = 200ms;
  c.probe_timeout = 80ms;
  c.indirect_checks = 2;
  c.suspicion_mult = 3;
  c.gossip_interval = 50ms;
  c.push_pull_interval = 5s;
  c.reconnect_interval = 2s;
  c.stream_timeout = 2s;
  c.gossip_to_dead = 10s;
  c.dead_reap = 60s;
  c.left_reap = 60s;
  c.leave_propagate = 300ms;
  return c;
}

bool Config::from_profile(std::string_view name, Config& out) {
  if (name == "lan") { out = lan(); return true; }
  if (name == "local") { out = local(); return true; }
  return false;
}

Duration Config::suspicion_min(std::size_t n) const {
  const double scale = std::max(1.0, std::log10(std::max<double>(1.0, double(n))));
  return std::chrono::duration_cast<Duration>(double(suspicion_mult) * scale * probe_interval);
}

Duration Config::suspicion_max(std::size_t n) const {
  return lifeguard ? suspicion_min(n) * suspicion_max_mult : suspicion_min(n);
}

int Config::suspicion_confirmations(std::size_t n) const {
  // Fewer members than the confirmations wanted: nobody could ever supply
  // them, so start at the minimum timeout (memberlist does the same).
  const int k = suspicion_mult - 2;
  if (!lifeguard || k < 1 || int(n) - 2 < k) return 0;
  return k;
}

int Config::retransmit_limit(std::size_t n) const {
  // At least 3·mult: each informed member passing a rumor to L random others
  // leaves about e^-L of the members out, who then wait for a push/pull (30 s
  // and more). Below 10 members ceil(log10(N+1)) is 1: L=4 missed one member
  // in fifty; below 100, L=8 still missed one in 3,000, which a burst of
  // registrations on 20 agents (380 member-rumor pairs) hit now and then.
  // L=12 leaves one in 160,000; clusters that small pay nothing for it.
  return retransmit_mult * std::max(3, int(std::ceil(std::log10(double(n) + 1.0))));
}

Duration Config::push_pull_period(std::size_t n) const {
  if (!push_pull_scale || n <= 32) return push_pull_interval;
  const int mult = int(std::ceil(std::log2(double(n)) - 5.0)) + 1;
  return push_pull_interval * mult;
}

}  // namespace roster::gossip
