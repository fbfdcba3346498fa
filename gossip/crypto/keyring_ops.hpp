#pragma once
// The keyring operations of Consul's /v1/operator/keyring and `consul
// keyring`, as pure functions of a KeyringStore with Consul-shaped results,
// for the HTTP layer and the CLI.
//
// They act on this agent's keyring, then through KeyringHooks on every other
// member (the agent sets the hooks: agent/gossip_wiring.cpp,
// gossip/keyring_query.hpp); without hooks the counts are this agent's own
// (NumNodes 1).
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "gossip/crypto/keyring.hpp"

namespace roster::gossip::crypto {

// One element of GET /v1/operator/keyring (Consul's api.KeyringResponse).
struct KeyringPool {
  bool wan = false;
  std::string datacenter;
  std::string segment;
  std::map<std::string, std::string> messages;  // node → error, omitted when empty
  std::map<std::string, int> keys;              // base64 → nodes holding it
  std::map<std::string, int> primary_keys;      // base64 → nodes using it as primary
  int num_nodes = 0;
};

enum class KeyringOp { Install, Use, Remove };

// What the gossip layer knows of the other members' keyrings.
struct ClusterKeyView {
  int num_nodes = 0;
  std::map<std::string, int> keys;
  std::map<std::string, int> primary_keys;
  std::map<std::string, std::string> messages;
};

struct KeyringHooks {
  // The cluster-wide view; unset or nullopt: only this agent's keyring.
  std::function<std::optional<ClusterKeyView>()> cluster_view;
  // Carries an operation to the other members after it succeeded here; its
  // error becomes the operation's error (Consul fails if any node fails).
  std::function<Status(KeyringOp, const Key&)> broadcast;
};

// Thread safety: as KeyringStore (any thread).
class KeyringService {
 public:
  KeyringService(std::shared_ptr<KeyringStore> store, std::string datacenter, KeyringHooks hooks = {});

  // Errors: Conflict when gossip encryption is off on this agent.
  Result<std::vector<KeyringPool>> list() const;
  // `base64` as the client sent it; Invalid when it is not a valid key.
  Status install(std::string_view base64);
  Status use(std::string_view base64);
  Status remove(std::string_view base64);

  void set_hooks(KeyringHooks hooks);
  const std::shared_ptr<KeyringStore>& store() const { return store_; }

 private:
  Status apply(KeyringOp op, std::string_view base64);

  std::shared_ptr<KeyringStore> store_;
  std::string datacenter_;
  mutable std::mutex hooks_mutex_;
  KeyringHooks hooks_;
};

// The local agent's pool: each key counted once, the primary in PrimaryKeys.
KeyringPool local_pool(const Keyring& ring, const std::string& datacenter);

}  // namespace roster::gossip::crypto
