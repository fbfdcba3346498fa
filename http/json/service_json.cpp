#include "http/json/service_json.hpp"

#include "http/json/json_fields.hpp"

namespace roster::http::json {
namespace {

using registry::CheckKind;

// Marks `kind` as named when any of `names` holds a non-empty value.
void note_kind(const Fields& f, std::initializer_list<std::string_view> names, CheckKind kind,
               registry::CheckDefinition& def) {
  const auto* v = f.find(names);
  if (!v) return;
  if ((v->IsString() && v->GetStringLength() == 0) || (v->IsArray() && v->Empty())) return;
  ++def.kinds_named;
  if (def.kind == CheckKind::None) {
    def.kind = kind;
    def.kind_name = std::string(*names.begin());
  }
}

// A duration that must not be negative: Go would parse "-5s", Consul would
// then misbehave; here it is a one-line 400.
Status duration(const Fields& f, std::initializer_list<std::string_view> names, std::string_view context,
                Duration& out) {
  if (const auto* v = f.find(names); v && v->IsString() && v->GetStringLength() > 0 && v->GetString()[0] == '-')
    return invalid("Invalid check: " + std::string(context) + std::string(*names.begin()) + " must not be negative");
  std::optional<Duration> d;
  if (auto st = f.duration(names, d); !st) return st;
  if (d) out = *d;
  return ok();
}

// Header: an object of lists of strings (Go's http.Header); a bare string
// value is taken as a one-element list.
Status header_map(const Fields& f, std::map<std::string, std::vector<std::string>>& out) {
  const auto* v = f.find({"Header"});
  if (!v) return ok();
  if (!v->IsObject()) return f.type_error("Header", "an object of lists of strings");
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    auto& values = out[std::string(it->name.GetString(), it->name.GetStringLength())];
    if (it->value.IsString()) {
      values.emplace_back(it->value.GetString(), it->value.GetStringLength());
      continue;
    }
    if (!it->value.IsArray()) return f.type_error("Header", "an object of lists of strings");
    for (const auto& item : it->value.GetArray()) {
      if (!item.IsString()) return f.type_error("Header", "an object of lists of strings");
      values.emplace_back(item.GetString(), item.GetStringLength());
    }
  }
  return ok();
}

}  // namespace

Result<registry::CheckDefinition> decode_check(const rapidjson::Value& v, std::string_view context) {
  if (!v.IsObject())
    return invalid(context.empty() ? "Request decode failed: the body must be a JSON object"
                                   : "Request decode failed: field \"" + std::string(context) +
                                         "\" must be an object");
  const Fields f(v, context.empty() ? "" : std::string(context) + ".");
  registry::CheckDefinition def;
  std::string status;
  std::optional<Duration> ttl;
  const std::string f_context = context.empty() ? "" : std::string(context) + ".";
  for (Status st : {f.string({"CheckID", "ID", "check_id"}, def.id), f.string({"Name"}, def.name),
                    f.string({"Notes"}, def.notes), f.string({"ServiceID", "service_id"}, def.service_id),
                    f.string({"Status"}, status)})
    if (!st) return st.error();
  {
    Duration unused{0};
    if (auto st = duration(f, {"TTL"}, f_context, unused); !st) return st.error();
    if (auto st = f.duration({"TTL"}, ttl); !st) return st.error();
  }
  if (!status.empty()) {
    def.status = registry::parse_health_status(status);
    if (!def.status)
      return invalid("Invalid check: Status \"" + status +
                     "\" is not one of passing, warning, critical");
  }
  if (ttl) {
    def.ttl = *ttl;
    ++def.kinds_named;
    def.kind = CheckKind::Ttl;
    def.kind_name = "TTL";
  }
  note_kind(f, {"HTTP"}, CheckKind::Http, def);
  note_kind(f, {"TCP"}, CheckKind::Tcp, def);
  note_kind(f, {"Args", "ScriptArgs", "script_args"}, CheckKind::Script, def);
  note_kind(f, {"GRPC"}, CheckKind::Grpc, def);
  note_kind(f, {"Script"}, CheckKind::Other, def);  // Consul < 1.0's shell string: gone from Consul too
  note_kind(f, {"DockerContainerID", "docker_container_id"}, CheckKind::Other, def);
  note_kind(f, {"H2PING"}, CheckKind::Other, def);
  note_kind(f, {"UDP"}, CheckKind::Other, def);
  note_kind(f, {"AliasNode", "alias_node"}, CheckKind::Other, def);
  note_kind(f, {"AliasService", "alias_service"}, CheckKind::Other, def);
  note_kind(f, {"OSService", "os_service"}, CheckKind::Other, def);

  registry::CheckSpec& s = def.spec;
  for (Status st : {f.string({"HTTP"}, s.http), f.string({"Method"}, s.method), header_map(f, s.header),
                    f.string({"Body"}, s.body), f.boolean({"TLSSkipVerify", "tls_skip_verify"}, s.tls_skip_verify),
                    f.string({"TLSServerName", "tls_server_name"}, s.tls_server_name), f.string({"TCP"}, s.tcp),
                    duration(f, {"Interval"}, f_context, s.interval), duration(f, {"Timeout"}, f_context, s.timeout),
                    duration(f, {"DeregisterCriticalServiceAfter", "deregister_critical_service_after"}, f_context,
                             s.deregister_critical_after),
                    f.integer({"SuccessBeforePassing", "success_before_passing"}, s.success_before_passing),
                    f.integer({"FailuresBeforeWarning", "failures_before_warning"}, s.failures_before_warning),
                    f.integer({"FailuresBeforeCritical", "failures_before_critical"}, s.failures_before_critical),
                    f.integer({"OutputMaxSize", "output_max_size"}, s.output_max_size)})
    if (!st) return st.error();
  if (def.kind == CheckKind::Script) {
    if (auto st = f.string_list({"Args"}, s.args); !st) return st.error();
    if (s.args.empty())
      if (auto st = f.string_list({"ScriptArgs", "script_args"}, s.args); !st) return st.error();
  }
  if (s.output_max_size == 0) s.output_max_size = registry::kDefaultOutputMaxSize;
  // `Type`, when given, must agree with the fields (Consul's own output carries it).
  std::string type;
  if (auto st = f.string({"Type"}, type); !st) return st.error();
  if (!type.empty()) {
    const std::string want = def.kind == CheckKind::None ? "" : std::string(registry::to_string(def.type()));
    if (type != "ttl" && type != "http" && type != "tcp" && type != "script")
      return invalid("Invalid check: unknown check type \"" + type + "\"");
    if (def.kind != CheckKind::None && def.kind != CheckKind::Grpc && def.kind != CheckKind::Other && type != want)
      return invalid("Invalid check: Type \"" + type + "\" does not match the check's fields (" + want + ")");
  }
  return def;
}

