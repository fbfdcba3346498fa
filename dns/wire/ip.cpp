#include "dns/wire/ip.hpp"

#include <arpa/inet.h>

#include "common/strings.hpp"

namespace roster::dns::wire {

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = IpAddress::Family::V4;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = IpAddress::Family::V6;
    return ip;
  }
  return std::nullopt;
}

std::string to_hex(const IpAddress& ip) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(ip.size() * 2);
  for (std::size_t i = 0; i < ip.size(); ++i) {
    out += kDigits[ip.bytes[i] >> 4];
    out += kDigits[ip.bytes[i] & 0xF];
  }
  return out;
}

std::optional<IpAddress> from_hex(std::string_view hex) {
  IpAddress ip;
  if (hex.size() == 8) ip.family = IpAddress::Family::V4;
  else if (hex.size() == 32) ip.family = IpAddress::Family::V6;
  else return std::nullopt;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit_value(hex[i]);
    const int lo = hex_digit_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    ip.bytes[i / 2] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return ip;
}

}  // namespace roster::dns::wire
