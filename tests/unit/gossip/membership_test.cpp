// One Membership driven by hand through a recording transport: replies,
// refutation, leave vs. failure, bad input, and that tick() always makes progress.
#include <gtest/gtest.h>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

#include <algorithm>
#include <map>

namespace roster::gossip {
namespace {

struct Recorder final : Transport {
  struct Sent {
    Address to;
    std::vector<Message> msgs;
  };
  std::vector<Sent> datagrams;
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> streams;
  void send_datagram(const Address& to, std::span<const std::uint8_t> p) override {
    Sent s{to, {}};
    decode_packet(p, [&](Message&& m) { s.msgs.push_back(std::move(m)); });
    datagrams.push_back(std::move(s));
  }
  void send_stream(const Address&, std::uint64_t id, std::vector<std::uint8_t> r) override {
    streams.emplace_back(id, std::move(r));
  }
};

struct Events final : MemberListener {
  std::vector<MemberEvent> seen;
  void on_member_event(const MemberEvent& e) override { seen.push_back(e); }
};

class GossipMembership : public ::testing::Test {
 protected:
  TimePoint now{std::chrono::hours(1)};
  Recorder net;
  Events events;
  std::unique_ptr<Membership> m;
  Address peer = Address::v4(10, 0, 0, 2, 8301);

