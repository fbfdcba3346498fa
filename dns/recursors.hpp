#pragma once
// Recursor addresses as the config gives them ("ip", "ip:port", "[v6]:port"),
// and the start-up check that none of them is the agent's own DNS listener.
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/net.hpp"
#include "common/result.hpp"

namespace roster::dns {

struct Upstream {
  asio::ip::address address;
  std::uint16_t port = 53;
  bool operator==(const Upstream&) const = default;
};

// Port 53 when none is given. The error names the text.
Result<Upstream> parse_recursor(std::string_view text);
Result<std::vector<Upstream>> parse_recursors(const std::vector<std::string>& texts);

// True when queries sent to `r` would come back to a listener on
// `listen`:`port`: the same port and the same address, an unspecified
// (0.0.0.0, ::) or loopback recursor address, or, when `listen` is itself
// unspecified (every address of the host), one of `host`, the host's own
// addresses.
bool points_at_listener(const Upstream& r, const asio::ip::address& listen, std::uint16_t port,
                        const std::vector<asio::ip::address>& host = {});

}  // namespace roster::dns
