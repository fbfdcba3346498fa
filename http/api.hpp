#pragma once
// The Consul HTTP API as one route table, plus the headers Consul puts on
// every response (X-Consul-Index never 0, KnownLeader, LastContact), and the
// cache of finished catalog/health answers (http/response_cache.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "http/api_context.hpp"
#include "http/response_cache.hpp"
#include "http/router.hpp"

namespace roster::http {

// What the server sends: a shared, immutable answer (possibly from the cache)
// and, for a blocking read with nothing newer yet, what to wait for.
struct Answer {
  std::shared_ptr<const Response> response;
  std::optional<WaitSpec> wait;
  // A write whose acknowledgement waits for its commit (Api::when_committed):
  // the response goes out only once the write is durable and visible.
  std::uint64_t commit = 0;
};

struct ApiOptions {
  std::size_t cache_entries = 4096;          // 0: no response cache
  std::size_t cache_bytes = 16 * 1024 * 1024;
};

// Thread safety: handle() and serve() may run concurrently (the route table is
// immutable, the cache locks).
class Api {
 public:
  explicit Api(ApiContext ctx, ApiOptions options = {});
  ~Api();
  Answer serve(Request& req) const;
  // serve() as one Response (its `wait` set when the read should block).
  Response handle(Request& req) const;
  // Calls `done` once write `commit` (Answer::commit) is committed.
  void when_committed(std::uint64_t commit, std::function<void(Status)> done) const;

  ResponseCache* cache() const { return cache_.get(); }
  const Router& router() const { return *router_; }

 private:
  // The headers every answer gets (query meta on reads, the ACL policy).
  void decorate(const Request& req, bool read, const AclConfig& acl, Response& r) const;

  ApiContext ctx_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<ResponseCache> cache_;
};

}  // namespace roster::http
