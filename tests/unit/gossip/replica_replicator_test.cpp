// Replicator: rumors, fetches, anti-entropy and membership, on several agents
// joined by an in-memory exchange (no sockets) with real registries.
#include "gossip/replicator.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "fakes/manual_clock.hpp"
#include "replica_test_support.hpp"

using namespace std::chrono_literals;

namespace roster::gossip::replica {
namespace {

struct Net;

// The gossip core as the Replicator sees it: broadcasts flood to every
// reachable agent, requests are answered in order. Both are queued and
// delivered by Net::settle(), never from inside a callback.
struct FakeGossip final : Broadcaster {
  Net* net = nullptr;
  std::string self;
  Status broadcast(std::string key, std::vector<std::uint8_t> payload) override;
  Result<std::uint64_t> request(const std::string& member, std::vector<std::uint8_t> payload) override;
};

struct Agent {
  std::string name;
  FakeGossip gossip;
  registry::Registry reg;
  Replicator rep;
  Agent(const std::string& n, std::uint64_t boot, TimePoint now, WallTime wall, std::size_t max_message)
      : name(n),
        reg(registry::LocalNode{n, "id-" + n, "10.0.0." + std::to_string(n.size()), "dc1", {}}, now),
        rep(ReplicatorConfig{n, boot, 80h, 500ms, 6, 2, max_message, false, now, wall}, gossip, null_logger()) {}

