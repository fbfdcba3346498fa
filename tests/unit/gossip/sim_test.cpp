// Whole-cluster scenarios on the in-memory network with a virtual clock:
// deterministic for a seed, no sleeps.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gossip/sim/sim_network.hpp"

namespace roster::gossip::sim {
namespace {

// Records, per observer, the verdicts it reached about each subject name.
struct Verdicts {
  std::map<std::string, std::set<std::size_t>> failed_by, left_by, suspected_by;
  std::map<std::string, std::map<std::size_t, TimePoint>> failed_at;
  void attach(SimNetwork& net) {
    net.set_event_hook([this](std::size_t obs, const MemberEvent& e) {
      if (e.kind == MemberEventKind::Failed) {
        failed_by[e.member.name].insert(obs);
        failed_at[e.member.name].emplace(obs, e.at);
      }
      if (e.kind == MemberEventKind::Left) left_by[e.member.name].insert(obs);
      if (e.kind == MemberEventKind::Suspect) suspected_by[e.member.name].insert(obs);
    });
  }
  std::size_t total_failed() const {
    std::size_t n = 0;
    for (const auto& [k, v] : failed_by) n += v.size();
    return n;
  }
};

bool all_see(SimNetwork& net, std::size_t subject, MemberState s) {
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (i == subject || !net.up(i)) continue;
    if (net.state_of(i, subject) != s) return false;
  }
  return true;
}

TEST(GossipSim, FiveNodesJoinAndConverge) {
  SimNetwork net(1, Config::local());
  net.add_cluster(5, 10ms, 0s);
  EXPECT_TRUE(net.run_until_true([&] { return net.converged(); }, 5s));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(net.node(i).join_state(), i == 0 ? JoinState::Idle : JoinState::Joined);
}

TEST(GossipSim, FiftyNodesConvergeAndStayQuiet) {
  SimNetwork net(2, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(50, 5ms, 0s);
  EXPECT_TRUE(net.run_until_true([&] { return net.converged(); }, 20s));
  net.run_for(60s);
  EXPECT_TRUE(net.converged());
  EXPECT_EQ(v.total_failed(), 0u);
  EXPECT_TRUE(v.suspected_by.empty());
}

TEST(GossipSim, KilledNodeIsFailedEverywhereInTime) {
  SimNetwork net(3, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(30, 5ms, 10s);
  ASSERT_TRUE(net.converged());
  const TimePoint t0 = net.now();
  net.kill(7);
  ASSERT_TRUE(net.run_until_true([&] { return all_see(net, 7, MemberState::Dead); }, 30s));
  // gossip.md G1 scale: well under 10 s at this size.
  EXPECT_LT(net.now() - t0, 10s);
  EXPECT_EQ(v.failed_by.size(), 1u);  // nobody else was failed
}

TEST(GossipSim, GracefulLeaveIsLeftNeverFailed) {
  SimNetwork net(4, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(30, 5ms, 10s);
  const TimePoint t0 = net.now();
  net.leave(4);
  ASSERT_TRUE(net.run_until_true([&] { return all_see(net, 4, MemberState::Left); }, 10s));
  EXPECT_LE(net.now() - t0, 1s);
  net.run_for(60s);
  EXPECT_TRUE(all_see(net, 4, MemberState::Left));
  EXPECT_EQ(v.total_failed(), 0u);
  EXPECT_EQ(v.left_by[net.name(4)].size(), 29u);
}

TEST(GossipSim, FalseSuspicionIsRefuted) {
  SimNetwork net(5, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(20, 5ms, 10s);
  // Cut node 3 off for 1.5 s: it gets suspected, then refutes when it is back.
  std::vector<int> groups(20, 0);
  groups[3] = 1;
  net.partition(groups);
  ASSERT_TRUE(net.run_until_true([&] { return !v.suspected_by[net.name(3)].empty(); }, 10s));
  const auto inc_before = net.node(3).self().incarnation;
  net.run_for(1s);
  net.heal();
  net.run_for(20s);
  EXPECT_TRUE(all_see(net, 3, MemberState::Alive));
  EXPECT_GT(net.node(3).self().incarnation, inc_before);
  EXPECT_GE(net.node(3).stats().refutations, 1u);
  EXPECT_EQ(v.total_failed(), 0u);
  for (auto& [name, obs] : v.failed_by)
    for (auto o : obs) ADD_FAILURE() << net.name(o) << " failed " << name;
}

TEST(GossipSim, TenPercentLossGivesNoFalseFailures) {
  LinkModel link;
  link.loss = 0.10;
  SimNetwork net(6, Config::lan(), link);
  Verdicts v;
  v.attach(net);
  net.add_cluster(40, 10ms, 0s);
  ASSERT_TRUE(net.run_until_true([&] { return net.converged(); }, 60s));
  net.run_for(std::chrono::minutes(3));
  EXPECT_EQ(v.total_failed(), 0u);
  for (auto& [name, obs] : v.failed_by)
    for (auto o : obs) ADD_FAILURE() << net.name(o) << " failed " << name;
  EXPECT_TRUE(net.converged());
}

TEST(GossipSim, SlowAndVaryingDelaysGiveNoFalseFailuresAndStillSpread) {
  // A WAN-like link: 40 ms median one way with a long lognormal tail (about
  // one datagram in 100 takes over 250 ms, the direct-ack timeout), plus 2 %
  // loss. Probes miss acks now and then; indirect probes and Lifeguard's
  // timers must keep every verdict right, and news must still reach everyone.
  LinkModel link;
  link.delay_median = 40ms;
  link.delay_sigma = 0.8;
  link.loss = 0.02;
  SimNetwork net(16, Config::lan(), link);
  Verdicts v;
  v.attach(net);
  net.add_cluster(30, 10ms, 0s);
  ASSERT_TRUE(net.run_until_true([&] { return net.converged(); }, 120s));
  net.run_for(std::chrono::minutes(3));
  EXPECT_EQ(v.total_failed(), 0u);
  std::uint64_t late_acks = 0;  // probes that went indirect (and over TCP) for want of a direct ack
  for (std::size_t i = 0; i < net.size(); ++i) late_acks += net.node(i).stats().stream_pings;
  EXPECT_GT(late_acks, 0u);  // the delays did bite
  // A real failure is still found, and a broadcast still reaches everyone.
  net.kill(12);
  EXPECT_TRUE(net.run_until_true([&] { return all_see(net, 12, MemberState::Dead); }, 60s));
  EXPECT_EQ(v.failed_by.size(), 1u);
  struct Seen final : Delegate {
    bool got = false;
    std::optional<std::string> on_broadcast(std::span<const std::uint8_t>, TimePoint) override {
      if (got) return std::nullopt;
      got = true;
      return std::string("k");
    }
    std::vector<std::uint8_t> local_state(const std::string&, bool) override { return {}; }
    void merge_remote_state(const std::string&, std::span<const std::uint8_t>, bool, TimePoint) override {}
  };
  std::vector<Seen> seen(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) net.set_delegate(i, &seen[i]);
  seen[3].got = true;
  ASSERT_TRUE(net.node(3).broadcast("k", {1, 2, 3}).ok());
  EXPECT_TRUE(net.run_until_true([&] {
    for (std::size_t i = 0; i < net.size(); ++i)
      if (net.up(i) && !seen[i].got) return false;
    return true;
  }, 30s));
}

TEST(GossipSim, FrozenNodeIsNotFailedAndFailsNobody) {
  SimNetwork net(7, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(30, 5ms, 10s);
  net.freeze(5, FreezeCycle{1s, 800ms, 0ms});
  net.run_for(std::chrono::minutes(3));
  EXPECT_EQ(v.total_failed(), 0u);
  // Lifeguard: the starved node notices it is the slow one.
  EXPECT_GE(net.node(5).stats().refutations, 1u);
  net.unfreeze(5);
  net.run_for(30s);
  EXPECT_TRUE(net.converged());
}

TEST(GossipSim, PartitionFailsTheOtherSideAndHealConverges) {
  SimNetwork net(8, Config::local());
  Verdicts v;
  v.attach(net);
  net.add_cluster(20, 5ms, 5s);
  ASSERT_TRUE(net.converged());
  std::vector<int> groups(20, 0);
  for (std::size_t i = 10; i < 20; ++i) groups[i] = 1;
  net.partition(groups);
  auto split = [&] {
    for (std::size_t a = 0; a < 20; ++a)
      for (std::size_t b = 0; b < 20; ++b) {
        if (a == b) continue;
        const bool same = (a < 10) == (b < 10);
        const auto s = net.state_of(a, b);
        if (same && s != MemberState::Alive) return false;
        if (!same && s != MemberState::Dead) return false;
      }
    return true;
  };
  ASSERT_TRUE(net.run_until_true(split, 60s));
  net.run_for(20s);  // longer than gossip_to_dead: only reconnects can heal it
  net.heal();
  EXPECT_TRUE(net.run_until_true([&] { return net.converged(); }, 60s));
}

TEST(GossipSim, RestartWithNewAddressTakesTheNameBack) {
  SimNetwork net(9, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(20, 5ms, 10s);
  const Address old = net.address(6);
  net.restart(6);  // killed and back at once: nobody has noticed yet
  ASSERT_NE(net.address(6), old);
  net.join(6, 0);
  const TimePoint t0 = net.now();
  auto everyone_has_new = [&] {
    for (std::size_t i = 0; i < 20; ++i) {
      if (i == 6) continue;
      const Member* m = net.node(i).find(net.name(6));
      if (!m || m->address != net.address(6) || m->state != MemberState::Alive) return false;
    }
    return true;
  };
  ASSERT_TRUE(net.run_until_true(everyone_has_new, 10s));
  EXPECT_LE(net.now() - t0, 3s);
  EXPECT_EQ(net.node(6).join_state(), JoinState::Joined);
  net.run_for(30s);
  EXPECT_TRUE(everyone_has_new());
  EXPECT_TRUE(net.converged());
}

// A cluster that starts converged (Membership::restore) stays converged;
// rows share their names across tables; a killed node is failed and, after
// dead_reap, reaped everywhere (the name and tag indexes shrink with it); a
// restart under a new boot id retags the row. Every lookup stays right.
TEST(GossipSim, ConvergedStartReapAndRestartKeepTheIndexesRight) {
  Config cfg = Config::lan();
  cfg.dead_reap = 30s;
  SimNetwork net(12, cfg);
  Verdicts v;
  v.attach(net);
  net.add_converged_cluster(40);
  ASSERT_TRUE(net.converged());
  for (std::size_t i = 0; i < 40; ++i) ASSERT_EQ(net.node(i).members().size(), 40u);
  // The same name, one copy: node 0's and node 1's rows for node 5 share it.
  const Member* a = net.node(0).find(net.name(5));
  const Member* b = net.node(1).find(net.name(5));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->name.c_str(), b->name.c_str());
  net.run_for(20s);
  EXPECT_TRUE(net.converged());
  EXPECT_EQ(v.total_failed(), 0u);

  for (std::size_t k : {3u, 17u, 31u}) net.kill(k);
  ASSERT_TRUE(net.run_until_true([&] {
    return all_see(net, 3, MemberState::Dead) && all_see(net, 17, MemberState::Dead) &&
           all_see(net, 31, MemberState::Dead);
  }, 30s));
  net.run_for(40s);  // past dead_reap
  for (std::size_t i = 0; i < 40; ++i) {
    if (!net.up(i)) continue;
    EXPECT_EQ(net.node(i).members().size(), 37u) << "observer " << i;
    for (std::size_t k : {3u, 17u, 31u}) EXPECT_EQ(net.node(i).find(net.name(k)), nullptr);
    for (std::size_t j = 0; j < 40; ++j) {  // every survivor still found, under its own name
      if (!net.up(j)) continue;
      const Member* m = net.node(i).find(net.name(j));
      ASSERT_NE(m, nullptr) << i << " lost " << j;
      EXPECT_EQ(m->name, net.name(j));
    }
  }

  net.restart(17);
  net.join(17, 0);
  ASSERT_TRUE(net.run_until_true([&] { return net.converged(); }, 20s));
  const MemberTag tag17 = net.node(17).find(net.name(17))->tag;
  for (std::size_t i = 0; i < 40; ++i) {
    if (!net.up(i)) continue;
    const Member* m = net.node(i).find(net.name(17));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->tag, tag17);
    EXPECT_EQ(m->state, MemberState::Alive);
  }
  EXPECT_EQ(v.failed_by.size(), 3u);  // only the killed nodes, ever
}

TEST(GossipSim, DuplicateLiveNameIsRefused) {
  SimNetwork net(10, Config::lan());
  net.add_cluster(10, 5ms, 10s);
  const std::size_t dup = net.add_node(net.name(3));
  Status outcome = ok();
  bool called = false;
  net.node(dup).set_join_callback([&](const Status& s) { outcome = s, called = true; });
  net.join(dup, 0);
  ASSERT_TRUE(net.run_until_true([&] { return called; }, 10s));
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("already used by a live member"), std::string::npos)
      << outcome.error().message;
  EXPECT_EQ(net.node(dup).join_state(), JoinState::Failed);
  net.run_for(20s);
  // The original keeps its name and address everywhere.
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 3) continue;
    const Member* m = net.node(i).find(net.name(3));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->address, net.address(3));
    EXPECT_EQ(m->state, MemberState::Alive);
  }
}

TEST(GossipSim, ATwinJoinedFromTheClusterSideIsRefusedToo) {
  // The twin does not join: a member joins it (`roster join TWIN` on the
  // wrong agent), so the twin's newer alive reaches the cluster through a
  // table merge and then by gossip, never through a joiner's vetting.
  SimNetwork net(12, Config::lan());
  Verdicts v;
  v.attach(net);
  net.add_cluster(10, 5ms, 10s);
  net.run_for(2s);  // the twin starts later: its incarnation is higher
  const std::size_t twin = net.add_node(net.name(3));
  net.join(0, twin);
  net.run_for(60s);
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 3) continue;
    const Member* m = net.node(i).find(net.name(3));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->address, net.address(3)) << "observer " << i;
    EXPECT_EQ(m->state, MemberState::Alive) << "observer " << i;
  }
  EXPECT_TRUE(v.failed_by.empty());
  std::uint64_t conflicts = 0;
  for (std::size_t i = 0; i < 10; ++i) conflicts += net.node(i).stats().name_conflicts;
  EXPECT_GT(conflicts, 0u);
}

