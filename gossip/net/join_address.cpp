#include "gossip/net/join_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace roster::gossip::net {
namespace {

Address from_sockaddr(const sockaddr* sa, std::uint16_t port) {
  Address a;
  a.port = port;
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    a.family = 6;
    std::memcpy(a.ip.data(), &in6->sin6_addr, 16);
  } else {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    a.family = 4;
    std::memcpy(a.ip.data(), &in->sin_addr, 4);
  }
  return a;
}

}  // namespace

Result<std::vector<Address>> resolve_join_address(std::string_view text, std::uint16_t default_port) {
  if (text.empty()) return invalid("empty join address");
  std::string host(text);
  std::uint16_t port = default_port;
  std::string port_text;
  if (host.front() == '[') {  // [v6] or [v6]:port
    const auto close = host.find(']');
    if (close == std::string::npos) return invalid("invalid join address \"" + std::string(text) + "\"");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return invalid("invalid join address \"" + std::string(text) + "\"");
      port_text = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string::npos && host.find(':', colon + 1) == std::string::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!port_text.empty() || (text.back() == ':')) {
    char* end = nullptr;
    const long p = std::strtol(port_text.c_str(), &end, 10);
    if (port_text.empty() || *end != '\0' || p <= 0 || p > 65535)
      return invalid("invalid port in join address \"" + std::string(text) + "\"");
    port = static_cast<std::uint16_t>(p);
  }
  if (host.empty()) return invalid("invalid join address \"" + std::string(text) + "\"");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list); rc != 0)
    return invalid("cannot resolve join address \"" + host + "\": " + gai_strerror(rc));
  std::vector<Address> out;
  for (addrinfo* a = list; a; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    Address addr = from_sockaddr(a->ai_addr, port);
    bool seen = false;
    for (const auto& o : out) seen = seen || o == addr;
    if (!seen) out.push_back(addr);
  }
  freeaddrinfo(list);
  if (out.empty()) return invalid("join address \"" + host + "\" has no IP address");
  return out;
}

}  // namespace roster::gossip::net
