#include "http/api.hpp"

#include <algorithm>

#include "http/blocking.hpp"
#include "http/handlers/keyring.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http {
namespace {

const std::string* header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return &v;
  return nullptr;
}

// A blocking read whose answer holds nothing newer than the client has gets a
// WaitSpec: the server waits for a catalog where the resource moved on.
std::optional<WaitSpec> wait_for(const Route& route, const Request& req, const Response& r,
                                 const BlockingRequest& blocking) {
  if (r.status != 200) return std::nullopt;
  if (route.index_of && blocking.index > 0 && r.index && *r.index <= blocking.index) {
    auto held = std::make_shared<const Request>(req);
    return WaitSpec{blocking.wait.value_or(Duration::zero()),
                    [probe = route.index_of, held, after = blocking.index](const registry::Catalog& c) {
                      return probe(c, *held) > after;
                    }};
  }
  if (route.hash_of) {
    const auto hash = req.query.get("hash");
    const std::string* current = header_of(r, "X-Consul-ContentHash");
    if (!hash || hash->empty() || *hash != (current ? *current : std::string())) return std::nullopt;
    auto held = std::make_shared<const Request>(req);
    return WaitSpec{blocking.wait.value_or(Duration::zero()),
                    [probe = route.hash_of, held, hash = *hash](const registry::Catalog& c) {
                      return probe(c, *held) != hash;
                    }};
  }
  return std::nullopt;
}

void append_sized(std::string& key, std::string_view s) {
  key += std::to_string(s.size());
  key += ':';
  key += s;
}

// The cache key: path, query parameters in order except index and wait (they
// decide whether to wait, not the answer) and token. An answer does not depend
// on the token: the ACL decision runs before the cache, and a request it does
// not let through never reaches it.
std::string cache_key(const Request& req) {
  std::string key;
  key.reserve(req.path.size() + 64);
  append_sized(key, req.path);
  for (const auto& [k, v] : req.query.items()) {
    if (k == "index" || k == "wait" || k == "token") continue;
    append_sized(key, k);
    append_sized(key, v);
  }
  return key;
}

// ?filter= and ?node-meta= may select on fields (node addresses and metadata)
// whose changes do not all move the route's resource index: their answers are
// only reused while the whole catalog is unchanged.
bool needs_catalog_index(const Request& req) { return req.query.has("filter") || req.query.has("node-meta"); }

// Every route's access kind, by its path in the route table (one place, so a
// route cannot forget its check). A route missing here is treated as Write.
struct AccessRule {
  std::string_view path;
  Access access;
  std::string_view filtered = "[]";  // ReadList: the empty collection of a filtered answer
};

constexpr AccessRule kAccessRules[] = {
    // Agent: the service and check writes need the management token; the
    // agent's own operations the agent token too (acl.hpp).
    {"/v1/agent/service/register", Access::Write},
    {"/v1/agent/service/deregister/", Access::Write},
    {"/v1/agent/service/maintenance/", Access::Write},
    {"/v1/agent/check/register", Access::Write},
    {"/v1/agent/check/deregister/", Access::Write},
    {"/v1/agent/check/pass/", Access::Write},
    {"/v1/agent/check/warn/", Access::Write},
    {"/v1/agent/check/fail/", Access::Write},
    {"/v1/agent/check/update/", Access::Write},
    {"/v1/agent/maintenance", Access::AgentWrite},
    {"/v1/agent/leave", Access::AgentWrite},
    {"/v1/agent/join/", Access::AgentWrite},
    {"/v1/agent/force-leave/", Access::AgentWrite},
    {"/v1/agent/reload", Access::AgentWrite},
    // Gossip keys: listing them is an operator's act too (Consul: keyring:read/write).
    {"/v1/operator/keyring", Access::AgentWrite},
    {"/v1/agent/self", Access::ReadOne},
    {"/v1/agent/members", Access::ReadList, "[]"},
    {"/v1/agent/services", Access::ReadList, "{}"},
    {"/v1/agent/checks", Access::ReadList, "{}"},
    {"/v1/agent/service/", Access::ReadOne},
    {"/v1/agent/health/service/id/", Access::ReadOne},
    {"/v1/agent/health/service/name/", Access::ReadOne},
    // Catalog and health: Consul filters what the token may not see; a node
    // it may not see reads as an unknown one (null).
    {"/v1/catalog/register", Access::Write},
    {"/v1/catalog/deregister", Access::Write},
    {"/v1/catalog/services", Access::ReadList, "{}"},
    {"/v1/catalog/service/", Access::ReadList, "[]"},
    {"/v1/catalog/nodes", Access::ReadList, "[]"},
    {"/v1/catalog/node/", Access::ReadList, "null"},
    {"/v1/catalog/datacenters", Access::Open},
    {"/v1/health/service/", Access::ReadList, "[]"},
    {"/v1/health/checks/", Access::ReadList, "[]"},
    {"/v1/health/node/", Access::ReadList, "[]"},
    {"/v1/health/state/", Access::ReadList, "[]"},
    {"/v1/prometheus", Access::ReadList, "[]"},
    {"/v1/prometheus/", Access::ReadList, "[]"},
    // Consul's status endpoints take no token; KV and events only answer
    // "not implemented" in this version.
    {"/v1/status/leader", Access::Open},
    {"/v1/status/peers", Access::Open},
    {"/v1/kv/", Access::Open},
    {"/v1/event/", Access::Open},
};

