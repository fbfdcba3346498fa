#pragma once
// AgentConfig: everything `roster agent` is told, from flags and config files,
// validated once before anything starts.
#include <cstdint>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "agent/gossip_settings.hpp"
#include "dns/dns_config.hpp"
#include "http/acl.hpp"
#include "registry/definitions.hpp"

namespace roster::agent {

struct AgentConfig {
  bool dev = false;
  std::string node_name;  // default: the machine's hostname
  std::string datacenter = "dc1";
  std::string domain = "consul.";
  std::string client_addr = "127.0.0.1";  // HTTP and DNS listen here
  std::string bind_addr;                  // gossip (later); also a node-address hint
  std::string advertise_addr;             // the node's address in the catalog
  int http_port = 8500;
  int dns_port = 8600;
  // limits { http_max_conns_per_client }: open HTTP connections per client IP (0 = no limit).
  int http_max_conns_per_client = 200;
  std::string data_dir;
  LogLevel log_level = LogLevel::Info;
  std::string ready_file;
  std::vector<std::string> config_files;
  std::vector<std::string> config_dirs;
  // dns_config, alt_domain, recursors and dns_threads (domain and datacenter
  // are the fields above; app.cpp copies them in).
  dns::DnsConfig dns;
  // Services defined in config files, registered at start.
  std::vector<registry::ServiceRegistration> services;
  // Script checks (docs/checks.md): enable_script_checks allows them from the
  // API and config files, enable_local_script_checks from config files only.
  bool enable_script_checks = false;
  bool enable_local_script_checks = false;
  // check_reap_interval: how often services past DeregisterCriticalServiceAfter go.
  Duration check_reap_interval = std::chrono::seconds(5);
  // services[i]'s definition as written (compact JSON): reload compares these
  // to find changed services whatever fields the definitions grow.
  std::vector<std::string> service_sources;
  // acl { enabled, default_policy, tokens { ... } } (http/acl.hpp).
  http::AclConfig acl;
  // Gossip: serf port, joins, encryption, profile (agent/gossip_settings.hpp).
  GossipSettings gossip;
  // The command line as given: reload reads the files again, then these on top.
  std::vector<std::string> flags;
};

}  // namespace roster::agent
