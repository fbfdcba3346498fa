// /v1/agent/check*, /v1/agent/checks: the agent's checks.
#include "http/filter/records.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"

namespace roster::http::handlers {
namespace {

using registry::HealthStatus;
using M = Method;

Response register_check(const Request& req, ApiContext& ctx) {
  auto doc = json::parse_body(req.body);
  if (!doc) return error_for(doc.error());
  auto def = json::decode_check(*doc, "");
  if (!def) return error_for(def.error());
  auto index = ctx.registry.register_check(*def, ctx.clock.now());
  if (!index) return error_for(index.error());
  return empty_ok();
}

Response deregister_check(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing check ID");
  auto index = ctx.registry.deregister_check(req.param);
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

Response list_checks(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::check_schema())) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = local_node(*cat, ctx);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    if (local)
      for (const auto& [id, c] : local->checks) {
        if (c.type == registry::CheckType::Serf) continue;  // a catalog check, not the agent's
        if (!filter_matches(opts, filter::CheckRecord(c, local->node.name))) continue;
        w.Key(id.c_str());
        json::write_check(w, c, local->node.name);
      }
    w.EndObject();
  });
}

}  // namespace

void add_agent_check_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  // GET is accepted on the write endpoints python-consul 0.7.1 calls with GET.
  r.push_back({{M::Put}, "/v1/agent/check/register", false, bind(register_check)});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/deregister/", true, bind(deregister_check)});
  r.push_back({{M::Get}, "/v1/agent/checks", false, bind(list_checks)});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/pass/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Passing); }});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/warn/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Warning); }});
  r.push_back({{M::Put, M::Get}, "/v1/agent/check/fail/", true,
               [&ctx](const Request& q) { return ttl_update(q, ctx, HealthStatus::Critical); }});
  r.push_back({{M::Put}, "/v1/agent/check/update/", true, bind(check_update)});
}

}  // namespace roster::http::handlers
