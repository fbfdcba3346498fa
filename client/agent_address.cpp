#include "client/agent_address.hpp"

#include <charconv>

namespace roster::client {

Result<std::uint16_t> parse_port(std::string_view what, std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || p != end || value > 65535)
    return invalid(std::string(what) + ": invalid port: '" + std::string(text) + "'");
  return static_cast<std::uint16_t>(value);
}

Result<AgentEndpoint> parse_agent_address(const std::string& text, bool allow_scheme) {
  std::string_view rest = text;
  if (allow_scheme) {
    if (rest.starts_with("http://")) rest.remove_prefix(7);
    else if (rest.find("://") != std::string_view::npos)
      return invalid("unsupported address scheme in '" + text + "' (only http:// is supported)");
    while (rest.ends_with('/')) rest.remove_suffix(1);
  }
  AgentEndpoint ep;
  std::string_view port_text;
  if (rest.starts_with('[')) {  // [v6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return invalid("hostname should be hostname or hostname:port");
    ep.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return invalid("hostname should be hostname or hostname:port");
      port_text = rest.substr(1);
      if (port_text.empty()) return invalid("hostname should be hostname or hostname:port");
    }
  } else if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    ep.host = std::string(rest.substr(0, colon));
    port_text = rest.substr(colon + 1);
    if (port_text.empty() || port_text.find(':') != std::string_view::npos)
      return invalid("hostname should be hostname or hostname:port");
  } else {
    ep.host = std::string(rest);
  }
  if (ep.host.empty()) return invalid("hostname should be hostname or hostname:port");
  if (!port_text.empty()) {
    auto port = parse_port("address '" + text + "'", port_text);
    if (!port) return port.error();
    if (*port == 0) return invalid("address '" + text + "': invalid port: '0'");
    ep.port = *port;
  }
  return ep;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == ':' || c == '@';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace roster::client
