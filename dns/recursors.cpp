#include "dns/recursors.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace roster::dns {

Result<Upstream> parse_recursor(std::string_view text) {
  const auto bad = [&] {
    return invalid("invalid recursor address \"" + std::string(text) + "\" (want ip or ip:port)");
  };
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {  // [v6] or [v6]:port
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad();
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad();
      port = rest.substr(1);
    }
  } else if (text.find(':') == text.rfind(':') && text.find(':') != std::string_view::npos) {
    host = text.substr(0, text.find(':'));  // one colon: ipv4:port
    port = text.substr(text.find(':') + 1);
  }
  boost::system::error_code ec;
  Upstream u;
  u.address = asio::ip::make_address(std::string(host), ec);
  if (ec) return bad();
  if (!port.empty() || (text.size() > host.size() && port.empty() && text.back() == ':')) {
    unsigned value = 0;
    const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (err != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) return bad();
    u.port = static_cast<std::uint16_t>(value);
  }
  return u;
}

Result<std::vector<Upstream>> parse_recursors(const std::vector<std::string>& texts) {
  std::vector<Upstream> out;
  for (const auto& t : texts) {
    auto u = parse_recursor(t);
    if (!u) return u.error();
    out.push_back(*u);
  }
  return out;
}

bool points_at_listener(const Upstream& r, const asio::ip::address& listen, std::uint16_t port,
                        const std::vector<asio::ip::address>& host) {
  if (r.port != port) return false;
  if (r.address == listen || r.address.is_unspecified() || r.address.is_loopback()) return true;
  return listen.is_unspecified() && std::find(host.begin(), host.end(), r.address) != host.end();
}

}  // namespace roster::dns
