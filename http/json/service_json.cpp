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
  if (def.kind == CheckKind::None) def.kind = kind;
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
  for (Status st : {f.string({"CheckID", "ID", "check_id"}, def.id), f.string({"Name"}, def.name),
                    f.string({"Notes"}, def.notes), f.string({"ServiceID", "service_id"}, def.service_id),
                    f.string({"Status"}, status), f.duration({"TTL"}, ttl)})
    if (!st) return st.error();
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
  }
  note_kind(f, {"HTTP"}, CheckKind::Http, def);
  note_kind(f, {"TCP"}, CheckKind::Tcp, def);
  note_kind(f, {"Args", "ScriptArgs", "script_args", "Script"}, CheckKind::Script, def);
  note_kind(f, {"GRPC"}, CheckKind::Grpc, def);
  note_kind(f, {"UDP", "H2PING", "AliasNode", "AliasService", "DockerContainerID", "docker_container_id",
                "OSService"},
            CheckKind::Other, def);
  return def;
}

Result<registry::ServiceRegistration> decode_service_registration(std::string_view body) {
  auto doc = parse_body(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return invalid("Request decode failed: the body must be a JSON object");
  return decode_service(*doc, "");
}

Result<registry::ServiceRegistration> decode_service(const rapidjson::Value& v, std::string_view context) {
  if (!v.IsObject())
    return invalid("Request decode failed: field \"" + std::string(context) + "\" must be an object");
  const Fields f(v, context.empty() ? "" : std::string(context) + ".");
  registry::ServiceRegistration reg;
  registry::Service& s = reg.service;
  for (Status st : {f.string({"Name"}, s.name), f.string({"ID"}, s.id),
                    f.string_list({"Tags"}, s.tags), f.string({"Address"}, s.address),
                    f.integer({"Port"}, s.port), f.string_map({"Meta"}, s.meta),
                    f.boolean({"EnableTagOverride", "enable_tag_override"}, s.enable_tag_override)})
    if (!st) return st.error();
  if (const auto* w = f.find({"Weights"})) {
    if (!w->IsObject()) return f.type_error("Weights", "an object");
    const Fields wf(*w, "Weights.");
    for (Status st : {wf.integer({"Passing"}, s.weights.passing), wf.integer({"Warning"}, s.weights.warning)})
      if (!st) return st.error();
  }
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
