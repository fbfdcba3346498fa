#include "agent/reload_plan.hpp"

namespace roster::agent {
namespace {

bool same_checks(const std::vector<registry::CheckDefinition>& a, const std::vector<registry::CheckDefinition>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.id != y.id || x.name != y.name || x.notes != y.notes || x.service_id != y.service_id ||
        x.status != y.status || x.kind != y.kind || x.kinds_named != y.kinds_named || x.ttl != y.ttl)
      return false;
  }
  return true;
}

bool same_dns(const dns::DnsConfig& a, const dns::DnsConfig& b) {
  return a.alt_domain == b.alt_domain && a.node_ttl == b.node_ttl && a.udp_answer_limit == b.udp_answer_limit &&
         a.a_record_limit == b.a_record_limit && a.enable_truncate == b.enable_truncate &&
         a.only_passing == b.only_passing && a.enable_additional_node_meta_txt == b.enable_additional_node_meta_txt &&
         a.disable_compression == b.disable_compression && a.soa.refresh == b.soa.refresh &&
         a.soa.retry == b.soa.retry && a.soa.expire == b.soa.expire && a.soa.min_ttl == b.soa.min_ttl &&
         a.recursors.addresses == b.recursors.addresses && a.recursors.timeout == b.recursors.timeout &&
         a.recursors.strategy == b.recursors.strategy && a.threads == b.threads;
}

}  // namespace

ConfigServices config_services(const AgentConfig& config) {
  ConfigServices out;
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    ConfigService s{config.services[i], i < config.service_sources.size() ? config.service_sources[i] : ""};
    s.reg.replace_existing_checks = true;
    const std::string id = s.reg.service.id.empty() ? s.reg.service.name : s.reg.service.id;
    out.insert_or_assign(id, std::move(s));
  }
  return out;
}

bool same_definition(const ConfigService& a, const ConfigService& b) {
  if (!a.source.empty() && !b.source.empty() && a.source != b.source) return false;
  return a.reg.service.same_definition(b.reg.service) && same_checks(a.reg.checks, b.reg.checks);
}

registry::ScriptChecks script_checks(const AgentConfig& config) {
  return {config.enable_script_checks, config.enable_script_checks || config.enable_local_script_checks};
}

Status validate_services(const ConfigServices& services, registry::ScriptChecks scripts) {
  for (const auto& [id, s] : services) {
    Status st = registry::validate(s.reg);
    for (const auto& check : s.reg.checks)
      if (st) st = registry::script_check_allowed(check, scripts, true);
    if (!st) return invalid("service \"" + id + "\": " + st.error().message);
  }
  return ok();
}

ReloadPlan plan_reload(const ConfigServices& before, const ConfigServices& after) {
  ReloadPlan plan;
  for (const auto& [id, s] : after) {
    const auto old = before.find(id);
    if (old == before.end()) plan.add.push_back(s.reg);
    else if (!same_definition(old->second, s)) plan.replace.push_back(s.reg);
    else plan.keep.push_back(s.reg);
  }
  for (const auto& [id, s] : before)
    if (!after.count(id)) plan.remove.push_back(id);
  return plan;
}

std::vector<std::string> restart_needed(const AgentConfig& a, const AgentConfig& b) {
  std::vector<std::string> keys;
  const auto differs = [&keys](bool changed, const char* key) {
    if (changed) keys.emplace_back(key);
  };
  differs(a.node_name != b.node_name, "node_name");
  differs(a.datacenter != b.datacenter, "datacenter");
  differs(a.domain != b.domain, "domain");
  differs(a.client_addr != b.client_addr, "client_addr");
  differs(a.bind_addr != b.bind_addr, "bind_addr");
  differs(a.advertise_addr != b.advertise_addr, "advertise_addr");
  differs(a.http_port != b.http_port, "ports.http");
  differs(a.dns_port != b.dns_port, "ports.dns");
  differs(a.data_dir != b.data_dir, "data_dir");
  differs(a.enable_script_checks != b.enable_script_checks, "enable_script_checks");
  differs(a.enable_local_script_checks != b.enable_local_script_checks, "enable_local_script_checks");
  differs(a.http_max_conns_per_client != b.http_max_conns_per_client, "limits.http_max_conns_per_client");
  differs(!same_dns(a.dns, b.dns), "dns_config/recursors/alt_domain/dns_threads");
  return keys;
}

}  // namespace roster::agent
