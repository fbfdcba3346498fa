#pragma once
// /v1/operator/keyring: list (GET), install (POST), use (PUT) and remove
// (DELETE) gossip encryption keys, as Consul's operator keyring API.
#include <memory>
#include <vector>

#include "gossip/crypto/keyring_ops.hpp"
#include "http/api_context.hpp"
#include "http/router.hpp"

namespace roster::http::handlers {

// `keyring` null: every method answers 500 (encryption is not configured).
void add_keyring_routes(std::vector<Route>& routes, ApiContext& ctx,
                        std::shared_ptr<gossip::crypto::KeyringService> keyring);

}  // namespace roster::http::handlers
