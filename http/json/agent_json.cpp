#include "http/json/agent_json.hpp"

#include <cstdint>
#include <cstdio>

namespace roster::http::json {

void write_member(JsonOut& w, const AgentInfo& info) {
  w.StartObject();
  w.Key("Name"); w.String(info.node_name.c_str());
  w.Key("Addr"); w.String(info.address.c_str());
  w.Key("Port"); w.Int(8301);
  w.Key("Tags");
  w.StartObject();
  w.Key("dc"); w.String(info.datacenter.c_str());
  w.Key("role"); w.String("node");
  w.Key("id"); w.String(info.node_id.c_str());
  w.Key("build"); w.String((info.version + ":" + info.revision).c_str());
  w.Key("vsn"); w.String("2");
  w.Key("vsn_min"); w.String("2");
  w.Key("vsn_max"); w.String("3");
  w.Key("segment"); w.String("");
  w.EndObject();
  w.Key("Status"); w.Int(1);
  // Serf's protocol ranges, as a Consul agent reports them.
  constexpr std::pair<const char*, int> kProtocols[] = {
      {"ProtocolMin", 1}, {"ProtocolMax", 5}, {"ProtocolCur", 2},
      {"DelegateMin", 2}, {"DelegateMax", 5}, {"DelegateCur", 4}};
  for (const auto& [k, v] : kProtocols) {
    w.Key(k);
    w.Int(v);
  }
  w.EndObject();
}

void write_agent_health(JsonOut& w, std::string_view aggregated, const registry::Service& s,
                        const std::vector<const registry::Check*>& checks, const std::string& node,
                        const std::string& datacenter) {
  w.StartObject();
  w.Key("AggregatedStatus");
  w.String(aggregated.data(), static_cast<rapidjson::SizeType>(aggregated.size()));
  w.Key("Service");
  write_agent_service(w, s, datacenter);
  w.Key("Checks");
  w.StartArray();
  for (const auto* c : checks) write_check(w, *c, node);
  w.EndArray();
  w.EndObject();
}

std::string content_hash(const registry::Service& s, const std::string& datacenter) {
  const std::string text = to_json([&](JsonOut& w) { write_agent_service(w, s, datacenter); }, false);
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bits
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

}  // namespace roster::http::json
