#include "common/interfaces.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

namespace roster {

std::vector<InterfaceAddress> list_interface_addresses() {
  std::vector<InterfaceAddress> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  const std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> guard(list, ::freeifaddrs);
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin;
      std::memcpy(&sin, i->ifa_addr, sizeof sin);
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &sin.sin_addr, 4);
      out.push_back({i->ifa_name, asio::ip::address_v4(b)});
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, i->ifa_addr, sizeof sin6);
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &sin6.sin6_addr, 16);
      out.push_back({i->ifa_name, asio::ip::address_v6(b)});
    }
  }
  return out;
}

}  // namespace roster