// An application delegate holding one versioned value, like a registry record.
class VersionDelegate final : public Delegate {
 public:
  std::uint64_t version = 0;
  TimePoint learned{};
  std::optional<std::string> on_broadcast(std::span<const std::uint8_t> p, TimePoint now) override {
    if (p.size() != 8) return std::nullopt;
    std::uint64_t v = 0;
    for (auto b : p) v = (v << 8) | b;
    if (v <= version) return std::nullopt;
    version = v;
    learned = now;
    return std::string("value");
  }
  std::vector<std::uint8_t> local_state(const std::string&, bool) override {
    std::vector<std::uint8_t> out;
    for (int i = 7; i >= 0; --i) out.push_back(std::uint8_t(version >> (8 * i)));
    return out;
  }
  void merge_remote_state(const std::string&, std::span<const std::uint8_t> s, bool,
                          TimePoint now) override {
    on_broadcast(s, now);
  }
};

TEST(GossipSim, ApplicationBroadcastReachesEveryone) {
  SimNetwork net(11, Config::lan());
  std::vector<VersionDelegate> d(50);
  net.add_cluster(50, 5ms, 10s);
  for (std::size_t i = 0; i < 50; ++i) net.set_delegate(i, &d[i]);
  d[0].version = 7;
  ASSERT_TRUE(net.node(0).broadcast("value", {0, 0, 0, 0, 0, 0, 0, 7}).ok());
  EXPECT_FALSE(net.node(0).broadcast("value", {}).ok());
  EXPECT_FALSE(net.node(0).broadcast("value", std::vector<std::uint8_t>(2000, 1)).ok());
  auto all = [&] {
    for (auto& x : d)
      if (x.version != 7) return false;
    return true;
  };
  EXPECT_TRUE(net.run_until_true(all, 2s, 1ms));
}

TEST(GossipSim, PushPullRepairsAMissedBroadcast) {
  Config c = Config::local();
  SimNetwork net(12, c);
  std::vector<VersionDelegate> d(10);
  net.add_cluster(10, 5ms, 5s);
  for (std::size_t i = 0; i < 10; ++i) net.set_delegate(i, &d[i]);
  // Only node 0 knows the value and it never broadcasts it: anti-entropy must carry it.
  d[0].version = 3;
  auto all = [&] {
    for (auto& x : d)
      if (x.version != 3) return false;
    return true;
  };
  EXPECT_TRUE(net.run_until_true(all, 120s));
}

}  // namespace
}  // namespace roster::gossip::sim
