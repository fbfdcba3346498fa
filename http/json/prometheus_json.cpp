#include "http/json/prometheus_json.hpp"

#include <algorithm>
#include <cctype>

#include "http/filter/records.hpp"

namespace roster::http::json {
namespace {

constexpr const char* kPrefix = "__meta_consul_";

// Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes '_'.
std::string sanitize(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return out;
}

}  // namespace

std::string prometheus_target(const registry::Instance& inst) {
  const std::string& host = inst.service->address.empty() ? inst.node->node.address : inst.service->address;
  const std::string port = std::to_string(inst.service->port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

Labels prometheus_labels(const registry::Instance& inst, const std::string& datacenter) {
  const registry::Node& n = inst.node->node;
  const registry::Service& s = *inst.service;
  std::string tags = ",";
  for (const auto& t : s.tags) tags += t + ",";
  if (s.tags.empty()) tags = ",,";
  Labels out = {
      {"address", n.address},
      {"dc", datacenter},
      {"health", std::string(registry::aggregated_status(inst.checks))},
      {"node", n.name},
      {"service", s.name},
      {"service_address", s.address},
      {"service_id", s.id},
      {"service_port", std::to_string(s.port)},
      {"tags", tags},
  };
  for (const auto& [k, v] : n.meta) out.emplace_back("metadata_" + sanitize(k), v);
  for (const auto& [k, v] : s.meta) out.emplace_back("service_metadata_" + sanitize(k), v);
  for (const auto& [k, v] : filter::node_tagged_addresses(n)) out.emplace_back("tagged_address_" + sanitize(k), v);
  for (auto& [k, v] : out) k = kPrefix + k;
  std::sort(out.begin(), out.end());
  return out;
}

void write_target_group(JsonOut& w, const registry::Instance& inst, const std::string& datacenter) {
  w.StartObject();
  w.Key("targets");
  w.StartArray();
  w.String(prometheus_target(inst).c_str());
  w.EndArray();
  w.Key("labels");
  w.StartObject();
  for (const auto& [k, v] : prometheus_labels(inst, datacenter)) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  w.EndObject();
}

}  // namespace roster::http::json
