// One Membership driven by hand through a recording transport: replies,
// refutation, leave vs. failure, bad input, and that tick() always makes progress.
#include <gtest/gtest.h>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

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
  void feed(std::initializer_list<Message> msgs) {
    PacketBuilder pb(1360);
    for (const auto& x : msgs) pb.add(x);
    m->on_datagram(peer, pb.bytes(), now);
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
  // A restart (higher incarnation) takes the name and reports the old address.
  feed({Alive{"b", 6, 50, other, {}}});
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

}  // namespace
}  // namespace roster::gossip