  void publish(TimePoint now) { rep.set_local(*reg.local_record(), now); }
  void register_web(const std::string& id, TimePoint now) {
    registry::ServiceRegistration r;
    r.service.name = "web";
    r.service.id = id;
    r.service.port = 8080;
    ASSERT_TRUE(reg.register_service(r, now));
    publish(now);
  }
  void apply() {
    auto updates = rep.take_updates();
    if (!updates.empty()) {
      ASSERT_TRUE(reg.apply_remote(updates));
    }
  }
  // Service instance IDs this agent's registry shows, as "node/id".
  std::set<std::string> instances(const std::string& service = "web") const {
    std::set<std::string> out;
    for (const auto& i : reg.snapshot()->instances(service)) out.insert(i.node->node.name + "/" + i.service->id);
    return out;
  }
  registry::HealthStatus health_of(const std::string& node, const std::string& service = "web") const {
    for (const auto& i : reg.snapshot()->instances(service))
      if (i.node->node.name == node) return i.health;
    ADD_FAILURE() << "no instance on " << node;
    return registry::HealthStatus::Critical;
  }
};

struct Net {
  roster::testing::ManualClock clock;
  WallTime wall0 = WallTime(std::chrono::seconds(1'750'000'000));
  std::map<std::string, std::unique_ptr<Agent>> agents;
  std::set<std::pair<std::string, std::string>> cut;  // unordered pairs that cannot talk
  std::set<std::string> slow;  // requests to these wait in `parked` until release()
  bool lose_broadcasts = false;
  struct Bcast {
    std::string from;
    Bytes payload;
  };
  struct Req {
    std::uint64_t id;
    std::string from, to;
    Bytes payload;
  };
  std::deque<Bcast> bcasts;
  std::deque<Req> reqs, parked;
  std::uint64_t next_id = 0;
  void release() {
    slow.clear();
    for (auto& r : parked) reqs.push_back(std::move(r));
    parked.clear();
    settle();
  }
  std::size_t stream_bytes = 0;

  Agent& add(const std::string& name, std::uint64_t boot = 1, std::size_t max_message = 4u << 20) {
    auto a = std::make_unique<Agent>(name, boot, clock.now(), wall0, max_message);
    a->gossip.net = this;
    a->gossip.self = name;
    auto& ref = *a;
    agents[name] = std::move(a);
    ref.publish(clock.now());
    return ref;
  }
  Agent& operator[](const std::string& n) { return *agents.at(n); }
  bool reachable(const std::string& a, const std::string& b) const {
    return agents.count(b) && !cut.count({a, b}) && !cut.count({b, a});
  }
  void partition(const std::vector<std::string>& left, const std::vector<std::string>& right) {
    for (const auto& l : left)
      for (const auto& r : right) cut.insert({l, r});
  }
  // Every agent learns of every other as a member.
  void tell(const std::string& observer, MemberEventKind kind, const std::string& subject) {
    MemberEvent ev;
    ev.kind = kind;
    ev.member.name = subject;
    ev.at = clock.now();
    (*this)[observer].rep.on_member_event(ev);
  }
  void tell_all(MemberEventKind kind, const std::string& subject) {
    for (auto& [n, a] : agents)
      if (n != subject) tell(n, kind, subject);
    settle();
  }
  // Delivers everything queued, and what that causes, until quiet.
  void settle() {
    for (int guard = 0; guard < 10000 && (!bcasts.empty() || !reqs.empty()); ++guard) {
      if (!bcasts.empty()) {
        const Bcast b = bcasts.front();
        bcasts.pop_front();
        if (!lose_broadcasts)
          for (auto& [n, a] : agents)
            if (n != b.from && reachable(b.from, n)) a->rep.on_broadcast(b.payload, clock.now());
      } else {
        const Req r = reqs.front();
        reqs.pop_front();
        if (slow.count(r.to)) {
          parked.push_back(r);
          continue;
        }
        stream_bytes += r.payload.size();
        auto& from = (*this)[r.from];
        if (!reachable(r.from, r.to)) {
          from.rep.on_response(r.id, Error{ErrorCode::Internal, "unreachable"}, clock.now());
        } else {
          const Bytes answer = (*this)[r.to].rep.on_request(r.from, r.payload, clock.now());
          stream_bytes += answer.size();
          from.rep.on_response(r.id, answer, clock.now());
        }
      }
    }
    for (auto& [n, a] : agents) a->apply();
  }
  // One anti-entropy exchange (gossip's push/pull) between a and b.
  std::size_t push_pull(const std::string& a, const std::string& b) {
    if (!reachable(a, b)) return 0;
    const Bytes sa = (*this)[a].rep.local_state(b, false);
    const Bytes sb = (*this)[b].rep.local_state(a, false);
    const std::size_t before = stream_bytes;
    (*this)[b].rep.merge_remote_state(a, sa, false, clock.now());
    (*this)[a].rep.merge_remote_state(b, sb, false, clock.now());
    settle();
    return sa.size() + sb.size() + (stream_bytes - before);
  }
  // Rounds of push/pull with a rotating peer, as gossip would schedule them.
  void anti_entropy(int rounds) {
    std::vector<std::string> names;
    for (auto& [n, a] : agents) names.push_back(n);
    for (int r = 1; r <= rounds; ++r)
      for (std::size_t i = 0; i < names.size(); ++i) push_pull(names[i], names[(i + r) % names.size()]);
  }
  void tick(Duration d) {
    clock.advance(d);
    for (auto& [n, a] : agents) a->rep.tick(clock.now());
    settle();
  }
  bool converged() const {
    const Summary& s = agents.begin()->second->rep.store().summary();
    for (auto& [n, a] : agents)
      if (a->rep.store().summary() != s) return false;
    return true;
  }
};

Status FakeGossip::broadcast(std::string, std::vector<std::uint8_t> payload) {
  net->bcasts.push_back({self, std::move(payload)});
  return ok();
}

Result<std::uint64_t> FakeGossip::request(const std::string& member, std::vector<std::uint8_t> payload) {
  const std::uint64_t id = ++net->next_id;
  net->reqs.push_back({id, self, member, std::move(payload)});
  return id;
}

// Every agent's registry shows exactly these web instances.
void expect_everywhere(Net& net, const std::set<std::string>& want) {
  for (auto& [n, a] : net.agents) EXPECT_EQ(a->instances(), want) << "on " << n;
}

class ReplicatorTest : public ::testing::Test {
 protected:
  Net net;
  void SetUp() override {
    for (const auto* n : {"a", "b", "c", "d"}) net.add(n);
    for (const auto* o : {"a", "b", "c", "d"})
      for (const auto* s : {"a", "b", "c", "d"})
        if (std::string(o) != s) net.tell(o, MemberEventKind::Joined, s);
    net.settle();
  }
};

}  // namespace

TEST_F(ReplicatorTest, ARegistrationReachesEveryRegistryThroughRumorAndFetch) {
  const auto news_before = net["b"].rep.stats().rumors_news;
  net["a"].register_web("web-a", net.clock.now());
  net.settle();
  expect_everywhere(net, {"a/web-a"});
  EXPECT_EQ(net["b"].health_of("a"), registry::HealthStatus::Passing);
  // Each agent fetched it once and passed the rumor on as a holder.
  EXPECT_EQ(net["b"].rep.stats().rumors_news, news_before + 1);
  EXPECT_EQ(net["b"].rep.pending_fetches(), 0u);
  EXPECT_GE(net["b"].rep.stats().rumors_sent, 1u);
  // A deregistration is a newer version without the service.
  ASSERT_TRUE(net["a"].reg.deregister_service("web-a"));
  net["a"].publish(net.clock.now());
  net.settle();
  expect_everywhere(net, {});
  EXPECT_TRUE(net.converged());
}

TEST_F(ReplicatorTest, AnAgreeingAntiEntropyRoundCostsAtMost256Bytes) {
  net["a"].register_web("web-a", net.clock.now());
  net["b"].register_web("web-b", net.clock.now());
  net.settle();
  ASSERT_TRUE(net.converged());
  const std::size_t bytes = net.push_pull("a", "c");
  // Two 10-byte digests, nothing else: the membership exchange they ride on
  // adds ≈ 73 B (docs/performance.md), so the whole round stays under 256 B.
  EXPECT_LE(bytes, 2 * 12u);
  EXPECT_EQ(net["a"].rep.stats().syncs, 0u);
  EXPECT_GE(net["a"].rep.stats().syncs_agreed, 1u);
}

TEST_F(ReplicatorTest, ALostRumorIsRepairedByAntiEntropy) {
  net.lose_broadcasts = true;
  net["a"].register_web("web-a", net.clock.now());
  net.settle();
  net.lose_broadcasts = false;
  EXPECT_EQ(net["b"].instances(), std::set<std::string>{});
  EXPECT_FALSE(net.converged());
  // One exchange with a peer that lacks it moves only what differs.
  const std::size_t bytes = net.push_pull("a", "b");
  EXPECT_EQ(net["b"].instances(), std::set<std::string>{"a/web-a"});
  EXPECT_LT(bytes, 4096u);
  net.anti_entropy(2);
  expect_everywhere(net, {"a/web-a"});
  EXPECT_TRUE(net.converged());
}

// "e" may carry one record per message. As the follower (to "0") its answers
// are truncated, as the leader (to "z") its pushes are: either way the
// exchange goes on until nothing differs, within the one push/pull.
TEST_F(ReplicatorTest, AnExchangeLargerThanOneMessageGoesOnUntilDone) {
  for (const auto* n : {"a", "b", "c", "d"}) net[n].register_web(std::string("web-") + n, net.clock.now());
  net.settle();
  const auto join = [&](const std::string& fresh, std::size_t max_message) {
    net.add(fresh, 1, max_message);
    for (auto& [o, agent] : net.agents) {
      if (o == fresh) continue;
      net.tell(o, MemberEventKind::Joined, fresh);
      net.tell(fresh, MemberEventKind::Joined, o);
    }
    net.bcasts.clear();  // its own rumor: anti-entropy only
  };
  const std::set<std::string> all{"a/web-a", "b/web-b", "c/web-c", "d/web-d"};
  join("e", 1);
  net.push_pull("a", "e");
  ASSERT_EQ(net["e"].instances(), all);
  join("0", 4u << 20);
  join("z", 4u << 20);

  auto syncs = net["0"].rep.stats().syncs;
  net.push_pull("0", "e");  // "0" leads; e answers with one record at a time
  EXPECT_EQ(net["0"].instances(), all);
  EXPECT_NE(net["e"].rep.store().find("0"), nullptr);
  EXPECT_GE(net["0"].rep.stats().syncs - syncs, 5u);

  syncs = net["e"].rep.stats().syncs;
  net.push_pull("e", "z");  // e leads; it pushes one record per message
  EXPECT_EQ(net["z"].instances(), all);
  EXPECT_NE(net["z"].rep.store().find("0"), nullptr);
  EXPECT_NE(net["e"].rep.store().find("z"), nullptr);
  EXPECT_GE(net["e"].rep.stats().syncs - syncs, 6u);

  net.anti_entropy(3);
  EXPECT_TRUE(net.converged());
}

TEST_F(ReplicatorTest, FailedNodeTurnsCriticalEverywhereAndComesBackWhenAlive) {
  net["b"].register_web("web-b", net.clock.now());
  net.settle();
  net.tell_all(MemberEventKind::Failed, "b");
  for (const auto* o : {"a", "c", "d"}) {
    EXPECT_EQ(net[o].health_of("b"), registry::HealthStatus::Critical) << o;
    const auto* node = net[o].reg.snapshot()->find_node("b");
    ASSERT_NE(node, nullptr);
    const auto& serf = node->checks.at(std::string(registry::kSerfCheckId));
    EXPECT_EQ(serf.output, "Agent not live or unreachable");
    EXPECT_EQ(serf.status, registry::HealthStatus::Critical);
  }
  // The replica itself is unchanged: the owner's version did not move.
  EXPECT_TRUE(net.converged());
  net.tell_all(MemberEventKind::Updated, "b");
  for (const auto* o : {"a", "c", "d"}) EXPECT_EQ(net[o].health_of("b"), registry::HealthStatus::Passing) << o;
}

TEST_F(ReplicatorTest, AFailedNodeThatIsReapedIsRemovedAndStaysRemoved) {
  net["b"].register_web("web-b", net.clock.now());
  net.settle();
  net.partition({"b"}, {"a", "c", "d"});  // b is gone for good
  net.tell_all(MemberEventKind::Failed, "b");
  EXPECT_EQ(net["a"].health_of("b"), registry::HealthStatus::Critical);
  // Reaped without ever leaving: forgotten by membership, so its record must
  // go too (kept, it would show as passing again: nobody says it failed).
  net.tell_all(MemberEventKind::Reaped, "b");
  for (const auto* o : {"a", "c", "d"}) {
    EXPECT_EQ(net[o].reg.snapshot()->find_node("b"), nullptr) << o;
    EXPECT_TRUE(net[o].instances().empty()) << o;
    const Replica* r = net[o].rep.store().find("b");
    ASSERT_NE(r, nullptr) << o;
    EXPECT_TRUE(r->removed()) << o;  // a tombstone, so a stale copy cannot bring it back
  }
  net.anti_entropy(2);  // among the three survivors
  for (const auto* o : {"a", "c", "d"}) EXPECT_TRUE(net[o].instances().empty()) << o;
}

TEST_F(ReplicatorTest, ALeftNodeIsRemovedAndAStaleReplicaCannotBringItBack) {
  net["b"].register_web("web-b", net.clock.now());
  net.settle();
  // d misses the leave (it is cut off from b's gossip at the time).
  for (const auto* o : {"a", "c"}) net.tell(o, MemberEventKind::Left, "b");
  net.settle();
  EXPECT_EQ(net["a"].instances(), std::set<std::string>{});
  EXPECT_EQ(net["d"].instances(), std::set<std::string>{"b/web-b"});
  // b's process is gone; d, still holding b's record, syncs with everyone.
  net.agents.erase("b");
  net.anti_entropy(3);
  // The tombstone won: d removed b too, and nobody took it back.
  expect_everywhere(net, {});
  EXPECT_TRUE(net["d"].rep.store().find("b")->removed());
  // Reaped later: still gone, until the tombstone expires.
  net.tell_all(MemberEventKind::Reaped, "b");
  net.tick(79h);
  expect_everywhere(net, {});
  EXPECT_TRUE(net.converged());
  net.tick(2h);
  EXPECT_EQ(net["a"].rep.store().find("b"), nullptr);
}

TEST_F(ReplicatorTest, ARestartedNodeReplacesItsPreviousLife) {
  net["b"].register_web("web-b-old", net.clock.now());
  net.settle();
  // b restarts: a new boot epoch, a fresh registry with another service.
  net.agents.erase("b");
  auto& b = net.add("b", 2);
  b.register_web("web-b-new", net.clock.now());
  for (const auto* o : {"a", "c", "d"}) net.tell("b", MemberEventKind::Joined, o);
  net.settle();
  expect_everywhere(net, {"b/web-b-new"});
  // A stale replica of the old boot changes nothing.
  Shipped old = testing::shipped(testing::node_record("b"), Stamp{1, 999});
  EXPECT_EQ(net["a"].rep.store().find("b")->stamp.boot, 2u);
  RecordsMsg push;
  push.records = {old};
  EXPECT_TRUE(net["a"].rep.on_request("c", encode_records(push), net.clock.now()).empty());
  net.settle();
  expect_everywhere(net, {"b/web-b-new"});
}

TEST_F(ReplicatorTest, APartitionHealsToIdenticalReplicas) {
  net.partition({"a", "b"}, {"c", "d"});
  net["a"].register_web("web-a", net.clock.now());
  net["c"].register_web("web-c", net.clock.now());
  net["d"].register_web("web-d", net.clock.now());
  net.settle();
  EXPECT_EQ(net["b"].instances(), (std::set<std::string>{"a/web-a"}));
  EXPECT_EQ(net["c"].instances(), (std::set<std::string>{"c/web-c", "d/web-d"}));
  net.anti_entropy(2);  // no effect across the cut
  EXPECT_FALSE(net.converged());
  net.cut.clear();
  net.anti_entropy(2);
  expect_everywhere(net, {"a/web-a", "c/web-c", "d/web-d"});
  EXPECT_TRUE(net.converged());
}

TEST_F(ReplicatorTest, AFetchFromAnUnreachableHolderMovesOnToTheOwner) {
  // b hears a's rumor from c, but c cannot be reached: b asks a instead.
  net["a"].register_web("web-a", net.clock.now());
  const Rumor r{tag_of("a"), tag_of("c"), net["a"].rep.store().local()->stamp, net["a"].rep.store().local()->digest};
  net.bcasts.clear();
  const auto news_before = net["b"].rep.stats().rumors_news;
  net.cut.insert({"b", "c"});
  net["b"].rep.on_broadcast(encode_rumor(r), net.clock.now());
  net.settle();
  EXPECT_EQ(net["b"].instances(), (std::set<std::string>{"a/web-a"}));
  EXPECT_EQ(net["b"].rep.stats().fetch_failures, 1u);
  // An old rumor again is old news.
  EXPECT_FALSE(net["b"].rep.on_broadcast(encode_rumor(r), net.clock.now()));
  EXPECT_EQ(net["b"].rep.stats().rumors_news, news_before + 1);
}

TEST_F(ReplicatorTest, AHolderWithoutTheRecordYetIsAskedAgainLater) {
  net["a"].register_web("web-a", net.clock.now());
  const Rumor r{tag_of("a"), tag_of("c"), net["a"].rep.store().local()->stamp, net["a"].rep.store().local()->digest};
  net.bcasts.clear();
  net.cut.insert({"b", "a"});  // only c can help, and c does not have it yet
  net["b"].rep.on_broadcast(encode_rumor(r), net.clock.now());
  net.settle();
  EXPECT_EQ(net["b"].rep.pending_fetches(), 1u);
  EXPECT_NE(net["b"].rep.next_deadline(), TimePoint::max());
  // c gets it (from a), then b's retry finds it at c.
  net.push_pull("a", "c");
  net.tick(1s);
  net.tick(1s);
  EXPECT_EQ(net["b"].instances(), (std::set<std::string>{"a/web-a"}));
  EXPECT_EQ(net["b"].rep.pending_fetches(), 0u);
}

TEST_F(ReplicatorTest, GarbageFromPeersIsIgnored) {
  const Bytes junk{0x01, 0x04, 0xff, 0xff};  // a records message, cut short
  EXPECT_FALSE(net["a"].rep.on_broadcast(junk, net.clock.now()));
  EXPECT_TRUE(net["a"].rep.on_request("b", junk, net.clock.now()).empty());
  net["a"].rep.merge_remote_state("b", junk, false, net.clock.now());
  EXPECT_EQ(net["a"].rep.stats().rumors_malformed, 1u);
  EXPECT_EQ(net["a"].rep.stats().requests_malformed, 2u);
  // A newer record claiming to be ours is never taken: our version jumps past it.
  RecordsMsg push;
  push.records = {testing::shipped(testing::node_record("a", 5), Stamp{5, 1})};
  net["a"].rep.on_request("b", encode_records(push), net.clock.now());
  EXPECT_TRUE(net["a"].rep.take_updates().empty());
  const Replica* self = net["a"].rep.store().local();
  EXPECT_TRUE(self->record->services.empty());
  EXPECT_EQ(self->stamp, (Stamp{5, 2}));
}

TEST_F(ReplicatorTest, AFetchWaitingForABusyPeerAsksForNoTimerUntilASlotFrees) {
  // Three rumors, each naming b as holder, reach a while b answers nothing
  // yet: two fetches go out (the per-peer limit), the third waits for a slot.
  Agent& a = net["a"];
  const auto now = net.clock.now();
  const auto f0 = a.rep.stats().fetches;
  std::uint64_t digest = 40;
  for (const char* owner : {"b", "c", "d"}) {
    Rumor r{tag_of(owner), tag_of("b"), Stamp{99, 5}, ++digest};
    a.rep.on_broadcast(encode_rumor(r), now);
  }
  EXPECT_EQ(a.rep.stats().fetches - f0, 2u);
  ASSERT_EQ(a.rep.pending_fetches(), 3u);
  // Nothing is due now: a past deadline here kept the agent's timer firing
  // in a loop until b answered (and hung the simulated network). (The next
  // one is when the fetches in flight may be hedged.)
  EXPECT_GT(a.rep.next_deadline(), now);
  net.settle();  // b answers: the freed slot sends the third fetch
  EXPECT_GE(a.rep.stats().fetches - f0, 3u);
}

// After a partition: each side failed the other, then sees it alive again.
void fail_then_return(Net& net, const std::vector<std::string>& left, const std::vector<std::string>& right) {
  for (auto kind : {MemberEventKind::Failed, MemberEventKind::Updated}) {
    if (kind == MemberEventKind::Updated) net.cut.clear();
    for (const auto& l : left)
      for (const auto& r : right) {
        net.tell(l, kind, r);
        net.tell(r, kind, l);
      }
    net.settle();
  }
}

TEST_F(ReplicatorTest, MembersBackFromFailedMakeUsAnnounceAgainAndSync) {
  net.partition({"a", "b"}, {"c", "d"});
  net["a"].register_web("web-a", net.clock.now());
  net["c"].register_web("web-c", net.clock.now());
  net.settle();
  fail_then_return(net, {"a", "b"}, {"c", "d"});
  // Nothing yet: the returns are let settle first.
  EXPECT_EQ(net["b"].instances(), (std::set<std::string>{"a/web-a"}));
  EXPECT_EQ(net["d"].instances(), (std::set<std::string>{"c/web-c"}));
  const auto sent = net["a"].rep.stats().rumors_sent;
  net.tick(1s);
  expect_everywhere(net, {"a/web-a", "c/web-c"});
  EXPECT_TRUE(net.converged());
  EXPECT_EQ(net["a"].rep.stats().reannounced, 1u);
  EXPECT_GT(net["a"].rep.stats().rumors_sent, sent);
  net.tick(10s);
  EXPECT_EQ(net["a"].rep.stats().reannounced, 1u);  // once per return
}

TEST_F(ReplicatorTest, WhenTheRumorsAfterAReturnAreLostTheSyncStillRepairs) {
  net.partition({"a", "b"}, {"c", "d"});
  net["b"].register_web("web-b", net.clock.now());
  net["d"].register_web("web-d", net.clock.now());
  net.settle();
  fail_then_return(net, {"a", "b"}, {"c", "d"});
  net.lose_broadcasts = true;
  net.tick(1s);
  expect_everywhere(net, {"b/web-b", "d/web-d"});
  EXPECT_TRUE(net.converged());
}

TEST_F(ReplicatorTest, AFetchUnansweredForAWhileIsAlsoAskedOfTheNextHolder) {
  // a hears of c's new record from b (holder) and c (owner); b is slow to answer.
  net.lose_broadcasts = true;
  net["c"].register_web("web-c", net.clock.now());
  net.settle();
  const Replica* held = net["c"].rep.store().local();
  Agent& a = net["a"];
  net.slow.insert("b");
  for (const char* holder : {"b", "c"})
    a.rep.on_broadcast(encode_rumor(Rumor{tag_of("c"), tag_of(holder), held->stamp, held->digest}), net.clock.now());
  net.settle();
  EXPECT_TRUE(a.instances().empty());
  EXPECT_EQ(a.rep.stats().fetches_hedged, 0u);
  net.tick(250ms);  // b still silent: ask c as well
  EXPECT_EQ(a.rep.stats().fetches_hedged, 1u);
  EXPECT_EQ(a.instances(), (std::set<std::string>{"c/web-c"}));
  EXPECT_EQ(a.rep.pending_fetches(), 0u);
  net.release();  // b's late answer changes nothing
  EXPECT_EQ(a.instances(), (std::set<std::string>{"c/web-c"}));
  net.tick(1s);
  EXPECT_EQ(a.rep.stats().fetches_hedged, 1u);
}

}  // namespace roster::gossip::replica
