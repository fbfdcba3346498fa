#pragma once
// The host's interface addresses (getifaddrs): the I/O half of choices that
// depend on them (the wrapper's --address, the agent's advertised address,
// DNS's recursor loop check), whose logic stays pure over this list.
#include <string>
#include <vector>

#include "common/net.hpp"

namespace roster {

struct InterfaceAddress {
  std::string interface;  // "eth0"
  asio::ip::address address;
};

// The addresses of interfaces that are up, in getifaddrs order.
std::vector<InterfaceAddress> list_interface_addresses();

}  // namespace roster
