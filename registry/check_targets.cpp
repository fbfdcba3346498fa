#include "registry/check_targets.hpp"

#include "common/strings.hpp"

namespace roster::registry {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Result<std::uint16_t> parse_port(std::string_view s) {
  if (!all_digits(s) || s.size() > 5) return invalid("bad port");
  const int p = std::stoi(std::string(s));
  if (p < 1 || p > 65535) return invalid("bad port");
  return static_cast<std::uint16_t>(p);
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':' || c == '%';
}

// Splits "host[:port]" / "[v6][:port]"; `port` is empty when absent.
bool split_authority(std::string_view a, std::string& host, std::string_view& port) {
  if (a.empty()) return false;
  if (a.front() == '[') {
    const auto close = a.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    host = std::string(a.substr(1, close - 1));
    const auto rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else {
    const auto colon = a.rfind(':');
    if (colon != std::string_view::npos && a.find(':') != colon) return false;  // bare IPv6
    host = std::string(a.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = a.substr(colon + 1);
      if (port.empty()) return false;
    }
  }
  if (host.empty()) return false;
  for (char c : host)
    if (!valid_host_char(c)) return false;
  return true;
}

}  // namespace

Result<HostPort> parse_host_port(std::string_view text) {
  const auto bad = [&] { return invalid("TCP must be host:port, not \"" + std::string(text) + "\""); };
  std::string host;
  std::string_view port;
  if (!split_authority(text, host, port) || port.empty()) return bad();
  const auto p = parse_port(port);
  if (!p) return bad();
  return HostPort{host, *p};
}

Result<CheckUrl> parse_check_url(std::string_view url) {
  const auto bad = [&](std::string_view why) {
    return invalid("HTTP must be an http:// or https:// URL with a host (" + std::string(why) + "), not \"" +
                   std::string(url) + "\"");
  };
  CheckUrl out;
  std::string_view rest;
  if (starts_with_icase(url, "http://")) rest = url.substr(7);
  else if (starts_with_icase(url, "https://")) {
    rest = url.substr(8);
    out.tls = true;
    out.port = 443;
  } else {
    return bad("unsupported scheme");
  }
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return bad("control character or space");
  const auto end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
  std::string_view port;
  if (!split_authority(authority, out.host, port)) return bad("bad host");
  if (!port.empty()) {
    const auto p = parse_port(port);
    if (!p) return bad("bad port");
    out.port = *p;
  }
  out.host_header = std::string(authority);
  if (end != std::string_view::npos) {
    std::string_view target = rest.substr(end);
    target = target.substr(0, target.find('#'));
    if (!target.empty() && target.front() == '?') out.target = "/" + std::string(target);
    else if (!target.empty()) out.target = std::string(target);
  }
  return out;
}

}  // namespace roster::registry
