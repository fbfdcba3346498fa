#pragma once
// Prometheus http_sd target groups with consul_sd's labels, so relabel rules
// written for `consul_sd_configs` carry over unchanged (Prometheus 2.42
// discovery/consul/consul.go): one group per instance.
#include <string>
#include <utility>
#include <vector>

#include "http/json/encode.hpp"

namespace roster::http::json {

using Labels = std::vector<std::pair<std::string, std::string>>;

// `address:port`: the service address, else the node's; IPv6 in brackets (Go's JoinHostPort).
std::string prometheus_target(const registry::Instance& inst);
// __meta_consul_{node,address,dc,service,service_id,service_address,service_port,
// tags (",a,b," — always wrapped, ",," when none),health,metadata_<k> (node meta),
// service_metadata_<k>,tagged_address_<k>}, sorted by name; keys sanitised as
// Prometheus label names ([a-zA-Z0-9_], others become `_`).
Labels prometheus_labels(const registry::Instance& inst, const std::string& datacenter);
// {"targets": [target], "labels": {...}}
void write_target_group(JsonOut& w, const registry::Instance& inst, const std::string& datacenter);

}  // namespace roster::http::json
