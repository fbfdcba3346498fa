// /v1/status/*, and the 501 answers for the parts of Consul's API this agent
// does not serve yet.
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;

// Roster has no Raft servers: every agent answers with itself, so clients
// that wait for a leader (registrator, Consul's test SDK) proceed.
std::string self_server(const ApiContext& ctx) {
  return ctx.info.address + ":" + std::to_string(ctx.info.server_port);
}

Response leader(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) { w.String(self_server(ctx).c_str()); });
}

Response peers(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    w.String(self_server(ctx).c_str());
    w.EndArray();
  });
}

}  // namespace

void add_status_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/status/leader", false, bind(leader)});
  r.push_back({{M::Get}, "/v1/status/peers", false, bind(peers)});
}

void add_unsupported_routes(std::vector<Route>& r) {
  auto not_implemented = [](std::string what) {
    return [what](const Request&) {
      return error_response(501, what + " is not supported by this agent yet");
    };
  };
  const std::vector<Method> all = {M::Get, M::Put, M::Post, M::Delete};
  r.push_back({all, "/v1/kv/", true, not_implemented("The KV store")});
  r.push_back({all, "/v1/event/", true, not_implemented("User events")});
}

}  // namespace roster::http::handlers
