#include "http/api.hpp"

#include <algorithm>

#include "http/blocking.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http {
namespace {

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// A blocking read whose answer holds nothing newer than the client has gets a
// WaitSpec: the server waits for a catalog where the resource moved on.
void attach_wait(const Route& route, const Request& req, Response& r) {
  if (r.status != 200) return;
  auto blocking = parse_blocking(req.query);
  if (!blocking) return;
  auto held = std::make_shared<const Request>(req);
  if (route.index_of && blocking->index > 0 && r.index && *r.index <= blocking->index) {
    r.wait = WaitSpec{blocking->wait.value_or(Duration::zero()),
                      [probe = route.index_of, held, after = blocking->index](const registry::Catalog& c) {
                        return probe(c, *held) > after;
                      }};
  } else if (route.hash_of) {
    const auto hash = req.query.get("hash");
    if (!hash || hash->empty() || *hash != header_of(r, "X-Consul-ContentHash")) return;
    r.wait = WaitSpec{blocking->wait.value_or(Duration::zero()),
                      [probe = route.hash_of, held, hash = *hash](const registry::Catalog& c) {
                        return probe(c, *held) != hash;
                      }};
  }
}

}  // namespace

Api::Api(ApiContext ctx) : ctx_(std::move(ctx)) {
  std::vector<Route> routes;
  handlers::add_agent_routes(routes, ctx_);
  handlers::add_agent_service_routes(routes, ctx_);
  handlers::add_agent_check_routes(routes, ctx_);
  handlers::add_catalog_routes(routes, ctx_);
  handlers::add_catalog_write_routes(routes, ctx_);
  handlers::add_health_routes(routes, ctx_);
  handlers::add_status_routes(routes, ctx_);
  handlers::add_prometheus_routes(routes, ctx_);
  handlers::add_unsupported_routes(routes);
  router_ = std::make_unique<Router>(std::move(routes));
}

Response Api::handle(Request& req) const {
  const Route* route = nullptr;
  Response r = router_->dispatch(req, &route);
  const bool read = req.method == Method::Get || req.method == Method::Head;
  if (read && route) attach_wait(*route, req, r);
  // Reads carry the query meta headers, on errors too: python-consul reads
  // X-Consul-Index unconditionally, Go's api package needs LastContact, and
  // an index of 0 would make watchers spin (Consul substitutes 1).
  if (read) {
    const registry::Index index = std::max<registry::Index>(
        1, r.index.value_or(ctx_.registry.snapshot()->index()));
    r.headers.emplace_back("X-Consul-Index", std::to_string(index));
    r.headers.emplace_back("X-Consul-KnownLeader", "true");
    r.headers.emplace_back("X-Consul-LastContact", "0");
    r.headers.emplace_back("X-Consul-Effective-Consistency",
                           req.query.has("stale")        ? "stale"
                           : req.query.has("consistent") ? "consistent"
                                                         : "leader");
    if (req.query.has("cached")) r.headers.emplace_back("X-Cache", "MISS");
  }
  r.headers.emplace_back("X-Consul-Default-ACL-Policy", "allow");
  return r;
}

}  // namespace roster::http
