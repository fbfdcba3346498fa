#pragma once
// The Consul HTTP API as one route table, plus the headers Consul puts on
// every response (X-Consul-Index never 0, KnownLeader, LastContact).
#include <memory>

#include "http/api_context.hpp"
#include "http/router.hpp"

namespace roster::http {

// Thread safety: immutable after construction; handle() may run concurrently.
class Api {
 public:
  explicit Api(ApiContext ctx);
  Response handle(Request& req) const;

 private:
  ApiContext ctx_;
  std::unique_ptr<Router> router_;
};

}  // namespace roster::http
