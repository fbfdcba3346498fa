#include "http/api.hpp"

#include <algorithm>

#include "http/blocking.hpp"
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
// decide whether to wait, not the answer), and the token (ACLs, once they
// exist, will make answers depend on it).
std::string cache_key(const Request& req) {
  std::string key;
  key.reserve(req.path.size() + 64);
  append_sized(key, req.path);
  for (const auto& [k, v] : req.query.items()) {
    if (k == "index" || k == "wait") continue;
    append_sized(key, k);
    append_sized(key, v);
  }
  append_sized(key, req.token());
  return key;
}

// ?filter= and ?node-meta= may select on fields (node addresses and metadata)
// whose changes do not all move the route's resource index: their answers are
// only reused while the whole catalog is unchanged.
bool needs_catalog_index(const Request& req) { return req.query.has("filter") || req.query.has("node-meta"); }

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
  handlers::add_unsupported_routes(routes);
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
  // Reads carry the query meta headers, on errors too: python-consul reads
  // X-Consul-Index unconditionally, Go's api package needs LastContact, and
  // an index of 0 would make watchers spin (Consul substitutes 1).
  if (read) {
    const registry::Index index = std::max<registry::Index>(
        1, r->index.value_or(ctx_.registry.snapshot()->index()));
    r->headers.emplace_back("X-Consul-Index", std::to_string(index));
    r->headers.emplace_back("X-Consul-KnownLeader", "true");
    r->headers.emplace_back("X-Consul-LastContact", "0");
    r->headers.emplace_back("X-Consul-Effective-Consistency",
                            req.query.has("stale")        ? "stale"
                            : req.query.has("consistent") ? "consistent"
                                                          : "leader");
    if (req.query.has("cached")) r->headers.emplace_back("X-Cache", "MISS");
  }
  r->headers.emplace_back("X-Consul-Default-ACL-Policy", "allow");

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

Response Api::handle(Request& req) const {
  Answer a = serve(req);
  Response r = *a.response;
  r.wait = std::move(a.wait);
  return r;
}

}  // namespace roster::http
