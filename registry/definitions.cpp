#include "registry/definitions.hpp"

#include "common/strings.hpp"
#include "registry/check_targets.hpp"

namespace roster::registry {
namespace {

constexpr std::size_t kMetaMaxPairs = 64;
constexpr std::size_t kMetaKeyMax = 128;
constexpr std::size_t kMetaValueMax = 512;

bool valid_meta_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Status validate_meta(const std::map<std::string, std::string>& meta,
                     const std::string& what = "Invalid Service Meta") {
  if (meta.size() > kMetaMaxPairs)
    return invalid(what + ": Node metadata cannot contain more than 64 key/value pairs");
  for (const auto& [k, v] : meta) {
    if (k.empty()) return invalid(what + ": Key cannot be blank");
    if (k.size() > kMetaKeyMax)
      return invalid(what + ": Key is too long (limit: 128 characters)");
    for (char c : k)
      if (!valid_meta_key_char(c))
        return invalid(what + ": Key contains invalid characters: \"" + k + "\"");
    if (starts_with_icase(k, "consul-"))
      return invalid(what + ": Key prefix 'consul-' is reserved for internal use");
    if (v.size() > kMetaValueMax)
      return invalid(what + ": Value is too long (limit: 512 characters)");
  }
  return ok();
}

Status validate_method(const std::string& m) {
  for (char c : m)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return invalid("Invalid check: Method \"" + m + "\" is not an HTTP method");
  return ok();
}

bool valid_header_value(const std::string& v) {
  for (char c : v)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

Status validate_interval_check(const CheckDefinition& c) {
  const CheckSpec& s = c.spec;
  if (s.interval <= Duration::zero())
    return invalid("Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks");
  switch (c.kind) {
    case CheckKind::Http: {
      if (auto u = parse_check_url(s.http); !u) return invalid("Invalid check: " + u.error().message);
      if (auto st = validate_method(s.method); !st) return st;
      for (const auto& [k, values] : s.header) {
        if (k.empty() || !valid_header_value(k) || k.find(':') != std::string::npos || k.find(' ') != std::string::npos)
          return invalid("Invalid check: Header name \"" + k + "\" is not valid");
        for (const auto& v : values)
          if (!valid_header_value(v)) return invalid("Invalid check: Header \"" + k + "\" has a line break");
      }
      break;
    }
    case CheckKind::Tcp:
      if (auto hp = parse_host_port(s.tcp); !hp) return invalid("Invalid check: " + hp.error().message);
      break;
    case CheckKind::Script:
      if (s.args.empty() || s.args.front().empty())
        return invalid("Invalid check: Args must name a program to run");
      break;
    default: break;
  }
  return ok();
}

bool unspecified_address(const std::string& a) { return a == "0.0.0.0" || a == "::" || a == "[::]"; }

Status validate_service(const Service& s) {
  if (s.name.empty()) return invalid("Missing service name");
  if (unspecified_address(s.address)) return invalid("Invalid service address");
  if (s.port < 0 || s.port > 65535) return invalid("Invalid service port: " + std::to_string(s.port));
  if (auto st = validate_meta(s.meta); !st) return st;
  if (s.weights.passing < 1)
    return invalid("Invalid Weights: Passing must be greater than 0");
  if (s.weights.warning < 0)
    return invalid("Invalid Weights: Warning must be greater or equal than 0");
  return ok();
}

}  // namespace

CheckType CheckDefinition::type() const {
  switch (kind) {
    case CheckKind::Http: return CheckType::Http;
    case CheckKind::Tcp: return CheckType::Tcp;
    case CheckKind::Script: return CheckType::Script;
    default: return CheckType::Ttl;
  }
}

Status validate_check(const CheckDefinition& c) {
  if (c.kinds_named == 0 || c.kind == CheckKind::None)
    return invalid("Invalid check: one of TTL, HTTP, TCP or Args must be set");
  if (c.kinds_named > 1) return invalid("Invalid check: only one check type may be set");
  if (c.kind_name == "Script")
    return invalid("Invalid check: Script (a shell command line, removed in Consul 1.1) is not supported; use Args");
  if (c.kind == CheckKind::Grpc || c.kind == CheckKind::Other)
    return invalid("Invalid check: " + (c.kind_name.empty() ? std::string("this") : c.kind_name) +
                   " checks are not supported by this agent (supported: TTL, HTTP, TCP, Args)");
  const CheckSpec& s = c.spec;
  if (s.success_before_passing < 0 || s.failures_before_warning < 0 || s.failures_before_critical < 0)
    return invalid("Invalid check: SuccessBeforePassing, FailuresBeforeWarning and FailuresBeforeCritical must be >= 0");
  if (s.output_max_size < 1) return invalid("Invalid check: OutputMaxSize must be > 0");
  if (s.interval < Duration::zero() || s.timeout < Duration::zero() || s.deregister_critical_after < Duration::zero())
    return invalid("Invalid check: durations must not be negative");
  if (c.kind == CheckKind::Ttl) {
    if (s.interval > Duration::zero()) return invalid("Invalid check: Interval and TTL cannot both be specified");
    if (c.ttl <= Duration::zero()) return invalid("Invalid check: TTL must be > 0 for TTL checks");
    return ok();
  }
  return validate_interval_check(c);
}

Status script_check_allowed(const CheckDefinition& c, ScriptChecks policy, bool from_config) {
  if (c.kind != CheckKind::Script || policy.api || (from_config && policy.config)) return ok();
  if (policy.config)
    return invalid("Scripts are disabled on this agent from remote calls; to enable, configure "
                   "'enable_script_checks' to true");
  return invalid("Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or "
                 "'enable_local_script_checks' to true");
}

Status validate_standalone_check(const CheckDefinition& c) {
  if (c.name.empty()) return invalid("Missing check name");
  return validate_check(c);
}

Status validate(const CatalogRegistration& reg) {
  if (reg.node.name.empty()) return invalid("Must provide node");
  if (reg.node.address.empty() && !reg.skip_node_update)
    return invalid("Must provide address if SkipNodeUpdate is not set");
  if (unspecified_address(reg.node.address)) return invalid("Invalid node address");
  if (auto st = validate_meta(reg.node.meta, "Invalid NodeMeta"); !st) return st;
  if (reg.service)
    if (auto st = validate_service(*reg.service); !st) return st;
  for (const auto& c : reg.checks)
    if (c.name.empty() && c.id.empty()) return invalid("Invalid check: missing Name or CheckID");
  return ok();
}

Status validate(const ServiceRegistration& reg) {
  if (auto st = validate_service(reg.service); !st) return st;
  for (const auto& c : reg.checks)
    if (auto st = validate_check(c); !st) return st;
  return ok();
}

}  // namespace roster::registry
