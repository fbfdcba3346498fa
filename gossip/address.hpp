#pragma once
// A gossip peer's address: an IPv4 or IPv6 address and a port, as carried in
// `alive` messages. Plain value type; no Asio here (the core is sans-I/O).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace roster::gossip {

struct Address {
  std::array<std::uint8_t, 16> ip{};  // IPv4 uses the first 4 bytes
  std::uint8_t family = 4;            // 4 or 6
  std::uint16_t port = 0;

  static Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                    std::uint16_t port);
  // "198.18.0.7:8301" or "[fd00::1]:8301"; nullopt when malformed.
  static std::optional<Address> parse(std::string_view text);
  std::string to_string() const;
  std::size_t ip_size() const { return family == 6 ? 16 : 4; }

  friend bool operator==(const Address&, const Address&) = default;
  friend auto operator<=>(const Address&, const Address&) = default;
};

struct AddressHash {
  std::size_t operator()(const Address& a) const noexcept;
};

}  // namespace roster::gossip
