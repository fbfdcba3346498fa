// /v1/agent/*: the agent's own services and checks.
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"

namespace roster::http::handlers {
namespace {

using registry::HealthStatus;
using M = Method;

Response register_service(const Request& req, ApiContext& ctx) {
  auto reg = json::decode_service_registration(req.body);
  if (!reg) return error_for(reg.error());
  if (auto flag = req.query.get("replace-existing-checks")) {
    const auto on = parse_flag(*flag);
    if (!on) return error_response(400, "Invalid value for replace-existing-checks: \"" + *flag + "\"");
    reg->replace_existing_checks = *on;
  }
  auto index = ctx.registry.register_service(*reg, ctx.clock.now());
  if (!index) return error_for(index.error());
  return empty_ok();
}

Response deregister_service(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing service ID");
  auto index = ctx.registry.deregister_service(req.param);
  if (!index) return error_for(index.error());
  return empty_ok();
}

// pass/warn/fail: an unknown check answers 500 with Consul's pre-1.11 text,
// because ianitor (and others) re-register only on a 5xx (consul-compat §6).
Response ttl_update(const Request& req, ApiContext& ctx, HealthStatus status) {
  if (req.param.empty()) return error_response(400, "Missing check ID");
  auto index = ctx.registry.update_ttl(req.param, status, req.query.get("note").value_or(""),
                                       ctx.clock.now());
  if (!index)
    return error_response(500, "CheckID \"" + req.param + "\" does not have associated TTL");
  return empty_ok();
}

Response check_update(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing check ID");
  auto doc = json::parse_body(req.body);
  if (!doc) return error_for(doc.error());
  if (!doc->IsObject()) return error_response(400, "Request decode failed: the body must be a JSON object");
  const json::Fields f(*doc, "");
  std::string status_text, output;
  for (Status st : {f.string({"Status"}, status_text), f.string({"Output"}, output)})
    if (!st) return error_for(st.error());
  const auto status = registry::parse_health_status(status_text);
  if (!status) return error_response(400, "Invalid check status: '" + status_text + "'");
  auto index = ctx.registry.update_ttl(req.param, *status, output, ctx.clock.now());
  if (!index) return error_for(index.error());
  return empty_ok();
}

Response list_services(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = cat->find_node(ctx.info.node_name);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    if (local)
      for (const auto& [id, svc] : local->services) {
        w.Key(id.c_str());
        json::write_agent_service(w, svc, cat->datacenter());
      }
    w.EndObject();
  });
}

Response get_service(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = cat->find_node(ctx.info.node_name);
  const auto it = local ? local->services.find(req.param) : decltype(local->services.end()){};
  if (!local || it == local->services.end())
    return error_response(404, "unknown service ID: " + req.param);
  return json_response(opts, cat->index(),
                       [&](json::JsonOut& w) { json::write_agent_service(w, it->second, cat->datacenter()); });
}

Response list_checks(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = cat->find_node(ctx.info.node_name);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    if (local)
      for (const auto& [id, c] : local->checks) {
        if (c.type == registry::CheckType::Serf) continue;  // a catalog check, not the agent's
        w.Key(id.c_str());
        json::write_check(w, c, local->node.name);
      }
    w.EndObject();
  });
}

void member(json::JsonOut& w, const AgentInfo& info) {
  w.StartObject();
  w.Key("Name"); w.String(info.node_name.c_str());
  w.Key("Addr"); w.String(info.address.c_str());
  w.Key("Port"); w.Int(8301);
  w.Key("Tags");
  w.StartObject();
  w.Key("dc"); w.String(info.datacenter.c_str());
  w.Key("role"); w.String("node");
  w.Key("id"); w.String(info.node_id.c_str());
  w.Key("build"); w.String((info.version + ":" + info.revision).c_str());
  w.Key("vsn"); w.String("2");
  w.Key("vsn_min"); w.String("2");
  w.Key("vsn_max"); w.String("3");
  w.Key("segment"); w.String("");
  w.EndObject();
  w.Key("Status"); w.Int(1);
  // Serf's protocol ranges, as a Consul agent reports them.
  constexpr std::pair<const char*, int> kProtocols[] = {
      {"ProtocolMin", 1}, {"ProtocolMax", 5}, {"ProtocolCur", 2},
      {"DelegateMin", 2}, {"DelegateMax", 5}, {"DelegateCur", 4}};
  for (const auto& [k, v] : kProtocols) {
    w.Key(k);
    w.Int(v);
  }
  w.EndObject();
}

Response self(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = cat->find_node(ctx.info.node_name);
  const AgentInfo& info = ctx.info;
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    w.Key("Config");
    w.StartObject();
    w.Key("Datacenter"); w.String(info.datacenter.c_str());
    w.Key("PrimaryDatacenter"); w.String(info.datacenter.c_str());
    w.Key("NodeName"); w.String(info.node_name.c_str());
    w.Key("NodeID"); w.String(info.node_id.c_str());
    w.Key("Revision"); w.String(info.revision.c_str());
    w.Key("Server"); w.Bool(false);
    w.Key("Version"); w.String(info.version.c_str());
    w.Key("BuildDate"); w.String("");
    w.EndObject();
    w.Key("DebugConfig"); w.StartObject(); w.EndObject();
    w.Key("Coord"); w.Null();
    w.Key("Member"); member(w, info);
    w.Key("Stats"); w.StartObject(); w.EndObject();
    w.Key("Meta");
    w.StartObject();
    if (local)
      for (const auto& [k, v] : local->node.meta) {
        w.Key(k.c_str());
        w.String(v.c_str());
      }
    w.EndObject();
    w.EndObject();
  });
}

}  // namespace

void add_agent_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  // GET is accepted on the write endpoints python-consul 0.7.1 calls with GET.
  r.push_back({{M::Put}, "/v1/agent/service/register", false, bind(register_service)});
  r.push_back({{M::Put, M::Get}, "/v1/agent/service/deregister/", true, bind(deregister_service)});
  r.push_back({{M::Get}, "/v1/agent/services", false, bind(list_services)});
  r.push_back({{M::Get}, "/v1/agent/service/", true, bind(get_service)});
  r.push_back({{M::Get}, "/v1/agent/checks", false, bind(list_checks)});
  r.push_back({{M::Get}, "/v1/agent/self", false, bind(self)});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/pass/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Passing); }});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/warn/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Warning); }});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/fail/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Critical); }});
  r.push_back({{M::Put}, "/v1/agent/check/update/", true, bind(check_update)});
}

}  // namespace roster::http::handlers
