#include "gossip/address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace roster::gossip {

Address Address::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                    std::uint16_t port) {
  Address out;
  out.ip[0] = a, out.ip[1] = b, out.ip[2] = c, out.ip[3] = d;
  out.family = 4;
  out.port = port;
  return out;
}

std::optional<Address> Address::parse(std::string_view text) {
  std::string host;
  std::string_view port_text;
  Address out;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    out.family = 6;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    out.family = 4;
  }
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty())
    return std::nullopt;
  out.port = std::uint16_t(port);
  if (inet_pton(out.family == 6 ? AF_INET6 : AF_INET, host.c_str(), out.ip.data()) != 1)
    return std::nullopt;
  return out;
}

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == 6 ? AF_INET6 : AF_INET, ip.data(), buf, sizeof buf);
  std::string host(buf);
  if (family == 6) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

std::size_t AddressHash::operator()(const Address& a) const noexcept {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint8_t b) { h = (h ^ b) * 1099511628211ull; };
  for (std::size_t i = 0; i < a.ip_size(); ++i) mix(a.ip[i]);
  mix(std::uint8_t(a.port >> 8));
  mix(std::uint8_t(a.port));
  return std::size_t(h);
}

}  // namespace roster::gossip
