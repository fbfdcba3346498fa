#include "wrapper/address.hpp"

#include <charconv>
#include <optional>

#include "common/net.hpp"

namespace roster::wrapper {
namespace {

using asio::ip::address;

std::optional<address> parse_ip(std::string_view text) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return a;
}

bool usable_v6(const address& a) { return a.is_v6() && !a.to_v6().is_link_local(); }

// The address's bytes (4 or 16) for prefix comparison.
std::vector<unsigned char> bytes_of(const address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    return {b.begin(), b.end()};
  }
  const auto b = a.to_v6().to_bytes();
  return {b.begin(), b.end()};
}

bool in_network(const address& a, const address& net, unsigned prefix) {
  if (a.is_v4() != net.is_v4()) return false;
  const auto x = bytes_of(a), y = bytes_of(net);
  for (unsigned bit = 0; bit < prefix; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) return false;
  }
  return true;
}

Result<ChosenAddress> choose_from_network(std::string_view spec, const std::vector<InterfaceAddress>& interfaces) {
  const auto slash = spec.find('/');
  const auto net = parse_ip(spec.substr(0, slash));
  unsigned prefix = 0;
  const auto bits = spec.substr(slash + 1);
  auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (!net || bits.empty() || ec != std::errc() || p != bits.data() + bits.size() ||
      prefix > (net->is_v4() ? 32u : 128u))
    return invalid("--address " + std::string(spec) + ": not a network (ADDRESS/PREFIX)");
  // Loopback only if the network asks for it (127.0.0.0/8, ::1/128).
  const bool want_loopback = net->is_loopback() && prefix >= (net->is_v4() ? 8u : 128u);
  for (const auto& i : interfaces) {
    const address& a = i.address;
    if ((a.is_v6() && !usable_v6(a)) || (a.is_loopback() && !want_loopback)) continue;
    if (in_network(a, *net, prefix)) return ChosenAddress{a.to_string(), "network " + std::string(spec) + " (" + i.interface + ")"};
  }
  return invalid("--address " + std::string(spec) + ": no interface has a non-loopback address in that network");
}

}  // namespace

Result<ChosenAddress> choose_address(std::string_view spec, const std::vector<InterfaceAddress>& interfaces) {
  if (spec.empty()) return invalid("--address must not be empty");
  if (const auto ip = parse_ip(spec)) {
    if (ip->is_unspecified())
      return invalid("--address " + std::string(spec) + ": a wildcard address cannot be advertised");
    return ChosenAddress{ip->to_string(), "given"};
  }
  if (spec.find('/') != std::string_view::npos) return choose_from_network(spec, interfaces);

  bool known = false, loopback_only = false;
  std::optional<address> v4, v6;
  for (const auto& i : interfaces) {
    if (i.interface != spec) continue;
    known = true;
    const address& a = i.address;
    if (a.is_loopback()) {
      loopback_only = true;
      continue;
    }
    if (a.is_v4() && !v4) v4 = a;
    if (usable_v6(a) && !v6) v6 = a;
  }
  const auto chosen = v4 ? v4 : v6;
  if (chosen) return ChosenAddress{chosen->to_string(), "interface " + std::string(spec)};
  if (!known) return invalid("--address " + std::string(spec) + ": neither an IP address nor an interface with an address");
  if (loopback_only)
    return invalid("--address " + std::string(spec) +
                   ": the interface has only loopback addresses; give the IP (e.g. --address 127.0.0.1) to advertise "
                   "loopback on purpose");
  return invalid("--address " + std::string(spec) + ": the interface has no IPv4 or global IPv6 address");
}

}  // namespace roster::wrapper
