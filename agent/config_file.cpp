#include "agent/config_file.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent/gossip_flags.hpp"
#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"
#include "registry/definitions.hpp"

namespace roster::agent {
namespace fs = std::filesystem;
using http::json::Fields;

namespace {

Status with_file(const std::string& name, Status st) {
  if (st) return st;
  return invalid(name + ": " + st.error().message);
}

// A duration key ("10s") as whole seconds.
Status seconds(const Fields& f, std::string_view key, std::uint32_t& out) {
  std::optional<Duration> d;
  if (auto st = f.duration({key}, d); !st) return st;
  if (d) out = static_cast<std::uint32_t>(std::min<std::int64_t>(
             std::chrono::duration_cast<std::chrono::seconds>(*d).count(), UINT32_MAX));
  return ok();
}

Status non_negative(const Fields& f, std::string_view key, std::string_view context, std::uint32_t& out,
                    int minimum = 0) {
  int v = static_cast<int>(out);
  if (auto st = f.integer({key}, v); !st) return st;
  if (v < minimum)
    return invalid(std::string(context) + std::string(key) + " must be at least " + std::to_string(minimum));
  out = static_cast<std::uint32_t>(v);
  return ok();
}

// `dns_config`, `alt_domain`, `recursors` and `dns_threads` (docs/dns.md).
Status apply_dns(const Fields& f, dns::DnsConfig& d) {
  if (auto st = f.string({"alt_domain"}, d.alt_domain); !st) return st;
  if (auto st = f.string_list({"recursors"}, d.recursors.addresses); !st) return st;
  if (auto st = non_negative(f, "dns_threads", "", d.threads); !st) return st;
  const auto* dc = f.find({"dns_config"});
  if (!dc) return ok();
  if (!dc->IsObject()) return invalid("\"dns_config\" must be an object");
  const Fields g(*dc, "dns_config.");
  for (Status st : {seconds(g, "node_ttl", d.node_ttl), non_negative(g, "udp_answer_limit", "dns_config.",
                                                                      d.udp_answer_limit, 1),
                    non_negative(g, "a_record_limit", "dns_config.", d.a_record_limit),
                    g.boolean({"enable_truncate"}, d.enable_truncate), g.boolean({"only_passing"}, d.only_passing),
                    g.boolean({"enable_additional_node_meta_txt"}, d.enable_additional_node_meta_txt),
                    g.boolean({"disable_compression"}, d.disable_compression)})
    if (!st) return st;
  if (const auto* ttls = g.find({"service_ttl"})) {
    if (!ttls->IsObject()) return invalid("dns_config.service_ttl must be an object of durations");
    const Fields t(*ttls, "dns_config.service_ttl.");
    for (const auto& m : ttls->GetObject()) {
      std::uint32_t ttl = 0;
      if (auto st = seconds(t, m.name.GetString(), ttl); !st) return st;
      d.service_ttl.set(m.name.GetString(), ttl);
    }
  }
  if (const auto* soa = g.find({"soa"})) {
    if (!soa->IsObject()) return invalid("dns_config.soa must be an object");
    const Fields s(*soa, "dns_config.soa.");
    for (Status st : {non_negative(s, "refresh", "dns_config.soa.", d.soa.refresh),
                      non_negative(s, "retry", "dns_config.soa.", d.soa.retry),
                      non_negative(s, "expire", "dns_config.soa.", d.soa.expire),
                      non_negative(s, "min_ttl", "dns_config.soa.", d.soa.min_ttl)})
      if (!st) return st;
  }
  std::optional<Duration> timeout;
  if (auto st = g.duration({"recursor_timeout"}, timeout); !st) return st;
  if (timeout) {
    if (*timeout <= Duration::zero()) return invalid("dns_config.recursor_timeout must be positive");
    d.recursors.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
    if (d.recursors.timeout.count() == 0) d.recursors.timeout = std::chrono::milliseconds(1);
  }
  std::string strategy;
  if (auto st = g.string({"recursor_strategy"}, strategy); !st) return st;
  if (strategy == "sequential") d.recursors.strategy = dns::RecursorStrategy::Sequential;
  else if (strategy == "random") d.recursors.strategy = dns::RecursorStrategy::Random;
  else if (!strategy.empty())
    return invalid("dns_config.recursor_strategy must be \"sequential\" or \"random\", not \"" + strategy + "\"");
  return ok();
}

// `acl { enabled, default_policy, tokens { initial_management | master, agent,
// agent_recovery | agent_master, default } }` (docs/agent.md). Messages never
// quote a token.
Status apply_acl(const Fields& f, http::AclConfig& acl) {
  const auto* block = f.find({"acl"});
  if (!block) return ok();
  if (!block->IsObject()) return invalid("\"acl\" must be an object");
  const Fields a(*block, "acl.");
  std::string policy;
  for (Status st : {a.boolean({"enabled"}, acl.enabled), a.string({"default_policy"}, policy)})
    if (!st) return st;
  if (policy == "allow") acl.default_policy = http::DefaultPolicy::Allow;
  else if (policy == "deny") acl.default_policy = http::DefaultPolicy::Deny;
  else if (!policy.empty()) return invalid("acl.default_policy must be \"allow\" or \"deny\", not \"" + policy + "\"");
  const auto* tokens = a.find({"tokens"});
  if (!tokens) return ok();
  if (!tokens->IsObject()) return invalid("acl.tokens must be an object");
  const Fields t(*tokens, "acl.tokens.");
  for (Status st : {t.string({"initial_management", "master"}, acl.management_token),
                    t.string({"agent"}, acl.agent_token),
                    t.string({"agent_recovery", "agent_master"}, acl.agent_recovery_token),
                    t.string({"default"}, acl.default_token)})
    if (!st) return st;
  return ok();
}

std::string compact_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// enable_script_checks, enable_local_script_checks, check_reap_interval (docs/checks.md).
Status apply_checks(const Fields& f, AgentConfig& c) {
  for (Status st : {f.boolean({"enable_script_checks"}, c.enable_script_checks),
                    f.boolean({"enable_local_script_checks"}, c.enable_local_script_checks)})
    if (!st) return st;
  std::optional<Duration> reap;
  if (auto st = f.duration({"check_reap_interval"}, reap); !st) return st;
  if (reap) {
    if (*reap <= Duration::zero()) return invalid("check_reap_interval must be positive");
    c.check_reap_interval = *reap;
  }
  return ok();
}

Status add_service(const rapidjson::Value& v, const std::string& name, AgentConfig& config) {
  auto reg = http::json::decode_service(v, "service");
  if (!reg) return invalid(name + ": " + reg.error().message);
  // Checked here too, so that the error names the file.
  if (auto st = registry::validate(*reg); !st) return invalid(name + ": " + st.error().message);
  config.services.push_back(std::move(*reg));
  config.service_sources.push_back(compact_json(v));
  return ok();
}

}  // namespace

Status apply_config_text(const std::string& text, const std::string& name, AgentConfig& c) {
  auto doc = http::json::parse_body(text);
  if (!doc) return invalid(name + ": " + doc.error().message);
  if (!doc->IsObject()) return invalid(name + ": a config file must hold a JSON object");
  const Fields f(*doc, "");
  std::string log_level;
  for (Status st : {f.string({"node_name"}, c.node_name), f.string({"datacenter"}, c.datacenter),
                    f.string({"domain"}, c.domain), f.string({"client_addr"}, c.client_addr),
                    f.string({"bind_addr"}, c.bind_addr), f.string({"advertise_addr"}, c.advertise_addr),
                    f.string({"data_dir"}, c.data_dir), f.string({"log_level"}, log_level)})
    if (!st) return with_file(name, st);
  if (!log_level.empty()) {
    const auto level = parse_log_level(log_level);
    if (!level) return invalid(name + ": invalid log_level \"" + log_level + "\"");
    c.log_level = *level;
  }
  if (const auto* ports = f.find({"ports"})) {
    if (!ports->IsObject()) return invalid(name + ": \"ports\" must be an object");
    const Fields pf(*ports, "ports.");
    for (Status st : {pf.integer({"http"}, c.http_port), pf.integer({"dns"}, c.dns_port),
                      pf.integer({"serf_lan"}, c.gossip.serf_lan_port)})
      if (!st) return with_file(name, st);
  }
  if (const auto* limits = f.find({"limits"})) {
    if (!limits->IsObject()) return invalid(name + ": \"limits\" must be an object");
    const Fields lf(*limits, "limits.");
    if (auto st = lf.integer({"http_max_conns_per_client"}, c.http_max_conns_per_client); !st)
      return with_file(name, st);
    if (c.http_max_conns_per_client < 0)
      return invalid(name + ": limits.http_max_conns_per_client must be >= 0");
  }
  if (auto st = apply_dns(f, c.dns); !st) return with_file(name, st);
  if (auto st = apply_checks(f, c); !st) return with_file(name, st);
  if (auto st = apply_acl(f, c.acl); !st) return with_file(name, st);
  if (auto st = apply_gossip_config(f, c); !st) return with_file(name, st);
  if (const auto* s = f.find({"service"}))
    if (auto st = add_service(*s, name, c); !st) return st;
  if (const auto* list = f.find({"services"})) {
    if (!list->IsArray()) return invalid(name + ": \"services\" must be a list");
    for (const auto& s : list->GetArray())
      if (auto st = add_service(s, name, c); !st) return st;
  }
  return ok();
}

Status load_config_files(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                         AgentConfig& config) {
  std::vector<std::string> paths = files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return invalid("config dir " + dir + " is not a directory");
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".json") found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  for (const auto& path : paths) {
    std::ifstream in(path);
    if (!in) return invalid("cannot read config file " + path);
    std::stringstream text;
    text << in.rdbuf();
    if (auto st = apply_config_text(text.str(), path, config); !st) return st;
  }
  return ok();
}

}  // namespace roster::agent
