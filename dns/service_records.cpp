#include "dns/service_records.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "dns/wire/ldns.hpp"

#include "common/strings.hpp"
#include "dns/names.hpp"
#include "dns/wire/ip.hpp"
#include "dns/wire/records.hpp"

namespace roster::dns {
namespace {

using wire::IpAddress;
using wire::Labels;

// Where an instance is reached (§1.5): the node's name when the service has
// no address of its own, `<hex>.addr` when it has an IP, or a hostname.
struct Endpoint {
  enum class Form { Node, Addr, Host } form = Form::Node;
  std::optional<IpAddress> ip;  // Node and Addr forms, when the address is an IP
  std::string host;             // Host form
};

Endpoint endpoint_of(const registry::Instance& inst, const Labels& qname) {
  const std::string& svc_addr = inst.service->address;
  const std::string& node_addr = inst.node->node.address;
  if (!svc_addr.empty()) {
    if (auto ip = wire::parse_ip(svc_addr)) return {Endpoint::Form::Addr, ip, {}};
    // A hostname equal to the question name counts as "no address".
    const std::string_view host = svc_addr.back() == '.'
                                      ? std::string_view(svc_addr).substr(0, svc_addr.size() - 1)
                                      : std::string_view(svc_addr);
    if (!iequals(host, wire::join_labels(qname))) return {Endpoint::Form::Host, {}, svc_addr};
  }
  if (auto ip = wire::parse_ip(node_addr)) return {Endpoint::Form::Node, ip, {}};
  return {Endpoint::Form::Host, {}, node_addr};
}

bool wants(std::uint16_t qtype, const IpAddress& ip) {
  if (qtype == LDNS_RR_TYPE_ANY) return true;
  return ip.family == IpAddress::Family::V4 ? qtype == LDNS_RR_TYPE_A : qtype == LDNS_RR_TYPE_AAAA;
}

std::uint16_t clamp16(int v) { return static_cast<std::uint16_t>(std::clamp(v, 0, 65535)); }

void add_addresses(const ServiceQuestion& q, const std::vector<registry::Instance>& instances,
                   Sections& out) {
  std::vector<IpAddress> seen;
  std::size_t produced = 0;
  std::string first_host;
  for (const auto& inst : instances) {
    if (q.config.a_record_limit != 0 && produced >= q.config.a_record_limit) break;
    const Endpoint ep = endpoint_of(inst, q.qname);
    if (!ep.ip) {
      if (first_host.empty()) first_host = ep.host;
      continue;
    }
    if (!wants(q.qtype, *ep.ip)) continue;
    if (std::find(seen.begin(), seen.end(), *ep.ip) != seen.end()) continue;
    auto rr = wire::make_address(q.qname, q.ttl, *ep.ip);
    if (!rr) continue;
    seen.push_back(*ep.ip);
    out.answer.push_back(std::move(rr));
    ++produced;
  }
  // Only hostnames: one CNAME, to the first of them (§1.5).
  if (seen.empty() && !first_host.empty())
    if (auto rr = wire::make_name_record(LDNS_RR_TYPE_CNAME, q.qname, q.ttl, wire::split_name(first_host)))
      out.answer.push_back(std::move(rr));
}

void add_srv(const ServiceQuestion& q, const std::vector<registry::Instance>& instances,
             Sections& out) {
  const DnsConfig& cfg = q.config;
  std::set<std::string> seen_instances;  // node:address:port
  std::set<Labels> seen_targets;
  std::set<std::string> seen_meta;  // node names whose meta TXT is present
  for (const auto& inst : instances) {
    const auto& node = inst.node->node;
    const auto& svc = *inst.service;
    if (!seen_instances.insert(node.name + ":" + svc.address + ":" + std::to_string(svc.port)).second)
      continue;
    const Endpoint ep = endpoint_of(inst, q.qname);
    Labels target;
    switch (ep.form) {
      case Endpoint::Form::Node: target = node_fqdn(node.name, cfg.datacenter, q.zone); break;
      case Endpoint::Form::Addr: target = addr_fqdn(*ep.ip, cfg.datacenter, q.zone); break;
      case Endpoint::Form::Host: target = wire::split_name(ep.host); break;
    }
    const int weight = inst.health == registry::HealthStatus::Passing ? svc.weights.passing
                                                                      : svc.weights.warning;
    auto srv = wire::make_srv(q.qname, q.ttl, 1, clamp16(weight), clamp16(svc.port), target);
    if (!srv) continue;
    const int anchor = static_cast<int>(out.answer.size());
    out.answer.push_back(std::move(srv));

    if (ep.ip && seen_targets.insert(target).second) {
      if (auto a = wire::make_address(target, q.ttl, *ep.ip))
        out.additional.push_back({std::move(a), anchor, true});
    }
    if (cfg.enable_additional_node_meta_txt && !node.meta.empty() &&
        seen_meta.insert(to_lower(node.name)).second) {
      const Labels owner = node_fqdn(node.name, cfg.datacenter, q.zone);
      for (const auto& text : meta_txt(node.meta))
        if (auto txt = wire::make_txt(owner, q.ttl, text))
          out.additional.push_back({std::move(txt), anchor, false});
    }
  }
}

}  // namespace

void add_service_records(const ServiceQuestion& q, const std::vector<registry::Instance>& instances,
                         Sections& out) {
  if (q.qtype == LDNS_RR_TYPE_SRV) add_srv(q, instances, out);
  else add_addresses(q, instances, out);
}

}  // namespace roster::dns
