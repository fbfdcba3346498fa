// The real Membership and the real Replicator together on the in-memory
// network (gossip/sim): a registration reaches every replica by rumor and
// fetch, loss is repaired, and a healed partition ends in identical replicas.
#include "gossip/sim/sim_replicas.hpp"

#include <gtest/gtest.h>

namespace roster::gossip::sim {
namespace {

using namespace std::chrono_literals;

struct Cluster {
  SimNetwork net;
  std::unique_ptr<SimReplicas> reps;
  Cluster(std::uint64_t seed, Config c, std::size_t n) : net(seed, std::move(c)) {
    net.add_cluster(n, 5ms, 0s);
    EXPECT_TRUE(net.run_until_true([&] { return net.converged(); }, 60s));
    reps = std::make_unique<SimReplicas>(net, [&](std::size_t i) { return sim_record(net.name(i), i, 1); });
    EXPECT_TRUE(net.run_until_true([&] { return reps->identical(); }, 60s));
  }
  // Every up node holds `owner`'s record at the stamp the owner holds.
  bool everyone_has(std::size_t owner) const {
    const auto want = reps->stamp_of(owner, owner);
    for (std::size_t i = 0; i < net.size(); ++i)
      if (net.up(i) && reps->stamp_of(i, owner) != want) return false;
    return true;
  }
};

TEST(GossipSimReplicas, ARegistrationReachesEveryReplicaByRumorAndFetch) {
  Cluster c(21, Config::lan(), 30);
  for (std::size_t i = 0; i < 30; ++i) ASSERT_EQ(c.reps->at(i).store().all().size(), 30u) << i;
  const auto before = c.reps->total_stats();
  c.reps->set_local(7, sim_record(c.net.name(7), 7, 3));
  EXPECT_FALSE(c.everyone_has(7));
  // Far sooner than a push/pull round reaches everyone (30 s at N=30).
  ASSERT_TRUE(c.net.run_until_true([&] { return c.everyone_has(7); }, 5s, 5ms));
  const auto after = c.reps->total_stats();
  EXPECT_GE(after.fetches - before.fetches, 29u);  // every other node fetched it
  EXPECT_EQ(after.fetches_abandoned, before.fetches_abandoned);
  EXPECT_TRUE(c.reps->identical());
  const replica::Replica* held = c.reps->at(20).store().find(c.net.name(7));
  ASSERT_TRUE(held && held->record);
  EXPECT_EQ(held->record->services.size(), 3u);
}

TEST(GossipSimReplicas, InASmallClusterEveryRegistrationReachesEveryoneByRumor) {
  // Five agents: a rumor sent only 4·ceil(log10(N+1)) = 4 times missed about
  // one agent in fifty, which then waited up to a push/pull period (30 s).
  for (std::uint64_t seed : {31u, 32u, 33u}) {
    Cluster c(seed, Config::lan(), 5);
    for (int round = 0; round < 30; ++round) {
      const std::size_t owner = std::size_t(round) % 5;
      c.reps->set_local(owner, sim_record(c.net.name(owner), owner, 1 + round % 4));
      EXPECT_TRUE(c.net.run_until_true([&] { return c.everyone_has(owner); }, 3s, 5ms))
          << "seed " << seed << " round " << round;
      c.net.run_for(1s);
    }
  }
}

TEST(GossipSimReplicas, InsideOneSideOfAPartitionRegistrationsStillSpreadByRumor) {
  // 3 | 3: for gossip_to_dead (30 s) after the split, gossip still goes to
  // the members on the other side (so they could refute); rumors sent there
  // are lost and must not use up their few transmissions.
  int late = 0;
  for (std::uint64_t seed : {41u, 42u, 43u, 44u}) {
    Cluster c(seed, Config::lan(), 6);
    c.net.partition({0, 0, 0, 1, 1, 1});
    EXPECT_TRUE(c.net.run_until_true([&] { return c.net.state_of(0, 3) == MemberState::Dead &&
                                                  c.net.state_of(3, 0) == MemberState::Dead; }, 30s));
    for (int round = 0; round < 12; ++round) {
      const std::size_t owner = std::size_t(round) % 6;
      c.reps->set_local(owner, sim_record(c.net.name(owner), owner, 1 + round % 4));
      const std::size_t side = owner < 3 ? 0 : 3;
      const bool ok = c.net.run_until_true([&] {
        for (std::size_t i = side; i < side + 3; ++i)
          if (c.reps->stamp_of(i, owner) != c.reps->stamp_of(owner, owner)) return false;
        return true;
      }, 3s, 5ms);
      late += !ok;
      c.net.run_for(1s);
    }
  }
  EXPECT_EQ(late, 0);
}

TEST(GossipSimReplicas, TenPercentLossStillReachesEveryReplica) {
  Cluster c(22, Config::lan(), 30);
  c.net.set_loss(0.10);
  for (std::size_t owner : {3u, 11u, 25u}) c.reps->set_local(owner, sim_record(c.net.name(owner), owner, 2));
  EXPECT_TRUE(c.net.run_until_true(
      [&] { return c.everyone_has(3) && c.everyone_has(11) && c.everyone_has(25); }, 60s));
  EXPECT_TRUE(c.reps->identical());
}

TEST(GossipSimReplicas, AHealedPartitionEndsInIdenticalReplicas) {
  Cluster c(23, Config::local(), 20);
  std::vector<int> groups(20, 0);
  for (std::size_t i = 10; i < 20; ++i) groups[i] = 1;
  c.net.partition(groups);
  // Each side changes records the other side cannot hear about.
  c.reps->set_local(2, sim_record(c.net.name(2), 2, 4));
  c.reps->set_local(5, sim_record(c.net.name(5), 5, 0));
  c.reps->set_local(14, sim_record(c.net.name(14), 14, 2));
  ASSERT_TRUE(c.net.run_until_true([&] {
    for (std::size_t i = 0; i < 20; ++i) {
      const bool left = i < 10;
      if (left && c.reps->stamp_of(i, 2) != c.reps->stamp_of(2, 2)) return false;
      if (!left && c.reps->stamp_of(i, 14) != c.reps->stamp_of(14, 14)) return false;
    }
    return true;
  }, 30s));
  EXPECT_NE(c.reps->stamp_of(15, 2), c.reps->stamp_of(2, 2));  // the cut holds
  EXPECT_FALSE(c.reps->identical());
  c.net.run_for(30s);  // long enough for each side to fail the other
  EXPECT_EQ(c.net.state_of(0, 15), MemberState::Dead);
  c.net.heal();
  EXPECT_TRUE(c.net.run_until_true([&] { return c.net.converged() && c.reps->identical(); }, 60s));
  EXPECT_TRUE(c.everyone_has(2) && c.everyone_has(5) && c.everyone_has(14));
  const replica::Replica* held = c.reps->at(17).store().find(c.net.name(5));
  ASSERT_TRUE(held && held->record);
  EXPECT_EQ(held->record->services.size(), 0u);  // the deregistrations crossed too
}

}  // namespace
}  // namespace roster::gossip::sim
