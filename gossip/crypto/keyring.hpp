#pragma once
// Keyring: the gossip keys an agent holds, one of them primary. The primary
// seals everything sent; every installed key opens what arrives. Rotation is
// Consul's: install the new key everywhere, use it (make it primary), remove
// the old one. An empty keyring means gossip is not encrypted.
//
// KeyringStore: the one shared, thread-safe holder the sealers, openers and
// the HTTP keyring endpoints read and change.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "gossip/crypto/key.hpp"

namespace roster::gossip::crypto {

// Thread safety: a plain value (not thread-safe); share it through KeyringStore.
class Keyring {
 public:
  // The envelope's hello lists every key's check value in one byte of count.
  static constexpr std::size_t kMaxKeys = 16;

  Keyring() = default;
  // `keys.front()` becomes primary; duplicates are dropped.
  static Result<Keyring> from_keys(std::vector<Key> keys);

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  // Null when empty.
  const Key* primary() const { return keys_.empty() ? nullptr : &keys_.front(); }
  // Primary first, then the others in installation order.
  const std::vector<Key>& keys() const { return keys_; }
  bool contains(const Key& k) const;
  const Key* find_check(std::uint64_t check) const;

  // As Consul: installing a key already present changes nothing; the first
  // key of an empty ring becomes primary.
  Status install(const Key& k);
  // Makes an installed key primary (NotFound otherwise).
  Status use(const Key& k);
  // Refuses the primary key (Conflict) and keys not installed (NotFound).
  Status remove(const Key& k);

  // "ID 3 (primary), ID 7": what an error message shows of the ring, never the keys.
  std::string describe() const;

 private:
  std::vector<Key> keys_;
};

// Thread safety: every method may be called from any thread. Readers take an
// immutable snapshot; a change builds a new ring and publishes it whole.
class KeyringStore {
 public:
  // Called with the new ring before it is published; an error refuses the
  // change (the agent persists the ring here once it has joined).
  using Persist = std::function<Status(const Keyring&)>;

  explicit KeyringStore(Keyring initial = {});

  std::shared_ptr<const Keyring> snapshot() const;
  // Applies `change` to a copy of the current ring and publishes the result.
  Status update(const std::function<Status(Keyring&)>& change);
  void replace(Keyring ring);
  void set_persist(Persist persist);
  // Grows by one on every published change (caches can key on it).
  std::uint64_t generation() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Keyring> ring_;
  Persist persist_;
  std::uint64_t generation_ = 0;
};

}  // namespace roster::gossip::crypto
