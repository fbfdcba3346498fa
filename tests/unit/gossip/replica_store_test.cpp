// ReplicaStore: the merge rules, tombstones, local versions, and the
// anti-entropy comparison.
#include "gossip/replica_store.hpp"

#include <gtest/gtest.h>

#include "replica_test_support.hpp"

using namespace std::chrono_literals;

namespace roster::gossip::replica {
namespace {

using testing::node_record;
using testing::shipped;
using testing::tombstone;

const WallTime kNow = WallTime(std::chrono::seconds(1'750'000'000));
std::int64_t secs(WallTime t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

class ReplicaStoreTest : public ::testing::Test {
 protected:
  ReplicaStore store{"self", 1000, 80h};
};

}  // namespace

TEST_F(ReplicaStoreTest, NewerVersionWinsAndStaleIsIgnored) {
  const auto v1 = node_record("b", 1);
  const auto v2 = node_record("b", 2);
  EXPECT_EQ(store.merge(shipped(v1, Stamp{7, 1}), kNow), Merge::Applied);
  EXPECT_EQ(store.merge(shipped(v2, Stamp{7, 2}), kNow), Merge::Applied);
  EXPECT_EQ(store.find("B")->record->services.size(), 2u);
  EXPECT_EQ(store.merge(shipped(v1, Stamp{7, 1}), kNow), Merge::Stale);
  EXPECT_EQ(store.merge(shipped(v2, Stamp{7, 2}), kNow), Merge::Same);
  EXPECT_EQ(store.find("b")->stamp, (Stamp{7, 2}));
  EXPECT_EQ(store.find("b")->record->services.size(), 2u);
  EXPECT_EQ(store.stats().stale, 1u);
}

TEST_F(ReplicaStoreTest, ARecordFromAnOlderBootIsDropped) {
  EXPECT_EQ(store.merge(shipped(node_record("b", 1), Stamp{20, 1}), kNow), Merge::Applied);
  // A high version from the previous life loses to version 1 of the new one.
  EXPECT_EQ(store.merge(shipped(node_record("b", 3), Stamp{19, 900}), kNow), Merge::OldBoot);
  EXPECT_EQ(store.find("b")->record->services.size(), 1u);
  EXPECT_EQ(store.stats().old_boot, 1u);
  // And a new boot wins at any version.
  EXPECT_EQ(store.merge(shipped(node_record("b", 2), Stamp{21, 1}), kNow), Merge::Applied);
}

TEST_F(ReplicaStoreTest, SameStampDifferentDigestIsSettledTheSameWayEverywhere) {
  const Shipped x = shipped(node_record("b", 1, "10.0.0.1"), Stamp{5, 5});
  const Shipped y = shipped(node_record("b", 1, "10.0.0.2"), Stamp{5, 5});
  const bool x_wins = hash64(*x.record) > hash64(*y.record);
  ReplicaStore other{"other", 1, 80h};
  // Opposite arrival orders, same result.
  store.merge(x, kNow);
  store.merge(y, kNow);
  other.merge(y, kNow);
  other.merge(x, kNow);
  EXPECT_EQ(store.find("b")->digest, other.find("b")->digest);
  EXPECT_EQ(store.find("b")->record->node.address, x_wins ? "10.0.0.1" : "10.0.0.2");
  EXPECT_EQ(store.stats().conflicts, 1u);
  EXPECT_EQ(other.stats().conflicts, 1u);
}

TEST_F(ReplicaStoreTest, TombstonesPreventResurrectionUntilTheyExpire) {
  EXPECT_EQ(store.merge(shipped(node_record("b"), Stamp{7, 3}), kNow), Merge::Applied);
  EXPECT_TRUE(store.remove("b", kNow));
  EXPECT_FALSE(store.remove("b", kNow));
  ASSERT_TRUE(store.find("b")->removed());
  // A stale replica pushes the old record, or an older one: it stays gone.
  EXPECT_EQ(store.merge(shipped(node_record("b"), Stamp{7, 3}), kNow), Merge::Stale);
  EXPECT_EQ(store.merge(shipped(node_record("b"), Stamp{7, 2}), kNow), Merge::Stale);
  EXPECT_TRUE(store.find("b")->removed());
  // The tombstone outlives gossip's 72 h reap time, then goes.
  EXPECT_EQ(store.expire(kNow + 72h), 0u);
  EXPECT_EQ(store.expire(kNow + 80h), 1u);
  EXPECT_EQ(store.find("b"), nullptr);
  // A tombstone shipped after its expiry is not taken back.
  EXPECT_EQ(store.merge(tombstone("b", Stamp{7, 3}, secs(kNow)), kNow + 81h), Merge::Expired);
  EXPECT_EQ(store.find("b"), nullptr);
}

TEST_F(ReplicaStoreTest, ANewerVersionOfTheOwnerComesBackOverATombstone) {
  store.merge(shipped(node_record("b"), Stamp{7, 3}), kNow);
  store.remove("b", kNow);
  EXPECT_EQ(store.merge(shipped(node_record("b", 2), Stamp{7, 4}), kNow), Merge::Applied);
  EXPECT_FALSE(store.find("b")->removed());
}

TEST_F(ReplicaStoreTest, AShippedTombstoneRemovesAndWinsAtItsOwnStamp) {
  store.merge(shipped(node_record("b"), Stamp{7, 3}), kNow);
  EXPECT_EQ(store.merge(tombstone("b", Stamp{7, 3}, secs(kNow)), kNow), Merge::Removed);
  EXPECT_TRUE(store.find("b")->removed());
  // Unknown node: the tombstone is kept, so an older record is refused later.
  EXPECT_EQ(store.merge(tombstone("c", Stamp{2, 2}, secs(kNow)), kNow), Merge::Tombstoned);
  EXPECT_EQ(store.merge(shipped(node_record("c"), Stamp{2, 1}), kNow), Merge::Stale);
  // A tombstone older than the record held changes nothing.
  store.merge(shipped(node_record("d"), Stamp{2, 5}), kNow);
  EXPECT_EQ(store.merge(tombstone("d", Stamp{2, 4}, secs(kNow)), kNow), Merge::Stale);
  // forget_tombstone lets the same stamp in again (membership saw it alive).
  store.forget_tombstone("b");
  EXPECT_EQ(store.merge(shipped(node_record("b"), Stamp{7, 3}), kNow), Merge::Applied);
}

TEST_F(ReplicaStoreTest, BadRecordsAreRefused) {
  Shipped bad{"b", Stamp{1, 1}, false, 0, std::make_shared<const Bytes>(Bytes{0x03})};
  EXPECT_EQ(store.merge(bad, kNow), Merge::Invalid);
  // A record claiming another node's name.
  Shipped liar = shipped(node_record("evil"), Stamp{1, 1});
  liar.name = "b";
  EXPECT_EQ(store.merge(liar, kNow), Merge::Invalid);
  EXPECT_EQ(store.find("b"), nullptr);
  EXPECT_EQ(store.stats().invalid, 2u);
}

TEST_F(ReplicaStoreTest, LocalChangesRaiseTheVersionOnlyWhenSomethingReplicatedChanged) {
  auto rec = node_record("self", 1);
  const auto first = store.set_local(rec);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rumor.stamp, (Stamp{1000, 1}));
  EXPECT_EQ(first->rumor.owner, tag_of("self"));
  EXPECT_EQ(first->rumor.digest, store.local()->digest);
  // Indexes are this agent's own: not a change.
  rec.node.modify_index = 99;
  EXPECT_FALSE(store.set_local(rec));
  // Output only: a new version, marked quiet.
  auto out = rec.checks.at("service:web-0");
  out.output = "HTTP GET: 200 OK (2 ms)";
  rec.checks.set(out.id, out);
  const auto quiet = store.set_local(rec);
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->quiet);
  EXPECT_EQ(quiet->rumor.stamp.version, 2u);
  // A status change is not quiet.
  out.status = registry::HealthStatus::Critical;
  rec.checks.set(out.id, out);
  const auto loud = store.set_local(rec);
  ASSERT_TRUE(loud);
  EXPECT_FALSE(loud->quiet);
  EXPECT_EQ(loud->rumor.stamp.version, 3u);
}

TEST_F(ReplicaStoreTest, APreviousLifeOfThisAgentIsOutranked) {
  ASSERT_TRUE(store.set_local(node_record("self")));
  // A peer still holds what this name published in a later-numbered life
  // (a clock that went backwards): never taken, our version jumps past it.
  EXPECT_EQ(store.merge(shipped(node_record("self", 3), Stamp{2000, 40}), kNow), Merge::OwnNewer);
  EXPECT_EQ(store.local()->stamp, (Stamp{2000, 41}));
  EXPECT_EQ(store.local()->record->services.size(), 1u);
  EXPECT_EQ(store.merge(tombstone("self", Stamp{2000, 41}, secs(kNow)), kNow), Merge::OwnNewer);
  EXPECT_FALSE(store.local()->removed());
  EXPECT_EQ(store.local()->stamp, (Stamp{2000, 42}));
  // Rumors do the same; our own current rumor does nothing.
  EXPECT_FALSE(store.outrank(store.local()->stamp, store.local()->digest));
  EXPECT_TRUE(store.outrank(Stamp{2000, 50}, 1));
  EXPECT_EQ(store.local()->stamp, (Stamp{2000, 51}));
  // The next local change continues from there.
  EXPECT_EQ(store.set_local(node_record("self", 2))->rumor.stamp, (Stamp{2000, 52}));
  EXPECT_FALSE(store.remove("self", kNow));
}

TEST_F(ReplicaStoreTest, BootEpochNeverGoesBackwards) {
  EXPECT_EQ(boot_epoch(WallTime(std::chrono::seconds(10))), 10'000'000u);
  EXPECT_EQ(boot_epoch(WallTime(std::chrono::seconds(10)), 20'000'000), 20'000'001u);
}

TEST_F(ReplicaStoreTest, AgreeingReplicasHaveEqualSummariesInAnyOrder) {
  ReplicaStore a{"a", 1, 80h}, b{"b", 1, 80h};
  std::vector<Shipped> items;
  for (int i = 0; i < 300; ++i) items.push_back(shipped(node_record("node-" + std::to_string(i)), Stamp{1, std::uint64_t(i)}));
  items.push_back(tombstone("gone", Stamp{4, 4}, secs(kNow)));
  for (const auto& it : items) a.merge(it, kNow);
  for (auto it = items.rbegin(); it != items.rend(); ++it) b.merge(*it, kNow);
  // Each holds the other's record and its own (same bytes).
  a.set_local(node_record("a"));
  b.set_local(node_record("b"));
  EXPECT_NE(a.summary(), b.summary());  // neither has the other's record yet
  a.merge(*b.ship("b"), kNow);
  b.merge(*a.ship("a"), kNow);
  EXPECT_EQ(a.summary(), b.summary());
  EXPECT_EQ(a.summary().count, 303u);
  EXPECT_EQ(ReplicaStore::differing(a.summary(), b.summary()), 0u);
  // What an agreeing anti-entropy round costs: one digest each way.
  EXPECT_EQ(fold(a.summary()), fold(b.summary()));
  EXPECT_LE(encode_digest(fold(a.summary())).size(), 12u);
  // Removing and re-adding restores the summary (incremental sums).
  const Summary before = a.summary();
  a.forget_tombstone("gone");
  EXPECT_NE(a.summary(), before);
  a.merge(tombstone("gone", Stamp{4, 4}, secs(kNow)), kNow);
  EXPECT_EQ(a.summary(), before);
}

TEST_F(ReplicaStoreTest, ComparePlansWhatToShipAndWhatToFetch) {
  ReplicaStore a{"a", 1, 80h}, b{"b", 1, 80h};
  for (auto* s : {&a, &b}) {
    s->merge(shipped(node_record("same"), Stamp{1, 1}), kNow);
    s->merge(shipped(node_record("x"), Stamp{1, 1}), kNow);
    s->merge(shipped(node_record("y"), Stamp{1, 1}), kNow);
  }
  a.merge(shipped(node_record("x", 2), Stamp{1, 2}), kNow);  // a is newer on x
  b.merge(shipped(node_record("y", 2), Stamp{1, 2}), kNow);  // b is newer on y
  a.merge(shipped(node_record("only-a"), Stamp{1, 1}), kNow);
  b.merge(shipped(node_record("only-b"), Stamp{1, 1}), kNow);
  b.merge(tombstone("same", Stamp{1, 1}, secs(kNow)), kNow);  // b removed it

  const std::uint32_t mask = ReplicaStore::differing(a.summary(), b.summary());
  ASSERT_NE(mask, 0u);
  const auto plan = a.compare(mask, b.entries(mask));
  std::set<std::string> ship(plan.ship.begin(), plan.ship.end()), want(plan.want.begin(), plan.want.end());
  EXPECT_EQ(ship, (std::set<std::string>{"x", "only-a"}));
  EXPECT_EQ(want, (std::set<std::string>{"y", "only-b", "same"}));
  // Carry the plan out both ways: the replicas agree.
  for (const auto& n : plan.ship) b.merge(*a.ship(n), kNow);
  for (const auto& n : plan.want) a.merge(*b.ship(n), kNow);
  EXPECT_EQ(a.summary(), b.summary());
  EXPECT_TRUE(a.find("same")->removed());
  // Only the differing buckets are listed.
  EXPECT_LE(b.entries(mask).size(), b.all().size());
}

}  // namespace roster::gossip::replica