Result<registry::ServiceRegistration> decode_service_registration(std::string_view body) {
  auto doc = parse_body(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return invalid("Request decode failed: the body must be a JSON object");
  return decode_service(*doc, "");
}

Status decode_service_fields(const Fields& f, std::string_view context, registry::Service& s) {
  for (Status st : {f.string({"ID"}, s.id), f.string_list({"Tags"}, s.tags), f.string({"Address"}, s.address),
                    f.integer({"Port"}, s.port), f.string_map({"Meta"}, s.meta),
                    f.boolean({"EnableTagOverride", "enable_tag_override"}, s.enable_tag_override)})
    if (!st) return st;
  if (const auto* w = f.find({"Weights"})) {
    if (!w->IsObject()) return f.type_error("Weights", "an object");
    const Fields wf(*w, std::string(context) + "Weights.");
    for (Status st : {wf.integer({"Passing"}, s.weights.passing), wf.integer({"Warning"}, s.weights.warning)})
      if (!st) return st;
  }
  if (const auto* t = f.find({"TaggedAddresses", "tagged_addresses"})) {
    if (!t->IsObject()) return f.type_error("TaggedAddresses", "an object of {Address, Port}");
    s.tagged_addresses.clear();
    for (auto it = t->MemberBegin(); it != t->MemberEnd(); ++it) {
      const std::string tag(it->name.GetString(), it->name.GetStringLength());
      if (!it->value.IsObject()) return f.type_error("TaggedAddresses." + tag, "an object of {Address, Port}");
      const Fields af(it->value, std::string(context) + "TaggedAddresses." + tag + ".");
      registry::ServiceAddress a;
      for (Status st : {af.string({"Address"}, a.address), af.integer({"Port"}, a.port)})
        if (!st) return st;
      s.tagged_addresses[tag] = std::move(a);
    }
  }
  return ok();
}

Result<registry::ServiceRegistration> decode_service(const rapidjson::Value& v, std::string_view context) {
  if (!v.IsObject())
    return invalid("Request decode failed: field \"" + std::string(context) + "\" must be an object");
  const Fields f(v, context.empty() ? "" : std::string(context) + ".");
  registry::ServiceRegistration reg;
  registry::Service& s = reg.service;
  for (Status st : {f.string({"Name"}, s.name), decode_service_fields(f, "", s)})
    if (!st) return st.error();
  if (const auto* c = f.find({"Check"})) {
    auto def = decode_check(*c, "Check");
    if (!def) return def.error();
    reg.checks.push_back(std::move(*def));
  }
  if (const auto* cs = f.find({"Checks"})) {
    if (!cs->IsArray()) return f.type_error("Checks", "a list of checks");
    for (const auto& c : cs->GetArray()) {
      auto def = decode_check(c, "Checks");
      if (!def) return def.error();
      reg.checks.push_back(std::move(*def));
    }
  }
  return reg;
}

}  // namespace roster::http::json