  void SetUp() override {
    m = std::make_unique<Membership>(
        Config::lan(), Identity{"me", 77, Address::v4(10, 0, 0, 1, 8301), 1000, {}}, net,
        Logger(nullptr, "gossip"), 1, now);
    m->set_listener(&events);
  }
  void feed(std::initializer_list<Message> msgs) { feed_from(peer, msgs); }
  void feed_from(const Address& from, std::initializer_list<Message> msgs) {
    PacketBuilder pb(1360);
    for (const auto& x : msgs) pb.add(x);
    m->on_datagram(from, pb.bytes(), now);
  }
  // Members b, c, d, e at 10.0.0.2–5; returns their addresses by tag.
  std::map<MemberTag, Address> add_four() {
    std::map<MemberTag, Address> out;
    const char* names[] = {"b", "c", "d", "e"};
    for (int i = 0; i < 4; ++i) {
      const Address a = Address::v4(10, 0, 0, std::uint8_t(2 + i), 8301);
      feed({Alive{names[i], BootId(5 + i), 10, a, {}}});
      out[member_tag(names[i], BootId(5 + i))] = a;
    }
    return out;
  }
  // Ticks at each deadline up to `until`. Only the members at `answering`
  // ack our pings meanwhile.
  void run_until(TimePoint until, const std::vector<Address>& answering = {}) {
    while (m->next_deadline() <= until) {
      now = std::max(now, m->next_deadline());
      const std::size_t before = net.datagrams.size();
      m->tick(now);
      for (std::size_t i = before; i < net.datagrams.size(); ++i) {
        const auto d = net.datagrams[i];
        if (std::find(answering.begin(), answering.end(), d.to) == answering.end()) continue;
        for (const auto& msg : d.msgs)
          if (const auto* p = std::get_if<Ping>(&msg)) feed_from(d.to, {Ack{p->seq}});
      }
    }
    now = until;
  }
  // Every message of `Kind` sent so far, with its destination.
  template <class Kind>
  std::vector<std::pair<Address, Kind>> sent() const {
    std::vector<std::pair<Address, Kind>> out;
    for (const auto& d : net.datagrams)
      for (const auto& msg : d.msgs)
        if (const auto* k = std::get_if<Kind>(&msg)) out.emplace_back(d.to, *k);
    return out;
  }
  // Ticks until the next probe starts; returns its ping.
  Ping start_probe() {
    for (int i = 0; i < 100; ++i) {
      net.datagrams.clear();
      now = m->next_deadline();
      m->tick(now);
      const auto pings = sent<Ping>();
      if (!pings.empty()) {
        EXPECT_EQ(pings.size(), 1u);
        return pings[0].second;
      }
    }
    ADD_FAILURE() << "no probe started";
    return Ping{};
  }
};

TEST_F(GossipMembership, AnswersPingsForItsOwnBootOnly) {
  feed({Ping{5, m->self().tag}});
  ASSERT_EQ(net.datagrams.size(), 1u);
  EXPECT_EQ(net.datagrams[0].to, peer);
  EXPECT_EQ(std::get<Ack>(net.datagrams[0].msgs.at(0)).seq, 5);
  feed({Ping{6, member_tag("me", 76)}});  // our previous life
  EXPECT_EQ(net.datagrams.size(), 1u);
}

TEST_F(GossipMembership, RefutesASuspicionAboutItself) {
  feed({Suspect{m->self().tag, 1000, 12345}});
  EXPECT_EQ(m->self().incarnation, 1001u);
  EXPECT_EQ(m->stats().refutations, 1u);
  EXPECT_EQ(m->health_score(), 1);
  // The refutation rides on the next datagram.
  feed({Ping{1, m->self().tag}});
  const auto& msgs = net.datagrams.back().msgs;
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(std::get<Alive>(msgs[1]).incarnation, 1001u);
  // A stale accusation is ignored.
  feed({Dead{m->self().tag, 999, 12345}});
  EXPECT_EQ(m->self().incarnation, 1001u);
}

TEST_F(GossipMembership, AStaleAccusationGetsOurAliveBackDirectly) {
  auto members = add_four();
  const MemberTag b = member_tag("b", 5);
  feed({Suspect{m->self().tag, 1000, b}});  // refuted: 1001
  ASSERT_EQ(m->self().incarnation, 1001u);
  run_until(now + 2s, {members.begin()->second});  // the refutation has been sent its times
  ASSERT_EQ(m->queued_broadcasts(), 0u);
  net.datagrams.clear();
  // b missed our refutation: its final check carries the old accusation.
  feed_from(members.at(b), {Ping{9, m->self().tag}, Suspect{m->self().tag, 1000, b}});
  bool told = false;
  for (const auto& [to, alive] : sent<Alive>())
    told |= to == members.at(b) && alive.name == "me" && alive.incarnation == 1001u;
  EXPECT_TRUE(told);
  EXPECT_EQ(m->self().incarnation, 1001u);  // no new refutation for an old accusation
  EXPECT_EQ(m->stats().refutations, 1u);
}

TEST_F(GossipMembership, PruneForgetsALeftOrFailedMemberAtOnceButNeverALiveOne) {
  auto members = add_four();
  const MemberTag b = member_tag("b", 5), c = member_tag("c", 6);
  EXPECT_FALSE(m->prune(b, now));  // alive
  EXPECT_FALSE(m->prune(m->self().tag, now));
  feed({Dead{b, 10, b}});  // b left
  feed({Dead{c, 10, member_tag("d", 7)}});  // c failed
  ASSERT_EQ(m->find("b")->state, MemberState::Left);
  ASSERT_EQ(m->find("c")->state, MemberState::Dead);
  events.seen.clear();
  EXPECT_TRUE(m->prune(b, now));
  EXPECT_TRUE(m->prune(c, now));
  EXPECT_EQ(m->find("b"), nullptr);
  EXPECT_EQ(m->find("c"), nullptr);
  ASSERT_EQ(events.seen.size(), 2u);
  EXPECT_EQ(events.seen[0].kind, MemberEventKind::Reaped);
  EXPECT_EQ(m->size(), 3u);
  EXPECT_FALSE(m->prune(b, now));  // already gone
}

TEST_F(GossipMembership, DeadFromItselfIsALeaveAndStaysLeft) {
  feed({Alive{"b", 5, 10, peer, {}}});
  const MemberTag b = member_tag("b", 5);
  feed({Dead{b, 10, b}});
  ASSERT_NE(m->find("b"), nullptr);
  EXPECT_EQ(m->find("b")->state, MemberState::Left);
  feed({Dead{b, 10, 999}});  // a late failure verdict changes nothing
  feed({Alive{"b", 5, 11, peer, {}}});  // nor does the same boot coming "back"
  EXPECT_EQ(m->find("b")->state, MemberState::Left);
  ASSERT_EQ(events.seen.size(), 2u);
  EXPECT_EQ(events.seen[0].kind, MemberEventKind::Joined);
  EXPECT_EQ(events.seen[1].kind, MemberEventKind::Left);
}

TEST_F(GossipMembership, SuspectThenRefutedThenNewBootTakesOver) {
  feed({Alive{"b", 5, 10, peer, {}}});
  const MemberTag b = member_tag("b", 5);
  feed({Suspect{b, 10, 1}});
  EXPECT_EQ(m->find("b")->state, MemberState::Suspect);
  feed({Alive{"b", 5, 10, peer, {}}});  // not higher: the accusation sticks
  EXPECT_EQ(m->find("b")->state, MemberState::Suspect);
  feed({Alive{"b", 5, 11, peer, {}}});
  EXPECT_EQ(m->find("b")->state, MemberState::Alive);
  // Another boot with a lower incarnation while b is live: a conflict, ignored.
  const Address other = Address::v4(10, 0, 0, 9, 8301);
  feed({Alive{"b", 6, 3, other, {}}});
  EXPECT_EQ(m->find("b")->address, peer);
  EXPECT_EQ(m->stats().name_conflicts, 1u);
  // A restart (higher incarnation) takes the name and reports the old
  // address, once the old boot has not answered a direct ping in time.
  net.datagrams.clear();
  feed({Alive{"b", 6, 50, other, {}}});
  EXPECT_EQ(m->find("b")->address, peer);
  const auto pings = sent<Ping>();
  ASSERT_FALSE(pings.empty());
  EXPECT_EQ(pings[0].first, peer);
  EXPECT_EQ(pings[0].second.target, member_tag("b", 5));
  run_until(now + Config::lan().probe_interval);
  EXPECT_EQ(m->find("b")->address, other);
  EXPECT_EQ(events.seen.back().kind, MemberEventKind::Joined);
  ASSERT_TRUE(events.seen.back().replaced);
  EXPECT_EQ(*events.seen.back().replaced, peer);
}

TEST_F(GossipMembership, GarbageIsCountedNotFatal) {
  const std::vector<std::uint8_t> junk{1, 5, 200, 0, 0};
  m->on_datagram(peer, junk, now);
  EXPECT_EQ(m->stats().malformed_packets, 1u);
  EXPECT_TRUE(m->on_stream_request(peer, junk, now).empty());
  EXPECT_EQ(m->find("me")->state, MemberState::Alive);
}

TEST_F(GossipMembership, TickAlwaysMovesTheDeadlineForward) {
  feed({Alive{"b", 5, 10, peer, {}}, Alive{"c", 6, 10, Address::v4(10, 0, 0, 3, 8301), {}}});
  for (int i = 0; i < 2000; ++i) {
    const TimePoint d = m->next_deadline();
    ASSERT_NE(d, TimePoint::max());
    now = std::max(now, d);
    m->tick(now);
    ASSERT_GT(m->next_deadline(), now) << "iteration " << i;
  }
  // Nobody answered: b and c were probed, suspected and finally failed.
  EXPECT_EQ(m->find("b")->state, MemberState::Dead);
  EXPECT_EQ(m->find("c")->state, MemberState::Dead);
  EXPECT_GE(m->health_score(), 1);  // missing nacks count against ourselves
}

TEST_F(GossipMembership, BroadcastValidatesAndRequestNeedsALiveMember) {
  EXPECT_FALSE(m->broadcast("k", {}).ok());
  EXPECT_TRUE(m->broadcast("k", {1, 2, 3}).ok());
  EXPECT_EQ(m->queued_broadcasts(), 1u);
  EXPECT_FALSE(m->request("nobody", {1}).ok());
  feed({Alive{"b", 5, 10, peer, {}}});
  auto id = m->request("b", {1});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(net.streams.size(), 1u);
  EXPECT_FALSE(m->set_meta(std::vector<std::uint8_t>(600, 1), now).ok());
  EXPECT_TRUE(m->set_meta({1}, now).ok());
  EXPECT_EQ(m->self().incarnation, 1001u);
}

TEST_F(GossipMembership, AMissedAckBringsIndirectProbesAndAHelpersAckSavesTheTarget) {
  auto members = add_four();
  const Ping ping = start_probe();
  const Address target = members.at(ping.target);
  net.datagrams.clear();
  run_until(now + Config::lan().probe_timeout);  // no direct ack in time
  const auto reqs = sent<PingReq>();
  ASSERT_EQ(reqs.size(), 3u);  // indirect_checks helpers, never the target
  for (const auto& [to, r] : reqs) {
    EXPECT_NE(to, target);
    EXPECT_EQ(r.seq, ping.seq);
    EXPECT_EQ(r.target, ping.target);
    EXPECT_TRUE(r.want_nack);
  }
  const auto retries = sent<Ping>();  // a direct retry, and one over TCP
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].first, target);
  EXPECT_EQ(net.streams.size(), 1u);
  // A helper relays the target's ack: the probe succeeded.
  feed_from(reqs[0].first, {Ack{ping.seq}});
  run_until(now + Config::lan().probe_interval);
  EXPECT_EQ(m->stats().probes_failed, 0u);
  for (const auto& row : m->members()) EXPECT_EQ(row.state, MemberState::Alive) << row.name.str();
}

