// Golden bytes per message type, and hostile input: truncated, garbage,
// unknown types, oversize counts. Decoders must never crash or over-read.
#include <gtest/gtest.h>

#include <random>

#include "gossip/codec.hpp"

namespace roster::gossip {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<Message> decode_all(const Bytes& packet, PacketStats* stats = nullptr) {
  std::vector<Message> out;
  auto st = decode_packet(packet, [&](Message&& m) { out.push_back(std::move(m)); });
  if (stats) *stats = st;
  return out;
}

Alive sample_alive() {
  return Alive{"n1", 0x0102030405060708ull, 300, Address::v4(10, 0, 0, 1, 8301), {0xee}};
}

TEST(GossipCodec, GoldenBytesPerMessageType) {
  EXPECT_EQ(encode_message(Ping{0x1234, 0x010203040506}),
            (Bytes{1, 8, 0x12, 0x34, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(encode_message(Ack{0x0102}), (Bytes{2, 2, 1, 2}));
  EXPECT_EQ(encode_message(Nack{0x0102}), (Bytes{3, 2, 1, 2}));
  EXPECT_EQ(encode_message(PingReq{7, 0xaabbccddeeff, true}),
            (Bytes{4, 9, 0, 7, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1}));
  EXPECT_EQ(encode_message(sample_alive()),
            (Bytes{5, 22, 2, 'n', '1', 1, 2, 3, 4, 5, 6, 7, 8, 0xac, 0x02, 4, 10, 0, 0, 1, 0x20,
                   0x6d, 1, 0xee}));
  EXPECT_EQ(encode_message(Suspect{0x010203040506, 5, 0x0a0b0c0d0e0f}),
            (Bytes{6, 13, 1, 2, 3, 4, 5, 6, 5, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}));
  EXPECT_EQ(encode_message(Dead{0x010203040506, 5, 0x010203040506}),
            (Bytes{7, 13, 1, 2, 3, 4, 5, 6, 5, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(encode_message(User{{0xde, 0xad}}), (Bytes{8, 2, 0xde, 0xad}));
}

TEST(GossipCodec, CompoundPacketRoundTrips) {
  PacketBuilder pb(1360);
  ASSERT_TRUE(pb.add(Ping{9, 42}));
  ASSERT_TRUE(pb.add(sample_alive()));
  ASSERT_TRUE(pb.add(Dead{1, 2, 1}));
  EXPECT_EQ(pb.bytes().front(), kProtocolVersion);
  PacketStats st;
  auto msgs = decode_all(pb.bytes(), &st);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_TRUE(st.framing_ok);
  EXPECT_EQ(std::get<Ping>(msgs[0]).seq, 9);
  EXPECT_EQ(std::get<Ping>(msgs[0]).target, 42u);
  EXPECT_EQ(std::get<Alive>(msgs[1]), sample_alive());
  EXPECT_EQ(std::get<Dead>(msgs[2]).accuser, 1u);
}

TEST(GossipCodec, BuilderNeverExceedsItsBudget) {
  PacketBuilder pb(101);
  int added = 0;
  while (pb.add(User{Bytes(30, 7)})) ++added;
  EXPECT_EQ(added, 3);  // 1 version byte + 3 × 32
  EXPECT_LE(pb.bytes().size(), 101u);
  EXPECT_TRUE(pb.add(Ack{1}));  // a small one still fits
  EXPECT_EQ(pb.bytes().size(), 101u);
  EXPECT_FALSE(pb.add(Ack{2}));
}

TEST(GossipCodec, UnknownTypesAndNewerFieldsAreSkipped) {
  // A newer agent's packet: an unknown type 42, then an ack with an extra
  // trailing field this version does not know.
  Bytes packet{2, 42, 3, 9, 9, 9, 2, 3, 0, 5, 0xff};
  PacketStats st;
  auto msgs = decode_all(packet, &st);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(std::get<Ack>(msgs[0]).seq, 5);
  EXPECT_EQ(st.unknown, 1u);
  EXPECT_TRUE(st.framing_ok);
}

TEST(GossipCodec, BadInputIsRejectedNotTrusted) {
  PacketStats st;
  EXPECT_TRUE(decode_all({}, &st).empty());
  EXPECT_FALSE(st.framing_ok);
  EXPECT_TRUE(decode_all({0, 2, 2, 0, 1}, &st).empty());  // version 0
  EXPECT_FALSE(st.framing_ok);
  // A frame whose length runs past the end: earlier messages still count.
  auto msgs = decode_all({1, 2, 2, 0, 1, 5, 200, 1}, &st);
  EXPECT_EQ(msgs.size(), 1u);
  EXPECT_FALSE(st.framing_ok);
  // Known type, short body: skipped as malformed.
  msgs = decode_all({1, 1, 3, 0, 1, 2, 2, 2, 0, 1}, &st);
  EXPECT_EQ(msgs.size(), 1u);
  EXPECT_EQ(st.malformed, 1u);
  // A varint longer than 64 bits.
  msgs = decode_all({1, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, &st);
  EXPECT_TRUE(msgs.empty());
  EXPECT_FALSE(st.framing_ok);
  // Alive with a bad address family and with an oversize name.
  EXPECT_FALSE(decode_message(MsgType::Alive, Bytes{1, 'a', 0, 0, 0, 0, 0, 0, 0, 0, 1, 9}).ok());
  Bytes long_name{0x81, 0x01};
  long_name.resize(long_name.size() + 129, 'x');
  EXPECT_FALSE(decode_message(MsgType::Alive, long_name).ok());
  EXPECT_FALSE(decode_message(MsgType::User, Bytes{}).ok());
}

TEST(GossipCodec, EveryTruncationOfAValidPacketIsSafe) {
  PacketBuilder pb(1360);
  pb.add(Ping{1, 2});
  pb.add(sample_alive());
  pb.add(Suspect{3, 4, 5});
  pb.add(User{Bytes(50, 1)});
  const Bytes full = pb.bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    Bytes cut(full.begin(), full.begin() + std::ptrdiff_t(n));
    auto msgs = decode_all(cut);
    EXPECT_LE(msgs.size(), 4u);
  }
  EXPECT_EQ(decode_all(full).size(), 4u);
}

TEST(GossipCodec, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng() % 200);
    for (auto& x : b) x = std::uint8_t(rng());
    if (!b.empty() && i % 2) b[0] = 1;  // get past the version byte half the time
    decode_all(b);
    (void)decode_stream(b);
  }
}

SyncRequest sample_sync() {
  SyncRequest req;
  req.join = true;
  req.has_table = true;
  req.self = sample_alive();
  req.digest = 0x1122334455667788ull;
  req.table = {MemberRecord{sample_alive(), MemberState::Suspect},
               MemberRecord{Alive{"n2", 9, 1, *Address::parse("[fd00::1]:8301"), {}},
                            MemberState::Left}};
  req.app = {1, 2, 3};
  return req;
}

TEST(GossipCodec, StreamMessagesRoundTrip) {
  auto bytes = encode_stream(sample_sync());
  auto back = decode_stream(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto& req = std::get<SyncRequest>(back.value());
  EXPECT_TRUE(req.join);
  EXPECT_EQ(req.self, sample_alive());
  EXPECT_EQ(req.digest, 0x1122334455667788ull);
  ASSERT_EQ(req.table.size(), 2u);
  EXPECT_EQ(req.table[0].state, MemberState::Suspect);
  EXPECT_EQ(req.table[1].identity.address.to_string(), "[fd00::1]:8301");
  EXPECT_EQ(req.table[1].state, MemberState::Left);
  EXPECT_EQ(req.app, (Bytes{1, 2, 3}));

  SyncReply reply;
  reply.status = SyncStatus::NameConflict;
  reply.error = "taken";
  auto r = decode_stream(encode_stream(reply));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<SyncReply>(r.value()).status, SyncStatus::NameConflict);
  EXPECT_EQ(std::get<SyncReply>(r.value()).error, "taken");

  auto ping = decode_stream(encode_stream(StreamPing{7, 0x0102030405}));
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(std::get<StreamPing>(ping.value()).target, 0x0102030405u);
  EXPECT_EQ(encode_stream(StreamPingReply{7, true}), (Bytes{1, 6, 0, 7, 1}));

  auto app = decode_stream(encode_stream(AppRequest{"n1", {9}}));
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(std::get<AppRequest>(app.value()).from, "n1");
}

TEST(GossipCodec, TruncatedOrLyingStreamsAreRejected) {
  const auto bytes = encode_stream(sample_sync());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(decode_stream(std::span(bytes.data(), n)).ok()) << n;
  // A table claiming a million rows in a few bytes.
  SyncReply reply;
  auto b = encode_stream(reply);
  // [ver][kind][status][error len 0][digest 8][has_table=1][count...]
  Bytes lie(b.begin(), b.begin() + 12);
  lie.push_back(1);
  lie.insert(lie.end(), {0xc0, 0x84, 0x3d});  // varint 1,000,000
  EXPECT_FALSE(decode_stream(lie).ok());
  EXPECT_FALSE(decode_stream(Bytes{1, 99}).ok());
}

TEST(GossipCodec, AddressParsing) {
  auto a = Address::parse("198.18.0.7:8301");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "198.18.0.7:8301");
  EXPECT_EQ(*a, Address::v4(198, 18, 0, 7, 8301));
  auto b = Address::parse("[::1]:53");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family, 6);
  EXPECT_EQ(b->to_string(), "[::1]:53");
  for (const char* bad : {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:70000", "1.2.3:5", "[::1]53",
                          "host:80", "1.2.3.4:8x"})
    EXPECT_FALSE(Address::parse(bad)) << bad;
}

}  // namespace
}  // namespace roster::gossip
