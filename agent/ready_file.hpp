#pragma once
// The ready file: written once every listener is bound, holding the real
// ports, so tests and scripts wait on a fact instead of sleeping.
#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace roster::agent {

struct ReadyInfo {
  std::string node;
  std::string client_addr;
  std::uint16_t http_port = 0;
  std::uint16_t dns_port = 0;  // UDP and TCP
  std::uint16_t serf_lan_port = 0;  // gossip, UDP and TCP
};

// Writes `path` atomically (temp file + rename): readers never see half of it.
Status write_ready_file(const std::string& path, const ReadyInfo& info);

}  // namespace roster::agent