TEST_F(GossipMembership, NacksPutTheBlameOnTheTargetTheirAbsenceOnOurselves) {
  auto members = add_four();
  const Config c = Config::lan();
  start_probe();
  const TimePoint t1 = now;
  run_until(t1 + c.probe_timeout);
  const auto reqs = sent<PingReq>();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& [helper, r] : reqs) feed_from(helper, {Nack{r.seq}});
  net.datagrams.clear();
  run_until(t1 + c.probe_interval);  // the probe ends; the next one starts
  // The helpers reached us but not the target: it is suspect, we are healthy.
  EXPECT_EQ(m->stats().probes_failed, 1u);
  EXPECT_EQ(m->health_score(), 0);
  int suspects = 0;
  for (const auto& row : m->members()) suspects += row.state == MemberState::Suspect;
  EXPECT_EQ(suspects, 1);

  // The next probe gets no nacks at all: with every helper silent, our own
  // network (or CPU) is the likelier culprit, and our health score takes one
  // point per missing nack. (Two helpers now: a suspect is never asked.)
  ASSERT_FALSE(sent<Ping>().empty());
  const TimePoint t2 = now;
  net.datagrams.clear();
  run_until(t2 + c.probe_timeout);
  ASSERT_EQ(sent<PingReq>().size(), 2u);
  run_until(t2 + c.probe_interval);
  EXPECT_EQ(m->stats().probes_failed, 2u);
  EXPECT_EQ(m->health_score(), 2);
}

