// /v1/health/*: instances with their checks, and checks by service, node, state.
#include "common/strings.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;
using registry::HealthStatus;

bool all_passing(const registry::Instance& inst) {
  for (const auto* c : inst.checks)
    if (c->status != HealthStatus::Passing) return false;
  return true;
}

Response service(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  if (req.param.empty()) return error_response(400, "Missing service name");
  bool passing = false;
  if (auto v = req.query.get("passing")) {
    const auto flag = parse_flag(*v);
    if (!flag) return error_response(400, "Invalid value for ?passing");
    passing = *flag;
  }
  const auto tags = req.query.all("tag");
  const auto cat = ctx.registry.snapshot();
  const auto instances = cat->instances(req.param);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& inst : instances) {
      bool tagged = true;
      for (const auto& t : tags) tagged = tagged && registry::has_tag(*inst.service, t);
      if (!tagged || (passing && !all_passing(inst))) continue;
      json::write_health_entry(w, inst);
    }
    w.EndArray();
  });
}

// Writes every check of every node that `keep` accepts.
template <typename Keep>
Response checks_where(const Request& req, ApiContext& ctx, Keep keep) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& rec : cat->nodes())
      for (const auto& [id, c] : rec->checks)
        if (keep(*rec, c)) json::write_check(w, c, rec->node.name);
    w.EndArray();
  });
}

Response service_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing service name");
  return checks_where(req, ctx, [&](const registry::NodeRecord&, const registry::Check& c) {
    return !c.service_id.empty() && roster::iequals(c.service_name, req.param);
  });
}

Response node_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing node name");
  return checks_where(req, ctx, [&](const registry::NodeRecord& n, const registry::Check&) {
    return roster::iequals(n.node.name, req.param);
  });
}

Response state_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing check state");
  const std::string& state = req.param;
  return checks_where(req, ctx, [&](const registry::NodeRecord&, const registry::Check& c) {
    return state == "any" || registry::to_string(c.status) == state;
  });
}

}  // namespace

void add_health_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/health/service/", true, bind(service)});
  r.push_back({{M::Get}, "/v1/health/checks/", true, bind(service_checks)});
  r.push_back({{M::Get}, "/v1/health/node/", true, bind(node_checks)});
  r.push_back({{M::Get}, "/v1/health/state/", true, bind(state_checks)});
}

}  // namespace roster::http::handlers
