#pragma once
// Where an interval check points: the URL of an HTTP check and the host:port
// of a TCP check, parsed once. Pure; used to validate definitions (a bad
// target is refused at registration) and by the probes in checks/.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace roster::registry {

struct HostPort {
  std::string host;  // name or IP; IPv6 without brackets
  std::uint16_t port = 0;
};

// "host:port", "[v6]:port". The port must be 1..65535.
Result<HostPort> parse_host_port(std::string_view text);

struct CheckUrl {
  bool tls = false;         // https
  std::string host;         // IPv6 without brackets
  std::uint16_t port = 80;  // the scheme's default when absent
  std::string host_header;  // host[:port] as written in the URL
  std::string target = "/"; // path and query, sent as is
};

// http:// or https:// with a host; no fragment sent, no user info.
Result<CheckUrl> parse_check_url(std::string_view url);

}  // namespace roster::registry