TEST_F(GossipMembership, RelaysAPingReqAndNacksWhenTheTargetStaysSilent) {
  auto members = add_four();
  const MemberTag b = member_tag("b", 5);
  const Address c = members.at(member_tag("c", 6));
  feed_from(c, {PingReq{77, b, true}});
  auto pings = sent<Ping>();
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(pings[0].first, members.at(b));
  EXPECT_EQ(pings[0].second.target, b);
  // b answers us: the ack goes back to c under c's sequence number.
  feed_from(members.at(b), {Ack{pings[0].second.seq}});
  auto acks = sent<Ack>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].first, c);
  EXPECT_EQ(acks[0].second.seq, 77);

  // b stays silent this time: c gets a nack once the probe timeout passed.
  net.datagrams.clear();
  feed_from(c, {PingReq{78, b, true}});
  EXPECT_TRUE(sent<Nack>().empty());
  run_until(now + Config::lan().probe_timeout);
  auto nacks = sent<Nack>();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].first, c);
  EXPECT_EQ(nacks[0].second.seq, 78);
  // Without want_nack (plain SWIM) nothing comes back; an unknown target is
  // nacked at once.
  net.datagrams.clear();
  feed_from(c, {PingReq{79, b, false}});
  run_until(now + Config::lan().probe_timeout);
  EXPECT_TRUE(sent<Nack>().empty());
  feed_from(c, {PingReq{80, member_tag("nobody", 1), true}});
  ASSERT_EQ(sent<Nack>().size(), 1u);
  EXPECT_EQ(sent<Nack>()[0].second.seq, 80);
}

// When did `name` turn failed (from the listener), if it did.
std::optional<TimePoint> failed_at(const Events& events, const std::string& name) {
  for (const auto& e : events.seen)
    if (e.kind == MemberEventKind::Failed && e.member.name == name) return e.at;
  return std::nullopt;
}

TEST_F(GossipMembership, IndependentConfirmationsShortenTheSuspicion) {
  // Lifeguard: a suspicion starts at the maximum timeout (suspicion_min ×
  // suspicion_max_mult) and shrinks towards the minimum as independent
  // accusers confirm it.
  auto members = add_four();
  const Config c = Config::lan();
  const MemberTag b = member_tag("b", 5);
  const TimePoint t0 = now;
  feed({Suspect{b, 10, member_tag("c", 6)}});
  feed({Suspect{b, 10, member_tag("c", 6)}});  // the same accuser again: not independent
  feed({Suspect{b, 10, member_tag("d", 7)}});
  feed({Suspect{b, 10, member_tag("e", 8)}});
  ASSERT_EQ(m->find("b")->state, MemberState::Suspect);
  // b acks our own probes: only the three accusers count.
  run_until(t0 + c.suspicion_min(5) + 100ms, {members.at(b)});
  const auto at = failed_at(events, "b");
  ASSERT_TRUE(at);
  EXPECT_LE(*at - t0, c.suspicion_min(5) + 1ms);
}

TEST_F(GossipMembership, AnUnconfirmedSuspicionRunsItsFullTimeout) {
  auto members = add_four();
  const Config c = Config::lan();
  const MemberTag b = member_tag("b", 5);
  const TimePoint t0 = now;
  feed({Suspect{b, 10, member_tag("c", 6)}});
  // b acks our own probes (it never refutes, though): one accuser only.
  run_until(t0 + c.suspicion_min(5) + 100ms, {members.at(b)});
  EXPECT_FALSE(failed_at(events, "b"));  // far from the minimum
  EXPECT_EQ(m->find("b")->state, MemberState::Suspect);
  run_until(t0 + c.suspicion_max(5) + 5s, {members.at(b)});
  const auto at = failed_at(events, "b");
  ASSERT_TRUE(at);
  EXPECT_GE(*at - t0, c.suspicion_max(5));
}

}  // namespace
}  // namespace roster::gossip
