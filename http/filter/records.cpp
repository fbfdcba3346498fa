#include "http/filter/records.hpp"

namespace roster::http::filter {
namespace {

using K = Kind;

Value str(std::string_view s) {
  Value v;
  v.text = s;
  return v;
}
Value num(std::int64_t n) {
  Value v;
  v.number = n;
  return v;
}
Value flag(bool b) {
  Value v;
  v.flag = b;
  return v;
}
Value list(const std::vector<std::string>& l) {
  Value v;
  v.list.assign(l.begin(), l.end());
  return v;
}
Value map(const std::map<std::string, std::string>& m) {
  Value v;
  v.map = &m;
  return v;
}

// Service fields shared by the agent-service and service-entry shapes, in schema order.
Value service_field(const registry::Service& s, std::size_t f) {
  switch (f) {
    case 0: return str(s.id);
    case 1: return str(s.name);
    case 2: return list(s.tags);
    case 3: return map(s.meta);
    case 4: return num(s.port);
    case 5: return str(s.address);
    case 6: return flag(s.enable_tag_override);
    case 7: return str("");  // Kind: only typical services here
    case 8: return num(s.weights.passing);
    case 9: return num(s.weights.warning);
  }
  return {};
}
Schema service_fields(const std::string& prefix) {
  return {{prefix + "ID", K::String},       {prefix + "Service", K::String},
          {prefix + "Tags", K::StringList}, {prefix + "Meta", K::StringMap},
          {prefix + "Port", K::Number},     {prefix + "Address", K::String},
          {prefix + "EnableTagOverride", K::Bool}, {prefix + "Kind", K::String},
          {prefix + "Weights.Passing", K::Number}, {prefix + "Weights.Warning", K::Number}};
}
constexpr std::size_t kServiceFields = 10;

Value node_field(const registry::Node& n, const std::map<std::string, std::string>& tagged, std::size_t f) {
  switch (f) {
    case 0: return str(n.id);
    case 1: return str(n.name);
    case 2: return str(n.address);
    case 3: return str(n.datacenter);
    case 4: return map(n.meta);
    case 5: return map(tagged);
  }
  return {};
}
Schema node_fields(const std::string& prefix) {
  return {{prefix + "ID", K::String},      {prefix + "Node", K::String},
          {prefix + "Address", K::String}, {prefix + "Datacenter", K::String},
          {prefix + "Meta", K::StringMap}, {prefix + "TaggedAddresses", K::StringMap}};
}
constexpr std::size_t kNodeFields = 6;

Value check_field(const registry::Check& c, const std::string& node, std::size_t f) {
  switch (f) {
    case 0: return str(node);
    case 1: return str(c.id);
    case 2: return str(c.name);
    case 3: return str(registry::to_string(c.status));
    case 4: return str(c.notes);
    case 5: return str(c.output);
    case 6: return str(c.service_id);
    case 7: return str(c.service_name);
    case 8: return list(c.service_tags);
    case 9: return str(registry::to_string(c.type));
  }
  return {};
}
Schema check_fields(const std::string& prefix, Kind scalar, Kind tags) {
  return {{prefix + "Node", scalar},      {prefix + "CheckID", scalar},   {prefix + "Name", scalar},
          {prefix + "Status", scalar},    {prefix + "Notes", scalar},     {prefix + "Output", scalar},
          {prefix + "ServiceID", scalar}, {prefix + "ServiceName", scalar},
          {prefix + "ServiceTags", tags}, {prefix + "Type", scalar}};
}

Schema concat(std::initializer_list<Schema> parts) {
  Schema out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

std::map<std::string, std::string> node_tagged_addresses(const registry::Node& n) {
  const bool v6 = n.address.find(':') != std::string::npos;
  return {{"lan", n.address}, {v6 ? "lan_ipv6" : "lan_ipv4", n.address},
          {"wan", n.address}, {v6 ? "wan_ipv6" : "wan_ipv4", n.address}};
}

const Schema& agent_service_schema() {
  static const Schema s = concat({service_fields(""), {{"Datacenter", K::String}}});
  return s;
}
const Schema& node_schema() {
  static const Schema s = node_fields("");
  return s;
}
const Schema& catalog_service_schema() {
  static const Schema s = {{"ID", K::String},          {"Node", K::String},
                           {"Address", K::String},     {"Datacenter", K::String},
                           {"NodeMeta", K::StringMap}, {"ServiceID", K::String},
                           {"ServiceName", K::String}, {"ServiceTags", K::StringList},
                           {"ServiceAddress", K::String}, {"ServiceMeta", K::StringMap},
                           {"ServicePort", K::Number}, {"ServiceEnableTagOverride", K::Bool},
                           {"ServiceKind", K::String}};
  return s;
}
const Schema& service_entry_schema() {
  // go-bexpr reads Checks.ServiceTags as a list of lists; here it is every tag of every check.
  static const Schema s = concat({node_fields("Node."), service_fields("Service."),
                                  check_fields("Checks.", K::EachOf, K::EachOf)});
  return s;
}
const Schema& check_schema() {
  static const Schema s = check_fields("", K::String, K::StringList);
  return s;
}

Value ServiceRecord::get(std::size_t f) const {
  return f < kServiceFields ? service_field(s_, f) : str(dc_);
}

NodeRecordView::NodeRecordView(const registry::Node& n) : n_(n), tagged_(node_tagged_addresses(n)) {}
Value NodeRecordView::get(std::size_t f) const { return node_field(n_, tagged_, f); }

Value CatalogServiceRecord::get(std::size_t f) const {
  const registry::Node& n = i_.node->node;
  const registry::Service& s = *i_.service;
  switch (f) {
    case 0: return str(n.id);
    case 1: return str(n.name);
    case 2: return str(n.address);
    case 3: return str(n.datacenter);
    case 4: return map(n.meta);
    case 5: return str(s.id);
    case 6: return str(s.name);
    case 7: return list(s.tags);
    case 8: return str(s.address);
    case 9: return map(s.meta);
    case 10: return num(s.port);
    case 11: return flag(s.enable_tag_override);
    case 12: return str("");
  }
  return {};
}

ServiceEntryRecord::ServiceEntryRecord(const registry::Instance& i)
    : i_(i), tagged_(node_tagged_addresses(i.node->node)) {}

Value ServiceEntryRecord::get(std::size_t f) const {
  if (f < kNodeFields) return node_field(i_.node->node, tagged_, f);
  f -= kNodeFields;
  if (f < kServiceFields) return service_field(*i_.service, f);
  f -= kServiceFields;
  Value v;
  for (const registry::Check* c : i_.checks) {
    Value one = check_field(*c, i_.node->node.name, f);
    if (f == 8) v.list.insert(v.list.end(), one.list.begin(), one.list.end());  // ServiceTags
    else v.list.push_back(one.text);
  }
  return v;
}

Value CheckRecord::get(std::size_t f) const { return check_field(c_, node_, f); }

}  // namespace roster::http::filter
