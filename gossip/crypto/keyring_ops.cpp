#include "gossip/crypto/keyring_ops.hpp"

namespace roster::gossip::crypto {
namespace {

constexpr const char* kNotEnabled =
    "gossip encryption is not enabled on this agent (start it with -encrypt KEY; `roster keygen` makes one)";

}  // namespace

KeyringPool local_pool(const Keyring& ring, const std::string& datacenter) {
  KeyringPool pool;
  pool.datacenter = datacenter;
  pool.num_nodes = 1;
  for (const Key& k : ring.keys()) pool.keys[k.to_base64()] = 1;
  if (const Key* p = ring.primary()) pool.primary_keys[p->to_base64()] = 1;
  return pool;
}

KeyringService::KeyringService(std::shared_ptr<KeyringStore> store, std::string datacenter, KeyringHooks hooks)
    : store_(std::move(store)), datacenter_(std::move(datacenter)), hooks_(std::move(hooks)) {}

void KeyringService::set_hooks(KeyringHooks hooks) {
  std::lock_guard lock(hooks_mutex_);
  hooks_ = std::move(hooks);
}

Result<std::vector<KeyringPool>> KeyringService::list() const {
  const auto ring = store_->snapshot();
  if (ring->empty()) return conflict(kNotEnabled);
  KeyringPool pool = local_pool(*ring, datacenter_);
  std::function<std::optional<ClusterKeyView>()> view;
  {
    std::lock_guard lock(hooks_mutex_);
    view = hooks_.cluster_view;
  }
  if (view)
    if (auto cluster = view()) {
      pool.num_nodes = cluster->num_nodes;
      pool.keys = cluster->keys;
      pool.primary_keys = cluster->primary_keys;
      pool.messages = cluster->messages;
    }
  return std::vector<KeyringPool>{std::move(pool)};
}

Status KeyringService::apply(KeyringOp op, std::string_view base64) {
  auto key = Key::parse(base64);
  if (!key) return key.error();
  auto st = store_->update([&](Keyring& ring) -> Status {
    if (ring.empty()) return conflict(kNotEnabled);
    switch (op) {
      case KeyringOp::Install: return ring.install(*key);
      case KeyringOp::Use: return ring.use(*key);
      case KeyringOp::Remove: return ring.remove(*key);
    }
    return ok();
  });
  if (!st) return st;
  std::function<Status(KeyringOp, const Key&)> broadcast;
  {
    std::lock_guard lock(hooks_mutex_);
    broadcast = hooks_.broadcast;
  }
  return broadcast ? broadcast(op, *key) : ok();
}

Status KeyringService::install(std::string_view base64) { return apply(KeyringOp::Install, base64); }
Status KeyringService::use(std::string_view base64) { return apply(KeyringOp::Use, base64); }
Status KeyringService::remove(std::string_view base64) { return apply(KeyringOp::Remove, base64); }

}  // namespace roster::gossip::crypto
