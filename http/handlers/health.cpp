// /v1/health/*: instances with their checks, and checks by service, node, state.
#include "common/strings.hpp"
#include "http/filter/records.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;
using registry::Catalog;
using registry::HealthStatus;
using registry::Index;

Index service_health_index(const Catalog& c, const Request& req) {
  const Index own = c.indexes().service_health_of(req.param);
  return req.query.has("node-meta") ? std::max(own, c.indexes().nodes) : own;
}
Index node_index(const Catalog& c, const Request& req) { return c.indexes().node(req.param); }
Index checks_index(const Catalog& c, const Request&) { return c.indexes().checks; }

Response service(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::service_entry_schema())) return *err;
  if (req.param.empty()) return error_response(400, "Missing service name");
  bool passing = false;
  if (auto v = req.query.get("passing")) {
    const auto flag = parse_flag(*v);
    if (!flag) return error_response(400, "Invalid value for ?passing");
    passing = *flag;
  }
  const auto cat = ctx.registry.snapshot();
  const auto instances = cat->instances(req.param);
  return json_response(opts, service_health_index(*cat, req), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& inst : instances) {
      if (!tags_match(opts, *inst.service) || !node_meta_matches(opts, inst.node->node) ||
          (passing && !all_passing(inst)) || !filter_matches(opts, filter::ServiceEntryRecord(inst)))
        continue;
      json::write_health_entry(w, inst);
    }
    w.EndArray();
  });
}

// Writes every check of every node that `keep` accepts.
template <typename Keep>
Response checks_where(const Request& req, ApiContext& ctx, Index (*index_of)(const Catalog&, const Request&),
                      Keep keep) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::check_schema())) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, index_of(*cat, req), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& rec : cat->nodes()) {
      if (!node_meta_matches(opts, rec->node)) continue;
      for (const auto& [id, c] : rec->checks)
        if (keep(*rec, c) && filter_matches(opts, filter::CheckRecord(c, rec->node.name)))
          json::write_check(w, c, rec->node.name);
    }
    w.EndArray();
  });
}

Response service_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing service name");
  return checks_where(req, ctx, service_health_index, [&](const registry::NodeRecord&, const registry::Check& c) {
    return !c.service_id.empty() && roster::iequals(c.service_name, req.param);
  });
}

Response node_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing node name");
  return checks_where(req, ctx, node_index, [&](const registry::NodeRecord& n, const registry::Check&) {
    return roster::iequals(n.node.name, req.param);
  });
}

Response state_checks(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing check state");
  const std::string& state = req.param;
  return checks_where(req, ctx, checks_index, [&](const registry::NodeRecord&, const registry::Check& c) {
    return state == "any" || registry::to_string(c.status) == state;
  });
}

}  // namespace

void add_health_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/health/service/", true, bind(service), service_health_index});
  r.push_back({{M::Get}, "/v1/health/checks/", true, bind(service_checks), service_health_index});
  r.push_back({{M::Get}, "/v1/health/node/", true, bind(node_checks), node_index});
  r.push_back({{M::Get}, "/v1/health/state/", true, bind(state_checks), checks_index});
}

}  // namespace roster::http::handlers
