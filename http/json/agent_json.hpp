#pragma once
// Agent-only shapes: the member object, the local-health entry, and the
// content hash of /v1/agent/service/<id>.
#include <string>
#include <string_view>
#include <vector>

#include "http/api_context.hpp"
#include "http/json/encode.hpp"

namespace roster::http::json {

// One item of GET /v1/agent/members (also `Member` in /v1/agent/self): Serf's
// shape, Status 1 (alive), Tags as `consul members` reads them.
void write_member(JsonOut& w, const AgentInfo& info);

// {AggregatedStatus, Service, Checks} of /v1/agent/health/service/...
void write_agent_health(JsonOut& w, std::string_view aggregated, const registry::Service& s,
                        const std::vector<const registry::Check*>& checks, const std::string& node,
                        const std::string& datacenter);

// A hex digest of the service as /v1/agent/service/<id> shows it: equal
// definitions give equal hashes (X-Consul-ContentHash, ?hash= blocking).
std::string content_hash(const registry::Service& s, const std::string& datacenter);

}  // namespace roster::http::json
