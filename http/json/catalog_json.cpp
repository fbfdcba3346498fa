#include "http/json/catalog_json.hpp"

#include "common/strings.hpp"
#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"

namespace roster::http::json {
namespace {

Result<registry::Service> decode_catalog_service(const rapidjson::Value& v) {
  if (!v.IsObject()) return invalid("Request decode failed: field \"Service\" must be an object");
  const Fields f(v, "Service.");
  registry::Service s;
  for (Status st : {f.string({"Service"}, s.name), decode_service_fields(f, "Service.", s)})
    if (!st) return st.error();
  return s;
}

Result<registry::Check> decode_catalog_check(const rapidjson::Value& v, const std::string& node,
                                             std::string_view context) {
  if (!v.IsObject())
    return invalid("Request decode failed: field \"" + std::string(context) + "\" must be an object");
  const Fields f(v, std::string(context) + ".");
  registry::Check c;
  std::string status, check_node;
  for (Status st : {f.string({"Node"}, check_node), f.string({"CheckID", "ID", "check_id"}, c.id),
                    f.string({"Name"}, c.name), f.string({"Notes"}, c.notes), f.string({"Output"}, c.output),
                    f.string({"ServiceID", "service_id"}, c.service_id), f.string({"Status"}, status)})
    if (!st) return st.error();
  if (const auto* d = f.find({"Definition"}); d && !d->IsObject())
    return f.type_error("Definition", "an object");
  if (!check_node.empty() && !iequals(check_node, node))
    return invalid("Invalid check: Node \"" + check_node + "\" does not match the registration's node \"" +
                   node + "\"");
  if (!status.empty()) {
    const auto parsed = registry::parse_health_status(status);
    if (!parsed) return invalid("Invalid check status: '" + status + "'");
    c.status = *parsed;
  }
  c.type = registry::CheckType::Catalog;
  return c;
}

}  // namespace

Result<CatalogWrite> decode_catalog_registration(std::string_view body) {
  auto doc = parse_body(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return invalid("Request decode failed: the body must be a JSON object");
  const Fields f(*doc, "");
  CatalogWrite out;
  registry::CatalogRegistration& reg = out.registration;
  for (Status st : {f.string({"Node"}, reg.node.name), f.string({"Address"}, reg.node.address),
                    f.string({"ID"}, reg.node.id), f.string({"Datacenter"}, out.datacenter),
                    f.string_map({"NodeMeta", "node_meta"}, reg.node.meta),
                    f.boolean({"SkipNodeUpdate"}, reg.skip_node_update)})
    if (!st) return st.error();
  if (const auto* t = f.find({"TaggedAddresses", "tagged_addresses"}); t && !t->IsObject())
    return f.type_error("TaggedAddresses", "an object");
  if (const auto* s = f.find({"Service"})) {
    auto svc = decode_catalog_service(*s);
    if (!svc) return svc.error();
    reg.service = std::move(*svc);
  }
  if (const auto* c = f.find({"Check"})) {
    auto check = decode_catalog_check(*c, reg.node.name, "Check");
    if (!check) return check.error();
    reg.checks.push_back(std::move(*check));
  }
  if (const auto* cs = f.find({"Checks"})) {
    if (!cs->IsArray()) return f.type_error("Checks", "a list of checks");
    for (const auto& c : cs->GetArray()) {
      auto check = decode_catalog_check(c, reg.node.name, "Checks");
      if (!check) return check.error();
      reg.checks.push_back(std::move(*check));
    }
  }
  return out;
}

Result<CatalogRemoval> decode_catalog_deregistration(std::string_view body) {
  auto doc = parse_body(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return invalid("Request decode failed: the body must be a JSON object");
  const Fields f(*doc, "");
  CatalogRemoval out;
  auto& d = out.deregistration;
  for (Status st : {f.string({"Node"}, d.node), f.string({"Datacenter"}, out.datacenter),
                    f.string({"ServiceID", "service_id"}, d.service_id),
                    f.string({"CheckID", "check_id"}, d.check_id)})
    if (!st) return st.error();
  return out;
}

}  // namespace roster::http::json
