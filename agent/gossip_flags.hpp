#pragma once
// The gossip flags and config-file keys of `roster agent` (gossip_settings.hpp),
// kept here so agent_flags.cpp and config_file.cpp only call in.
#include <boost/program_options.hpp>

#include "agent/agent_config.hpp"
#include "common/result.hpp"
#include "http/json/json_fields.hpp"

namespace roster::agent {

// Adds -serf-lan-port, -join, -retry-join, -retry-interval, -retry-max,
// -encrypt, -gossip-profile and the hidden test-only fault flags.
void add_gossip_flags(boost::program_options::options_description& d, AgentConfig& c);
// -gossip-fault-drop P and -gossip-fault-freeze-ms N: TEST-ONLY fault
// injection, parsed but never shown by -help.
void add_hidden_gossip_flags(boost::program_options::options_description& d, AgentConfig& c);
// ports.serf_lan is read with the other ports; this reads the rest.
Status apply_gossip_config(const http::json::Fields& f, AgentConfig& c);
Status validate_gossip(AgentConfig& c);

}  // namespace roster::agent
