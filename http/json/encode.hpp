#pragma once
// Encoding registry values as Consul's JSON, field by field (consul-compat.md
// §2.6–§2.8). Every response body goes through these writers.
#include <functional>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "registry/catalog.hpp"

namespace roster::http::json {

using JsonOut = rapidjson::Writer<rapidjson::StringBuffer>;

// AgentService: the values of GET /v1/agent/services; with `content_hash`
// (GET /v1/agent/service/<id>) it ends with "ContentHash".
void write_agent_service(JsonOut& w, const registry::Service& s, const std::string& datacenter,
                         const std::string* content_hash = nullptr);
// The `Service` object inside health entries and catalog/node/<n>.
void write_node_service(JsonOut& w, const registry::Service& s);
// HealthCheck: agent/checks values and health endpoint items.
void write_check(JsonOut& w, const registry::Check& c, const std::string& node);
// Node: catalog/nodes items and the `Node` of health entries.
void write_node(JsonOut& w, const registry::Node& n);
// CatalogService: one flattened item of GET /v1/catalog/service/<name>.
void write_catalog_service(JsonOut& w, const registry::Instance& inst);
// ServiceEntry: one item of GET /v1/health/service/<name>.
void write_health_entry(JsonOut& w, const registry::Instance& inst);

// Runs `body` on a fresh writer and returns the JSON text; indented when `pretty`.
std::string to_json(const std::function<void(JsonOut&)>& body, bool pretty);

}  // namespace roster::http::json
