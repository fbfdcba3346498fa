#pragma once
// TCP check: connect to host:port (every address the name resolves to, both
// families, in turn) within `timeout`. Connected → passing, anything else →
// critical. Output as Consul's: "TCP connect <addr>: Success".
#include <string>

#include "checks/probe_result.hpp"
#include "common/clock.hpp"
#include "common/net.hpp"

namespace roster::checks {

// Runs on the caller's executor; never blocks it.
asio::awaitable<ProbeResult> tcp_probe(std::string target, Duration timeout);

}  // namespace roster::checks
