#include "http/api.hpp"

#include <algorithm>

#include "http/handlers/routes.hpp"

namespace roster::http {

Api::Api(ApiContext ctx) : ctx_(std::move(ctx)) {
  std::vector<Route> routes;
  handlers::add_agent_routes(routes, ctx_);
  handlers::add_catalog_routes(routes, ctx_);
  handlers::add_health_routes(routes, ctx_);
  handlers::add_status_routes(routes, ctx_);
  handlers::add_unsupported_routes(routes);
  router_ = std::make_unique<Router>(std::move(routes));
}

Response Api::handle(Request& req) const {
  Response r = router_->dispatch(req);
  // Reads carry the query meta headers, on errors too: python-consul reads
  // X-Consul-Index unconditionally, Go's api package needs LastContact, and
  // an index of 0 would make watchers spin (Consul substitutes 1).
  if (req.method == Method::Get || req.method == Method::Head) {
    const registry::Index index = std::max<registry::Index>(
        1, r.index.value_or(ctx_.registry.snapshot()->index()));
    r.headers.emplace_back("X-Consul-Index", std::to_string(index));
    r.headers.emplace_back("X-Consul-KnownLeader", "true");
    r.headers.emplace_back("X-Consul-LastContact", "0");
    r.headers.emplace_back("X-Consul-Effective-Consistency",
                           req.query.has("stale") ? "stale" : "leader");
  }
  r.headers.emplace_back("X-Consul-Default-ACL-Policy", "allow");
  return r;
}

}  // namespace roster::http
