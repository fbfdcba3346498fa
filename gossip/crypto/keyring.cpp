#include "gossip/crypto/keyring.hpp"

#include <algorithm>

namespace roster::gossip::crypto {

Result<Keyring> Keyring::from_keys(std::vector<Key> keys) {
  Keyring ring;
  for (const Key& k : keys)
    if (auto st = ring.install(k); !st) return st.error();
  return ring;
}

bool Keyring::contains(const Key& k) const { return std::find(keys_.begin(), keys_.end(), k) != keys_.end(); }

const Key* Keyring::find_check(std::uint64_t check) const {
  for (const Key& k : keys_)
    if (k.check() == check) return &k;
  return nullptr;
}

Status Keyring::install(const Key& k) {
  if (contains(k)) return ok();
  if (keys_.size() >= kMaxKeys)
    return conflict("the keyring already holds " + std::to_string(kMaxKeys) +
                    " keys; remove one before installing another");
  keys_.push_back(k);
  return ok();
}

Status Keyring::use(const Key& k) {
  const auto it = std::find(keys_.begin(), keys_.end(), k);
  if (it == keys_.end())
    return not_found("key ID " + std::to_string(k.id()) + " is not installed; install it before making it primary");
  std::rotate(keys_.begin(), it, it + 1);
  return ok();
}

Status Keyring::remove(const Key& k) {
  const auto it = std::find(keys_.begin(), keys_.end(), k);
  if (it == keys_.end()) return not_found("key ID " + std::to_string(k.id()) + " is not installed");
  if (it == keys_.begin())
    return conflict("removing the primary key is not allowed; make another key primary first");
  keys_.erase(it);
  return ok();
}

std::string Keyring::describe() const {
  if (keys_.empty()) return "no keys";
  std::string out;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (i > 0) out += ", ";
    out += "ID " + std::to_string(keys_[i].id());
    if (i == 0) out += " (primary)";
  }
  return out;
}

KeyringStore::KeyringStore(Keyring initial) : ring_(std::make_shared<const Keyring>(std::move(initial))) {}

std::shared_ptr<const Keyring> KeyringStore::snapshot() const {
  std::lock_guard lock(mutex_);
  return ring_;
}

Status KeyringStore::update(const std::function<Status(Keyring&)>& change) {
  std::lock_guard lock(mutex_);
  Keyring next = *ring_;
  if (auto st = change(next); !st) return st;
  if (persist_)
    if (auto st = persist_(next); !st) return st;
  ring_ = std::make_shared<const Keyring>(std::move(next));
  ++generation_;
  return ok();
}

void KeyringStore::replace(Keyring ring) {
  std::lock_guard lock(mutex_);
  ring_ = std::make_shared<const Keyring>(std::move(ring));
  ++generation_;
}

void KeyringStore::set_persist(Persist persist) {
  std::lock_guard lock(mutex_);
  persist_ = std::move(persist);
}

std::uint64_t KeyringStore::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

}  // namespace roster::gossip::crypto
