#include "http/json/encode.hpp"

#include <map>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>

#include "common/duration.hpp"

namespace roster::http::json {
namespace {

using registry::Check;
using registry::Node;
using registry::Service;

void key(JsonOut& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void str(JsonOut& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
void kv(JsonOut& w, std::string_view k, std::string_view v) { key(w, k); str(w, v); }
void kv_int(JsonOut& w, std::string_view k, std::int64_t v) { key(w, k); w.Int64(v); }
void kv_uint(JsonOut& w, std::string_view k, std::uint64_t v) { key(w, k); w.Uint64(v); }
void kv_bool(JsonOut& w, std::string_view k, bool v) { key(w, k); w.Bool(v); }

void string_list(JsonOut& w, std::string_view k, const std::vector<std::string>& list) {
  key(w, k);
  w.StartArray();
  for (const auto& s : list) str(w, s);
  w.EndArray();
}

void string_map(JsonOut& w, std::string_view k, const std::map<std::string, std::string>& m) {
  key(w, k);
  w.StartObject();
  for (const auto& [mk, mv] : m) kv(w, mk, mv);
  w.EndObject();
}

void weights(JsonOut& w, std::string_view k, const registry::Weights& wt) {
  key(w, k);
  w.StartObject();
  kv_int(w, "Passing", wt.passing);
  kv_int(w, "Warning", wt.warning);
  w.EndObject();
}

bool is_ipv6(const std::string& a) { return a.find(':') != std::string::npos; }

// The service's own tagged addresses, plus the lan_ipv4/wan_ipv4 (or _ipv6)
// ones Consul adds from its address where the registration gave none.
void service_tagged_addresses(JsonOut& w, std::string_view k, const Service& s) {
  std::map<std::string, registry::ServiceAddress> all = s.tagged_addresses;
  if (!s.address.empty()) {
    const char* fam = is_ipv6(s.address) ? "_ipv6" : "_ipv4";
    for (const char* scope : {"lan", "wan"}) all.try_emplace(std::string(scope) + fam, registry::ServiceAddress{s.address, s.port});
  }
  key(w, k);
  w.StartObject();
  for (const auto& [tag, a] : all) {
    key(w, tag);
    w.StartObject();
    kv(w, "Address", a.address);
    kv_int(w, "Port", a.port);
    w.EndObject();
  }
  w.EndObject();
}

// HealthCheckDefinition: what the check was registered with, empty fields left out.
void check_definition(JsonOut& w, const Check& c) {
  using registry::CheckType;
  const registry::CheckSpec& s = c.spec;
  w.StartObject();
  switch (c.type) {
    case CheckType::Ttl: kv(w, "TTL", format_duration(c.ttl)); break;
    case CheckType::Http:
      kv(w, "HTTP", s.http);
      if (!s.method.empty()) kv(w, "Method", s.method);
      if (!s.header.empty()) {
        key(w, "Header");
        w.StartObject();
        for (const auto& [k, values] : s.header) string_list(w, k, values);
        w.EndObject();
      }
      if (!s.body.empty()) kv(w, "Body", s.body);
      if (s.tls_skip_verify) kv_bool(w, "TLSSkipVerify", true);
      if (!s.tls_server_name.empty()) kv(w, "TLSServerName", s.tls_server_name);
      break;
    case CheckType::Tcp: kv(w, "TCP", s.tcp); break;
    case CheckType::Script: string_list(w, "ScriptArgs", s.args); break;
    default: break;
  }
  if (registry::is_interval_check(c.type)) {
    kv(w, "Interval", format_duration(s.interval));
    if (s.timeout > Duration::zero()) kv(w, "Timeout", format_duration(s.timeout));
    if (s.output_max_size != registry::kDefaultOutputMaxSize) kv_int(w, "OutputMaxSize", s.output_max_size);
  }
  if (s.deregister_critical_after > Duration::zero())
    kv(w, "DeregisterCriticalServiceAfter", format_duration(s.deregister_critical_after));
  w.EndObject();
}

}  // namespace

void write_agent_service(JsonOut& w, const Service& s, const std::string& datacenter,
                         const std::string* content_hash) {
  w.StartObject();
  kv(w, "ID", s.id);
  kv(w, "Service", s.name);
  string_list(w, "Tags", s.tags);
  string_map(w, "Meta", s.meta);
  kv_int(w, "Port", s.port);
  kv(w, "Address", s.address);
  if (!s.address.empty() || !s.tagged_addresses.empty()) service_tagged_addresses(w, "TaggedAddresses", s);
  weights(w, "Weights", s.weights);
  kv_bool(w, "EnableTagOverride", s.enable_tag_override);
  kv(w, "Datacenter", datacenter);
  if (content_hash) kv(w, "ContentHash", *content_hash);
  w.EndObject();
}

void write_node_service(JsonOut& w, const Service& s) {
  w.StartObject();
  kv(w, "ID", s.id);
  kv(w, "Service", s.name);
  string_list(w, "Tags", s.tags);
  kv(w, "Address", s.address);
  service_tagged_addresses(w, "TaggedAddresses", s);
  string_map(w, "Meta", s.meta);
  kv_int(w, "Port", s.port);
  weights(w, "Weights", s.weights);
  kv_bool(w, "EnableTagOverride", s.enable_tag_override);
  kv_uint(w, "CreateIndex", s.create_index);
  kv_uint(w, "ModifyIndex", s.modify_index);
  w.EndObject();
}

void write_check(JsonOut& w, const Check& c, const std::string& node) {
  w.StartObject();
  kv(w, "Node", node);
  kv(w, "CheckID", c.id);
  kv(w, "Name", c.name);
  kv(w, "Status", registry::to_string(c.status));
  kv(w, "Notes", c.notes);
  kv(w, "Output", c.output);
  kv(w, "ServiceID", c.service_id);
  kv(w, "ServiceName", c.service_name);
  string_list(w, "ServiceTags", c.service_tags);
  kv(w, "Type", registry::to_string(c.type));
  const bool runs = registry::is_interval_check(c.type);
  kv(w, "Interval", runs ? format_duration(c.spec.interval) : "");
  kv(w, "Timeout", runs ? format_duration(c.spec.effective_timeout()) : "");
  kv_int(w, "ExposedPort", 0);
  key(w, "Definition");
  check_definition(w, c);
  kv_uint(w, "CreateIndex", c.create_index);
  kv_uint(w, "ModifyIndex", c.modify_index);
  w.EndObject();
}

void write_node(JsonOut& w, const Node& n) {
  w.StartObject();
  kv(w, "ID", n.id);
  kv(w, "Node", n.name);
  kv(w, "Address", n.address);
  kv(w, "Datacenter", n.datacenter);
  key(w, "TaggedAddresses");
  w.StartObject();
  const bool v6 = is_ipv6(n.address);
  kv(w, "lan", n.address);
  kv(w, v6 ? "lan_ipv6" : "lan_ipv4", n.address);
  kv(w, "wan", n.address);
  kv(w, v6 ? "wan_ipv6" : "wan_ipv4", n.address);
  w.EndObject();
  string_map(w, "Meta", n.meta);
  kv_uint(w, "CreateIndex", n.create_index);
  kv_uint(w, "ModifyIndex", n.modify_index);
  w.EndObject();
}

void write_catalog_service(JsonOut& w, const registry::Instance& inst) {
  const Node& n = inst.node->node;
  const Service& s = *inst.service;
  w.StartObject();
  kv(w, "ID", n.id);
  kv(w, "Node", n.name);
  kv(w, "Address", n.address);
  kv(w, "Datacenter", n.datacenter);
  key(w, "TaggedAddresses");
  w.StartObject();
  kv(w, "lan", n.address);
  kv(w, "wan", n.address);
  w.EndObject();
  string_map(w, "NodeMeta", n.meta);
  kv(w, "ServiceKind", "");
  kv(w, "ServiceID", s.id);
  kv(w, "ServiceName", s.name);
  string_list(w, "ServiceTags", s.tags);
  kv(w, "ServiceAddress", s.address);
  service_tagged_addresses(w, "ServiceTaggedAddresses", s);
  weights(w, "ServiceWeights", s.weights);
  string_map(w, "ServiceMeta", s.meta);
  kv_int(w, "ServicePort", s.port);
  kv_bool(w, "ServiceEnableTagOverride", s.enable_tag_override);
  kv_uint(w, "CreateIndex", s.create_index);
  kv_uint(w, "ModifyIndex", s.modify_index);
  w.EndObject();
}

void write_health_entry(JsonOut& w, const registry::Instance& inst) {
  w.StartObject();
  key(w, "Node");
  write_node(w, inst.node->node);
  key(w, "Service");
  write_node_service(w, *inst.service);
  key(w, "Checks");
  w.StartArray();
  for (const Check* c : inst.checks) write_check(w, *c, inst.node->node.name);
  w.EndArray();
  w.EndObject();
}

std::string to_json(const std::function<void(JsonOut&)>& body, bool pretty) {
  rapidjson::StringBuffer buf;
  JsonOut w(buf);
  body(w);
  if (!pretty) return std::string(buf.GetString(), buf.GetSize());
  rapidjson::Document doc;
  doc.Parse(buf.GetString(), buf.GetSize());
  rapidjson::StringBuffer pbuf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pw(pbuf);
  pw.SetIndent(' ', 4);
  doc.Accept(pw);
  return std::string(pbuf.GetString(), pbuf.GetSize()) + "\n";
}

}  // namespace roster::http::json
