// PUT /v1/catalog/register and /v1/catalog/deregister: nodes, services and
// checks written into the catalog as Consul does, answering `true`. Writes that
// name the agent's own node change nothing (registry.hpp explains why).
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/catalog_json.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;

Response json_true() {
  Response r;
  r.content_type = "application/json";
  r.body = "true";
  return r;
}

bool other_dc(const std::string& dc, const ApiContext& ctx) { return !dc.empty() && dc != ctx.info.datacenter; }

Response catalog_register(const Request& req, ApiContext& ctx) {
  auto write = json::decode_catalog_registration(req.body);
  if (!write) return error_for(write.error());
  if (other_dc(write->datacenter, ctx) || other_dc(req.query.get("dc").value_or(""), ctx))
    return error_response(500, "No path to datacenter");
  auto index = ctx.registry.catalog_register(write->registration);
  if (!index) return error_for(index.error());
  return json_true();
}

Response catalog_deregister(const Request& req, ApiContext& ctx) {
  auto removal = json::decode_catalog_deregistration(req.body);
  if (!removal) return error_for(removal.error());
  if (other_dc(removal->datacenter, ctx) || other_dc(req.query.get("dc").value_or(""), ctx))
    return error_response(500, "No path to datacenter");
  auto index = ctx.registry.catalog_deregister(removal->deregistration);
  if (!index) return error_for(index.error());
  return json_true();
}

}  // namespace

void add_catalog_write_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Put}, "/v1/catalog/register", false, bind(catalog_register)});
  r.push_back({{M::Put}, "/v1/catalog/deregister", false, bind(catalog_deregister)});
}

}  // namespace roster::http::handlers
