#pragma once
// The gossip part of `roster agent`'s configuration (docs/cluster.md): flags
// -serf-lan-port, -join, -retry-join, -retry-interval, -retry-max, -encrypt,
// -gossip-profile, and the config-file keys ports.serf_lan, start_join,
// retry_join, retry_interval, retry_max, encrypt, gossip_profile.
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace roster::agent {

struct GossipSettings {
  int serf_lan_port = -1;  // -1: not given (8301; in -dev a busy 8301 falls back to a free port)
  std::vector<std::string> start_join;  // -join: must succeed at start
  std::vector<std::string> retry_join;  // -retry-join: retried until it works
  Duration retry_interval = std::chrono::seconds(30);
  int retry_max = 0;  // 0: forever
  std::string encrypt;  // base64 key (-encrypt / "encrypt")
  std::string profile = "lan";  // "lan" or "local" (fast timers for tests)
  // TEST-ONLY fault injection (gossip/net/fault_hook.hpp); hidden flags.
  double fault_drop = 0.0;
  int fault_freeze_ms = 0;
};

}  // namespace roster::agent
