#include "gossip/replica_store.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "gossip/wire.hpp"

namespace roster::gossip::replica {
namespace {

std::int64_t seconds_of(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// What the summary hashes for one entry: identical on every agent holding it.
std::uint64_t entry_hash(const Replica& r) {
  Bytes b;
  Writer w(b);
  w.str(to_lower(r.name));
  w.varint(r.stamp.boot);
  w.varint(r.stamp.version);
  w.u64(r.digest);
  w.u8(r.removed() ? 1 : 0);
  return hash64(b, 0x73756d6d61727900ULL);
}

}  // namespace

std::uint64_t boot_epoch(WallTime now, std::uint64_t last) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return std::max<std::uint64_t>(last + 1, us > 0 ? static_cast<std::uint64_t>(us) : 0);
}

int precedence(const Entry& a, const Entry& b) {
  if (a.stamp != b.stamp) return a.stamp > b.stamp ? 1 : -1;
  if (a.removed != b.removed) return a.removed ? 1 : -1;  // a removal outranks its own stamp's record
  if (a.digest != b.digest) return a.digest > b.digest ? 1 : -1;
  return 0;
}

ReplicaStore::ReplicaStore(std::string self, std::uint64_t boot, std::chrono::seconds tombstone_ttl)
    : self_(std::move(self)), boot_(boot), tombstone_ttl_(tombstone_ttl) {}

void ReplicaStore::account(const Replica& r, bool add) {
  const std::uint64_t h = entry_hash(r);
  auto& bucket = summary_.buckets[bucket_of(r.name)];
  if (add) {
    bucket += h;
    ++summary_.count;
  } else {
    bucket -= h;
    --summary_.count;
  }
}

void ReplicaStore::put(const std::string& key, Replica r) {
  const auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    account(it->second, false);
    account(r, true);
    it->second = std::move(r);
    return;
  }
  account(r, true);
  by_tag_.emplace(tag_of(key), key);
  by_key_.emplace(key, std::move(r));
}

bool ReplicaStore::expired(std::int64_t removed_at, WallTime now) const {
  return removed_at + tombstone_ttl_.count() <= seconds_of(now);
}

std::optional<ReplicaStore::LocalChange> ReplicaStore::set_local(const registry::NodeRecord& record) {
  auto bytes = std::make_shared<const Bytes>(encode_record(record));
  const std::uint64_t digest = hash64(*bytes);
  const std::uint64_t shape = hash64(encode_record(record, false));
  const std::string key = to_lower(self_);
  const Replica* cur = find(self_);
  if (cur && !cur->removed() && cur->digest == digest) return std::nullopt;
  Replica r;
  r.name = record.node.name.empty() ? self_ : record.node.name;
  r.stamp = Stamp{boot_, cur && cur->stamp.boot == boot_ ? cur->stamp.version + 1 : 1};
  r.digest = digest;
  r.bytes = std::move(bytes);
  r.record = std::make_shared<const registry::NodeRecord>(record);
  const bool quiet = cur && !cur->removed() && shape == local_shape_;
  local_shape_ = shape;
  put(key, std::move(r));
  return LocalChange{local_rumor(), quiet};
}

Rumor ReplicaStore::local_rumor() const {
  Rumor r;
  r.owner = r.holder = tag_of(self_);
  if (const Replica* l = local()) {
    r.stamp = l->stamp;
    r.digest = l->digest;
  }
  return r;
}

bool ReplicaStore::outrank(Stamp stamp, std::uint64_t digest) {
  const std::string key = to_lower(self_);
  const auto it = by_key_.find(key);
  if (it == by_key_.end() || stamp < it->second.stamp || (stamp == it->second.stamp && digest == it->second.digest))
    return false;
  Replica r = it->second;
  boot_ = std::max(boot_, stamp.boot);
  r.stamp = Stamp{boot_, stamp.boot == boot_ ? stamp.version + 1 : 1};
  put(key, std::move(r));
  return true;
}

