#pragma once
// ReplicaStore: this agent's replica of every node's record (its own
// included), with the merge rules of the replicated registry
// (docs/replication.md). Pure: no I/O, time passed in; one thread owns it.
//
//  - Each owner's record carries a Stamp (boot, version) only the owner raises.
//    A newer stamp replaces the whole record; an older one is ignored; one from
//    an older boot of the owner is dropped.
//  - Same stamp, different digest (should not happen: an owner reusing a
//    stamp) is settled the same way everywhere: the higher digest wins; counted.
//  - Removing a node (it left, was reaped, or a peer shipped a removal) leaves
//    a tombstone at the removed stamp: nothing at or below it comes back, until
//    the tombstone expires (`tombstone_ttl` after the removal, longer than
//    gossip's reap time). Tombstones are compared and shipped like records, so
//    anti-entropy carries removals too. A tombstone wins over a record with
//    the same stamp.
//  - Services and checks need no tombstones of their own: a deregistration is
//    a newer version of the whole record without them, and older versions lose.
//  - The local node is a replica entry too (peers fetch it from us). A stamp
//    about ourselves newer than ours (a previous life of this agent) is never
//    taken: our version jumps past it instead.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gossip/replica_codec.hpp"

namespace roster::gossip::replica {

using WallTime = std::chrono::system_clock::time_point;

// The boot epoch for a start at `now`: after `last` (persisted by an earlier
// run, 0 if none) and at least the wall clock in microseconds, so a restart
// never goes backwards even without a data dir.
std::uint64_t boot_epoch(WallTime now, std::uint64_t last = 0);

struct Replica {
  std::string name;  // as the owner spells it
  Stamp stamp;
  std::uint64_t digest = 0;                         // hash64(*bytes); 0 for a tombstone
  std::shared_ptr<const Bytes> bytes;               // as the owner encoded it; null: tombstone
  std::shared_ptr<const registry::NodeRecord> record;  // decoded; null: tombstone
  std::int64_t removed_at = 0;                      // tombstone: wall-clock seconds
  bool removed() const { return !bytes; }
  Entry entry() const { return Entry{name, stamp, digest, removed()}; }
};

enum class Merge {
  Applied,     // a new or newer record replaced what was held
  Removed,     // a tombstone replaced a record
  Tombstoned,  // a tombstone was stored where nothing was held (or replaced an older one)
  Same,        // nothing new
  Stale,       // older than what is held (or blocked by a tombstone)
  OldBoot,     // from an earlier boot of the owner than the one held
  ConflictWon, ConflictLost,  // same stamp, different digest: settled by digest
  Invalid,     // undecodable record, or one naming another node
  Expired,     // a tombstone past its expiry
  OwnNewer,    // about this agent and newer than ours: our version jumped past it
};
// Did the merge change the held state?
inline bool changed(Merge m) {
  return m == Merge::Applied || m == Merge::Removed || m == Merge::Tombstoned || m == Merge::ConflictWon;
}

struct StoreStats {
  std::uint64_t conflicts = 0, old_boot = 0, stale = 0, invalid = 0, tombstones_expired = 0;
};

class ReplicaStore {
 public:
  ReplicaStore(std::string self, std::uint64_t boot, std::chrono::seconds tombstone_ttl);

  const std::string& self() const { return self_; }

  // The local record changed (indexes are ignored). Returns the rumor to
  // broadcast, or nullopt when nothing replicated changed. `quiet` is set when
  // only check outputs changed: the version moves (anti-entropy carries it)
  // but the caller may choose not to gossip it.
  struct LocalChange {
    Rumor rumor;
    bool quiet = false;
  };
  std::optional<LocalChange> set_local(const registry::NodeRecord& record);
  const Replica* local() const { return find(self_); }
  // A rumor for our current state (after OwnNewer, or to announce again).
  Rumor local_rumor() const;
  // A rumor says we are at `stamp` with `digest` (a previous life of this
  // agent): if that is not our current state and not older, our version
  // jumps past it. True if it did.
  bool outrank(Stamp stamp, std::uint64_t digest);

  // Merges what a peer shipped.
  Merge merge(const Shipped& item, WallTime now);
  // Replaces `name`'s record with a tombstone at its stamp (gossip says it
  // left or was reaped). False if nothing was held or it is already removed.
  bool remove(std::string_view name, WallTime now);
  // Forgets `name`'s tombstone (the node is alive again at the same boot, as
  // gossip's membership proves): its record may be taken again.
  void forget_tombstone(std::string_view name);
  // Drops tombstones past their expiry; returns how many.
  std::size_t expire(WallTime now);

  const Replica* find(std::string_view name) const;  // case-insensitive
  // Held entries whose owner has this tag (normally one).
  std::vector<const Replica*> find_tag(std::uint64_t tag) const;
  // Would a record at (stamp, digest) for `name` replace what is held?
  bool would_take(std::string_view name, Stamp stamp, std::uint64_t digest) const;
  const std::map<std::string, Replica>& all() const { return by_key_; }  // by lower-cased name

  // --- anti-entropy ---
  const Summary& summary() const { return summary_; }
  // Buckets where two summaries differ (bit b: bucket b).
  static std::uint32_t differing(const Summary& a, const Summary& b);
  std::vector<Entry> entries(std::uint32_t bucket_mask) const;
  // Given a peer's entries for `bucket_mask`: what to ship to it (ours win or
  // it lacks them) and what to ask it for (its win or we lack them).
  struct Plan {
    std::vector<std::string> ship;  // our names
    std::vector<std::string> want;  // its names
  };
  Plan compare(std::uint32_t bucket_mask, const std::vector<Entry>& theirs) const;
  std::optional<Shipped> ship(std::string_view name) const;

  const StoreStats& stats() const { return stats_; }

 private:
  void put(const std::string& key, Replica r);
  void account(const Replica& r, bool add);
  bool expired(std::int64_t removed_at, WallTime now) const;

  std::string self_;
  std::uint64_t boot_;
  std::chrono::seconds tombstone_ttl_;
  std::uint64_t local_shape_ = 0;  // digest of the local record without check outputs
  std::map<std::string, Replica> by_key_;
  std::multimap<std::uint64_t, std::string> by_tag_;
  Summary summary_;
  StoreStats stats_;
};

// +1 if `a` wins over `b` (newer, or the tie-break), -1 if `b` wins, 0 if equal.
int precedence(const Entry& a, const Entry& b);

}  // namespace roster::gossip::replica
