#include "registry/definitions.hpp"

#include "common/strings.hpp"

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

std::string_view kind_name(CheckKind k) {
  switch (k) {
    case CheckKind::Http: return "HTTP";
    case CheckKind::Tcp: return "TCP";
    case CheckKind::Script: return "script";
    case CheckKind::Grpc: return "gRPC";
    default: return "this kind of";
  }
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

Status validate_check(const CheckDefinition& c) {
  if (c.kinds_named == 0 || c.kind == CheckKind::None)
    return invalid("Invalid check: one of TTL, HTTP, TCP, Args or GRPC must be set");
  if (c.kinds_named > 1) return invalid("Invalid check: only one check type may be set");
  if (c.kind != CheckKind::Ttl)
    return invalid("Invalid check: " + std::string(kind_name(c.kind)) +
                   " checks are not supported by this agent yet; use a TTL check");
  if (c.ttl <= Duration::zero()) return invalid("Invalid check: TTL must be > 0");
  return ok();
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