Merge ReplicaStore::merge(const Shipped& item, WallTime now) {
  const std::string key = to_lower(item.name);
  if (item.removed && expired(item.removed_at, now)) return Merge::Expired;
  if (!item.removed && (!item.record || item.name.empty())) {
    ++stats_.invalid;
    return Merge::Invalid;
  }
  const Entry incoming{item.name, item.stamp, item.removed ? 0 : hash64(*item.record), item.removed};
  const auto it = by_key_.find(key);

  if (key == to_lower(self_)) {
    // Only we write our record: a newer stamp is a previous life of this
    // agent (or a removal of it); jump past it and announce.
    if (it == by_key_.end() || precedence(incoming, it->second.entry()) <= 0) return Merge::Same;
    return outrank(item.stamp, incoming.digest) ? Merge::OwnNewer : Merge::Same;
  }

  const int p = it == by_key_.end() ? 1 : precedence(incoming, it->second.entry());
  const bool same_stamp_records =
      it != by_key_.end() && !item.removed && !it->second.removed() && item.stamp == it->second.stamp;
  if (p <= 0) {
    if (p == 0) {
      if (item.removed && item.removed_at < it->second.removed_at) it->second.removed_at = item.removed_at;
      return Merge::Same;
    }
    if (same_stamp_records) {
      ++stats_.conflicts;
      return Merge::ConflictLost;
    }
    if (item.stamp.boot < it->second.stamp.boot) {
      ++stats_.old_boot;
      return Merge::OldBoot;
    }
    ++stats_.stale;
    return Merge::Stale;
  }

  Replica r;
  r.name = item.name;
  r.stamp = item.stamp;
  if (item.removed) {
    r.removed_at = item.removed_at;
    const bool had_record = it != by_key_.end() && !it->second.removed();
    put(key, std::move(r));
    return had_record ? Merge::Removed : Merge::Tombstoned;
  }
  auto decoded = decode_record(*item.record);
  if (!decoded || !iequals(decoded->node.name, item.name)) {
    ++stats_.invalid;
    return Merge::Invalid;
  }
  r.digest = incoming.digest;
  r.bytes = item.record;
  r.record = std::make_shared<const registry::NodeRecord>(std::move(*decoded));
  put(key, std::move(r));
  if (same_stamp_records) {
    ++stats_.conflicts;
    return Merge::ConflictWon;
  }
  return Merge::Applied;
}

bool ReplicaStore::remove(std::string_view name, WallTime now) {
  const std::string key = to_lower(name);
  const auto it = by_key_.find(key);
  if (it == by_key_.end() || it->second.removed() || key == to_lower(self_)) return false;
  Replica r;
  r.name = it->second.name;
  r.stamp = it->second.stamp;
  r.removed_at = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  put(key, std::move(r));
  return true;
}

void ReplicaStore::forget_tombstone(std::string_view name) {
  const std::string key = to_lower(name);
  const auto it = by_key_.find(key);
  if (it == by_key_.end() || !it->second.removed()) return;
  account(it->second, false);
  const auto range = by_tag_.equal_range(tag_of(key));
  for (auto t = range.first; t != range.second; ++t)
    if (t->second == key) {
      by_tag_.erase(t);
      break;
    }
  by_key_.erase(it);
}

std::size_t ReplicaStore::expire(WallTime now) {
  std::vector<std::string> gone;
  for (const auto& [key, r] : by_key_)
    if (r.removed() && expired(r.removed_at, now)) gone.push_back(key);
  for (const auto& key : gone) forget_tombstone(key);
  stats_.tombstones_expired += gone.size();
  return gone.size();
}

const Replica* ReplicaStore::find(std::string_view name) const {
  const auto it = by_key_.find(to_lower(name));
  return it == by_key_.end() ? nullptr : &it->second;
}

std::vector<const Replica*> ReplicaStore::find_tag(std::uint64_t tag) const {
  std::vector<const Replica*> out;
  const auto range = by_tag_.equal_range(tag);
  for (auto t = range.first; t != range.second; ++t) out.push_back(&by_key_.at(t->second));
  return out;
}

bool ReplicaStore::would_take(std::string_view name, Stamp stamp, std::uint64_t digest) const {
  const Replica* r = find(name);
  if (iequals(name, self_)) return false;
  return !r || precedence(Entry{std::string(name), stamp, digest, false}, r->entry()) > 0;
}

std::uint32_t ReplicaStore::differing(const Summary& a, const Summary& b) {
  std::uint32_t mask = 0;
  for (std::size_t i = 0; i < kBuckets; ++i)
    if ((a.buckets[i] ^ b.buckets[i]) & ((std::uint64_t{1} << 48) - 1)) mask |= 1u << i;
  return mask;
}

std::vector<Entry> ReplicaStore::entries(std::uint32_t mask) const {
  std::vector<Entry> out;
  for (const auto& [key, r] : by_key_)
    if (mask & (1u << bucket_of(key))) out.push_back(r.entry());
  return out;
}

ReplicaStore::Plan ReplicaStore::compare(std::uint32_t mask, const std::vector<Entry>& theirs) const {
  Plan plan;
  std::map<std::string, const Entry*> peer;
  for (const auto& e : theirs) {
    const std::string key = to_lower(e.name);
    if (mask & (1u << bucket_of(key))) peer.emplace(key, &e);
  }
  for (const auto& [key, r] : by_key_) {
    if (!(mask & (1u << bucket_of(key)))) continue;
    const auto it = peer.find(key);
    const int p = it == peer.end() ? 1 : precedence(r.entry(), *it->second);
    if (p > 0) plan.ship.push_back(r.name);
    else if (p < 0) plan.want.push_back(it->second->name);
  }
  for (const auto& [key, e] : peer)
    if (!by_key_.count(key)) plan.want.push_back(e->name);
  return plan;
}

std::optional<Shipped> ReplicaStore::ship(std::string_view name) const {
  const Replica* r = find(name);
  if (!r) return std::nullopt;
  return Shipped{r->name, r->stamp, r->removed(), r->removed_at, r->bytes};
}

}  // namespace roster::gossip::replica
