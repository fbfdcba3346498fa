#pragma once
// Addresses given to -join, -retry-join, `roster join` and
// /v1/agent/join/<addr>: "ip", "ip:port", "[v6]:port", "host" or
// "host:port"; the port defaults to the serf LAN port. Host names are
// resolved here (blocking: call it off the protocol thread).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "gossip/address.hpp"

namespace roster::gossip::net {

inline constexpr std::uint16_t kDefaultSerfLanPort = 8301;

// Every address `text` names (a host name may resolve to several).
Result<std::vector<Address>> resolve_join_address(std::string_view text,
                                                  std::uint16_t default_port = kDefaultSerfLanPort);

}  // namespace roster::gossip::net
