#pragma once
// --address: which address the service is advertised with. The choice is a
// pure function of the option and the host's interface addresses
// (list_interface_addresses(), common/interfaces.hpp, is the I/O).
//
//   --address 10.0.0.5      that IP, as given (loopback too: it was asked for)
//   --address eth0          the interface's first IPv4 address, else its first
//                           global IPv6 one; refused if that is loopback
//   --address 10.0.0.0/8    the first interface address inside the network;
//                           loopback only when the network itself is loopback
#include <string>
#include <string_view>
#include <vector>

#include "common/interfaces.hpp"
#include "common/result.hpp"

namespace roster::wrapper {

struct ChosenAddress {
  std::string ip;
  std::string source;  // "given", "interface eth0", "network 10.0.0.0/8 (eth0)"
};

// Errors (Invalid) explain what was wrong: an unspecified IP (0.0.0.0, ::),
// an unknown interface, an interface with only loopback or link-local
// addresses, a network no interface is in.
Result<ChosenAddress> choose_address(std::string_view spec, const std::vector<InterfaceAddress>& interfaces);

}  // namespace roster::wrapper
