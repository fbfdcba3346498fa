// GET /v1/prometheus[/<service>]: Prometheus http_sd target groups with
// consul_sd's labels, for Prometheus builds without consul_sd (Debian's 2.42).
// ?tag= (all must match), ?passing (default: passing only; ?passing=false
// lists every instance, labelled with its health), ?node-meta=, ?filter=.
#include <set>

#include "common/strings.hpp"
#include "http/filter/records.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/prometheus_json.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;

Response targets(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::service_entry_schema())) return *err;
  bool passing = true;
  if (auto v = req.query.get("passing")) {
    const auto flag = parse_flag(*v);
    if (!flag) return error_response(400, "Invalid value for ?passing");
    passing = *flag;
  }
  const auto cat = ctx.registry.snapshot();
  std::vector<std::string> names;
  if (!req.param.empty()) {
    names.push_back(req.param);
  } else {
    std::set<std::string> seen;  // instances() matches names case-insensitively
    for (const auto& [name, tags] : cat->service_tags())
      if (seen.insert(to_lower(name)).second) names.push_back(name);
  }
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& name : names)
      for (const auto& inst : cat->instances(name)) {
        if (!tags_match(opts, *inst.service) || !node_meta_matches(opts, inst.node->node) ||
            (passing && !all_passing(inst)) || !filter_matches(opts, filter::ServiceEntryRecord(inst)))
          continue;
        json::write_target_group(w, inst, cat->datacenter());
      }
    w.EndArray();
  });
}

}  // namespace

void add_prometheus_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/prometheus", false, bind(targets)});
  r.push_back({{M::Get}, "/v1/prometheus/", true, bind(targets)});
}

}  // namespace roster::http::handlers