void assign_access(std::vector<Route>& routes) {
  for (Route& r : routes)
    for (const AccessRule& rule : kAccessRules)
      if (rule.path == r.path) {
        r.access = rule.access;
        r.filtered = rule.filtered;
        break;
      }
}

// The answer for a request the ACL decision did not allow through.
std::shared_ptr<Response> refused(Verdict verdict, const Route& route, const Request& req,
                                  const registry::Catalog& catalog) {
  if (verdict == Verdict::UnknownToken) return std::make_shared<Response>(error_response(403, std::string(kAclNotFound)));
  if (verdict == Verdict::Deny) return std::make_shared<Response>(error_response(403, std::string(kPermissionDenied)));
  // Filtered to nothing. Consul sends X-Consul-Results-Filtered-By-ACLs only
  // to requests that carry a token; Roster filters only anonymous ones.
  auto r = std::make_shared<Response>();
  r->content_type = "application/json";
  r->body = std::string(route.filtered);
  r->index = route.index_of ? route.index_of(catalog, req) : catalog.index();
  return r;
}

}  // namespace

Api::Api(ApiContext ctx, ApiOptions options) : ctx_(std::move(ctx)) {
  std::vector<Route> routes;
  handlers::add_agent_routes(routes, ctx_);
  handlers::add_agent_service_routes(routes, ctx_);
  handlers::add_agent_check_routes(routes, ctx_);
  handlers::add_catalog_routes(routes, ctx_);
  handlers::add_catalog_write_routes(routes, ctx_);
  handlers::add_health_routes(routes, ctx_);
  handlers::add_status_routes(routes, ctx_);
  handlers::add_prometheus_routes(routes, ctx_);
  handlers::add_keyring_routes(routes, ctx_, ctx_.keyring);
  handlers::add_unsupported_routes(routes);
  assign_access(routes);
  router_ = std::make_unique<Router>(std::move(routes));
  if (options.cache_entries > 0 && options.cache_bytes > 0)
    cache_ = std::make_unique<ResponseCache>(options.cache_entries, options.cache_bytes);
}

Api::~Api() = default;

Answer Api::serve(Request& req) const {
  const Route* route = router_->match(req);
  const bool read = req.method == Method::Get || req.method == Method::Head;
  std::optional<BlockingRequest> blocking;
  if (read && route) {
    if (auto b = parse_blocking(req.query)) blocking = *b;  // bad values: the handler answers 400
  }

  // Access control, before the cache: an answer cached for one token must not
  // reach a request that may not see it (404, 405 and OPTIONS come first).
  const std::shared_ptr<const AclConfig> acl = ctx_.acl ? ctx_.acl->get() : nullptr;
  if (acl && acl->enabled && route && req.method != Method::Options && Router::accepts(*route, req.method)) {
    if (const Verdict v = decide(route->access, req.token(), *acl); v != Verdict::Allow) {
      Answer a;
      auto r = refused(v, *route, req, *ctx_.registry.snapshot());
      if (blocking && r->status == 200) a.wait = wait_for(*route, req, *r, *blocking);
      decorate(req, read, *acl, *r);
      a.response = std::move(r);
      return a;
    }
  }

  // A cached answer for an unchanged resource.
  std::string key;
  bool whole_catalog = false;
  std::shared_ptr<const registry::Catalog> before;
  if (cache_ && blocking && route->index_of) {
    key = cache_key(req);
    whole_catalog = needs_catalog_index(req);
    before = ctx_.registry.snapshot();
    const registry::Index validity = whole_catalog ? before->index() : route->index_of(*before, req);
    if (auto hit = cache_->find(key, validity)) {
      Answer a{std::move(hit), std::nullopt};
      a.wait = wait_for(*route, req, *a.response, *blocking);
      return a;
    }
  }

  const Route* matched = nullptr;
  Answer a;
  std::optional<registry::Registry::DeferredCommit> deferred;
  if (!read) deferred.emplace(ctx_.registry);  // the server acknowledges once committed
  auto r = std::make_shared<Response>(router_->answer(route, req, &matched));
  if (deferred) a.commit = deferred->seq();
  if (matched && blocking) a.wait = wait_for(*matched, req, *r, *blocking);
  decorate(req, read, acl ? *acl : AclConfig{}, *r);

  if (before && matched && r->status == 200 && r->index) {
    if (!whole_catalog) {
      // The handler stamps the resource index of the catalog it read.
      cache_->store(std::move(key), *r->index, r);
    } else if (const auto after = ctx_.registry.snapshot(); after->index() == before->index()) {
      // No write between the two snapshots: the handler read `before`.
      cache_->store(std::move(key), before->index(), r);
    }
  }
  a.response = std::move(r);
  return a;
}

void Api::when_committed(std::uint64_t commit, std::function<void(Status)> done) const {
  ctx_.registry.when_committed(commit, std::move(done));
}

void Api::decorate(const Request& req, bool read, const AclConfig& acl, Response& r) const {
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
  r.headers.emplace_back("X-Consul-Default-ACL-Policy", std::string(default_policy_name(acl)));
}

Response Api::handle(Request& req) const {
  Answer a = serve(req);
  Response r = *a.response;
  r.wait = std::move(a.wait);
  return r;
}

}  // namespace roster::http
