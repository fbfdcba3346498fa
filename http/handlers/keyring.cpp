// /v1/operator/keyring. Consul answers keyring failures (a key not installed,
// removing the primary, encryption off) with 500 and the reason as text;
// only an unreadable request body or key is a 400.
#include "http/handlers/keyring.hpp"

#include "http/handlers/common.hpp"
#include "http/json/keyring_json.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;
using gossip::crypto::KeyringService;

Response keyring_error(const Error& e) { return error_response(e.code == ErrorCode::Invalid ? 400 : 500, e.message); }

Response list(const Request& req, ApiContext& ctx, KeyringService* svc) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  if (!svc) return error_response(500, "gossip encryption is not enabled on this agent");
  auto pools = svc->list();
  if (!pools) return keyring_error(pools.error());
  return json_response(opts, ctx.registry.snapshot()->index(),
                       [&](json::JsonOut& w) { json::write_keyring_pools(w, *pools); });
}

Response change(const Request& req, KeyringService* svc, Status (KeyringService::*op)(std::string_view)) {
  auto key = json::decode_keyring_request(req.body);
  if (!key) return keyring_error(key.error());
  if (!svc) return error_response(500, "gossip encryption is not enabled on this agent");
  if (auto st = (svc->*op)(*key); !st) return keyring_error(st.error());
  return empty_ok();
}

}  // namespace

void add_keyring_routes(std::vector<Route>& r, ApiContext& ctx, std::shared_ptr<KeyringService> keyring) {
  // One route per method would each match the same path; the router wants
  // one entry per path, so dispatch on the method here.
  r.push_back({{M::Get, M::Post, M::Put, M::Delete},
               "/v1/operator/keyring",
               false,
               [&ctx, keyring](const Request& req) {
                 switch (req.method) {
                   case M::Post: return change(req, keyring.get(), &KeyringService::install);
                   case M::Put: return change(req, keyring.get(), &KeyringService::use);
                   case M::Delete: return change(req, keyring.get(), &KeyringService::remove);
                   default: return list(req, ctx, keyring.get());
                 }
               }});
}

}  // namespace roster::http::handlers
