// /v1/agent/service*, /v1/agent/services, /v1/agent/health/service/*: the
// agent's own services.
#include "http/filter/records.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/agent_json.hpp"
#include "http/json/service_json.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;
using registry::Check;
using registry::Service;

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

Response service_maintenance(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing service ID");
  bool enable = false;
  if (auto err = parse_enable(req, enable)) return *err;
  auto r = ctx.registry.set_service_maintenance(req.param, enable, req.query.get("reason").value_or(""));
  if (!r) return error_for(r.error());
  return empty_ok();
}

Response list_services(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::agent_service_schema())) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = local_node(*cat, ctx);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    if (local)
      for (const auto& [id, svc] : local->services) {
        if (!filter_matches(opts, filter::ServiceRecord(svc, cat->datacenter()))) continue;
        w.Key(id.c_str());
        json::write_agent_service(w, svc, cat->datacenter());
      }
    w.EndObject();
  });
}

const Service* find_local_service(const registry::Catalog& cat, const ApiContext& ctx, const std::string& id) {
  const auto* local = local_node(cat, ctx);
  if (!local) return nullptr;
  const auto it = local->services.find(id);
  return it == local->services.end() ? nullptr : &it->second;
}

// Hash blocking: the hash of the service as this endpoint shows it.
HashOf service_hash(ApiContext& ctx) {
  return [&ctx](const registry::Catalog& cat, const Request& req) -> std::optional<std::string> {
    const Service* s = find_local_service(cat, ctx, req.param);
    if (!s) return std::nullopt;
    return json::content_hash(*s, cat.datacenter());
  };
}

Response get_service(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const Service* s = find_local_service(*cat, ctx, req.param);
  if (!s) return error_response(404, "unknown service ID: " + req.param);
  const std::string hash = json::content_hash(*s, cat->datacenter());
  Response r = json_response(opts, cat->index(), [&](json::JsonOut& w) {
    json::write_agent_service(w, *s, cat->datacenter(), &hash);
  });
  r.headers.emplace_back("X-Consul-ContentHash", hash);
  return r;
}

// The checks deciding a local service's health: its own plus the node's
// (maintenance), without serfHealth, which is the catalog's, not the agent's.
std::vector<const Check*> local_checks(const registry::NodeRecord& local, const Service& s) {
  std::vector<const Check*> out;
  for (const auto& [id, c] : local.checks)
    if (c.type != registry::CheckType::Serf && (c.service_id.empty() || c.service_id == s.id)) out.push_back(&c);
  return out;
}

int rank(std::string_view status) {
  if (status == "passing") return 0;
  if (status == "warning") return 1;
  if (status == "critical") return 2;
  return 3;  // maintenance
}

// 200 passing, 429 warning, 503 critical or maintenance (consul-compat §2.6).
int status_code(std::string_view aggregated) {
  switch (rank(aggregated)) {
    case 0: return 200;
    case 1: return 429;
    default: return 503;
  }
}

bool wants_text(const Request& req) {
  if (req.query.get("format") == std::optional<std::string>("text")) return true;
  const auto accept = req.header("accept");
  return accept && accept->rfind("text/plain", 0) == 0;
}

// /v1/agent/health/service/id/<id> (`by_name` false) and /name/<name>.
Response local_health(const Request& req, ApiContext& ctx, bool by_name) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  if (req.param.empty()) return error_response(400, by_name ? "Missing service name" : "Missing service ID");
  const auto cat = ctx.registry.snapshot();
  const auto* local = local_node(*cat, ctx);
  std::vector<const Service*> services;
  if (local)
    for (const auto& [id, s] : local->services)
      if (by_name ? s.name == req.param : id == req.param) services.push_back(&s);
  if (services.empty())
    return error_response(404, by_name ? "ServiceName " + req.param + " Not Found"
                                       : "ServiceId " + req.param + " not found");
  std::string_view worst = "passing";
  std::vector<std::pair<std::string_view, std::vector<const Check*>>> entries;
  for (const Service* s : services) {
    auto checks = local_checks(*local, *s);
    const std::string_view agg = registry::aggregated_status(checks);
    if (rank(agg) > rank(worst)) worst = agg;
    entries.emplace_back(agg, std::move(checks));
  }
  Response r;
  if (wants_text(req)) {
    r = error_response(200, std::string(worst));
  } else {
    r = json_response(opts, cat->index(), [&](json::JsonOut& w) {
      if (by_name) w.StartArray();
      for (std::size_t i = 0; i < services.size(); ++i)
        json::write_agent_health(w, entries[i].first, *services[i], entries[i].second, local->node.name,
                                 cat->datacenter());
      if (by_name) w.EndArray();
    });
  }
  r.status = status_code(worst);
  return r;
}

}  // namespace

void add_agent_service_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Put}, "/v1/agent/service/register", false, bind(register_service)});
  // GET too: python-consul 0.7.1 deregisters with GET (consul-compat §6).
  r.push_back({{M::Put, M::Get}, "/v1/agent/service/deregister/", true, bind(deregister_service)});
  r.push_back({{M::Put}, "/v1/agent/service/maintenance/", true, bind(service_maintenance)});
  r.push_back({{M::Get}, "/v1/agent/services", false, bind(list_services)});
  r.push_back({{M::Get}, "/v1/agent/service/", true, bind(get_service), nullptr, service_hash(ctx)});
  r.push_back({{M::Get}, "/v1/agent/health/service/id/", true,
               [&ctx](const Request& q) { return local_health(q, ctx, false); }});
  r.push_back({{M::Get}, "/v1/agent/health/service/name/", true,
               [&ctx](const Request& q) { return local_health(q, ctx, true); }});
}

}  // namespace roster::http::handlers
