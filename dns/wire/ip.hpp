#pragma once
// IP addresses as raw bytes, and the two encodings DNS names use for them:
// Consul's `<hex>.addr` label and the reverse (PTR) label lists.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roster::dns::wire {

struct IpAddress {
  enum class Family { V4, V6 };
  Family family = Family::V4;
  std::array<std::uint8_t, 16> bytes{};  // only the first size() are used

  std::size_t size() const { return family == Family::V4 ? 4 : 16; }
  bool operator==(const IpAddress&) const = default;
};

// Parses "10.0.0.1" or "fd00::1"; nullopt for anything else (hostnames).
std::optional<IpAddress> parse_ip(std::string_view text);

// 8 (IPv4) or 32 (IPv6) lowercase hex digits: 10.0.0.50 -> "0a000032".
std::string to_hex(const IpAddress& ip);

// The inverse of to_hex; either case is accepted. nullopt for other lengths or
// non-hex characters.
std::optional<IpAddress> from_hex(std::string_view hex);

}  // namespace roster::dns::wire
