#pragma once
// DNS settings, with Consul's defaults (docs consul-compat.md §0) except
// enable_truncate, which Roster turns on. Filled from `dns_config`, `domain`,
// `alt_domain`, `recursors` and `dns_threads` (agent/config_file.cpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dns/service_ttl.hpp"

namespace roster::dns {

struct SoaConfig {
  std::uint32_t refresh = 3600;
  std::uint32_t retry = 600;
  std::uint32_t expire = 86400;
  std::uint32_t min_ttl = 0;  // SOA MINIMUM and the SOA record's own TTL
};

enum class RecursorStrategy { Sequential, Random };

struct RecursorConfig {
  // Upstream servers: "ip", "ip:port", "[v6]:port" (port 53 when absent).
  std::vector<std::string> addresses;
  std::chrono::milliseconds timeout{2000};  // per upstream
  RecursorStrategy strategy = RecursorStrategy::Sequential;
};

struct DnsConfig {
  // The zone we are authoritative for. Matched case-insensitively; a missing
  // trailing dot is added. Must not be the root.
  std::string domain = "consul.";
  // A second zone served the same way (empty: none). Answers are written in
  // whichever domain the question used.
  std::string alt_domain;
  std::string datacenter = "dc1";
  std::uint32_t node_ttl = 0;  // node, .addr, NS and glue records (seconds)
  ServiceTtl service_ttl;      // every record of a .service answer
  // Without EDNS (max payload 512) a UDP reply carries at most
  // min(udp_answer_limit, 8) answers; 0 means no count limit.
  std::uint32_t udp_answer_limit = 3;
  // A/AAAA service answers stop after this many instances (0 = unlimited).
  std::uint32_t a_record_limit = 0;
  // Set TC whenever answers are dropped to fit the client's payload size.
  // Roster's deliberate fix; false restores Consul's silent truncation.
  bool enable_truncate = true;
  // Leave out instances with a warning check too, not only critical ones.
  bool only_passing = false;
  // Node meta as TXT in ADDITIONAL of SRV and node A/AAAA answers.
  bool enable_additional_node_meta_txt = true;
  // Write every name in full (no compression pointers).
  bool disable_compression = false;
  SoaConfig soa;
  // Names outside domain/alt_domain go to these; RA is set on every reply
  // iff at least one is configured.
  RecursorConfig recursors;
  // UDP sockets (SO_REUSEPORT) and I/O threads serving DNS; 0 = one per core.
  std::uint32_t threads = 0;
  // The agent itself is the only name server: its node name (NS target
  // `<ns_node>.node.<dc>.<domain>.`) and its IP (the glue record).
  std::string ns_node;
  std::string ns_address;
};

}  // namespace roster::dns
