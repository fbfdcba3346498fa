// TCP session hellos, key choice and frames.
#include <gtest/gtest.h>

#include "gossip/crypto/stream.hpp"

namespace roster::gossip::crypto {
namespace {

Keyring ring_of(std::vector<Key> keys) { return keys.empty() ? Keyring{} : *Keyring::from_keys(std::move(keys)); }

Bytes body_of(const Bytes& frame) { return Bytes(frame.begin() + kFramePrefix, frame.end()); }

// Both ends' hellos go through the wire encoding, as they would on a socket.
StreamHello wire(const StreamHello& h) {
  auto back = decode_hello(body_of(encode_hello_frame(h)));
  EXPECT_TRUE(back) << back.error().message;
  return *back;
}

struct Ends {
  Result<StreamSession> client = internal("unset");
  Result<StreamSession> server = internal("unset");
};

Ends connect(const Keyring& client_ring, const Keyring& server_ring, StreamPolicy cp = {}, StreamPolicy sp = {}) {
  const StreamHello ch = make_hello(client_ring, cp.context, 111, true);
  const StreamHello sh = make_hello(server_ring, sp.context, 222, true);
  Ends e;
  e.client = establish_session(client_ring, cp, StreamRole::Client, ch, wire(sh));
  e.server = establish_session(server_ring, sp, StreamRole::Server, sh, wire(ch));
  return e;
}

Bytes payload_of(std::size_t n, std::uint8_t salt = 0) {
  Bytes b;
  b.reserve(n);
  for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i * 13 + salt));
  return b;
}

// Seals on `from`, checks the length prefix, opens on `to`.
void expect_delivered(StreamSession& from, StreamSession& to, const Bytes& payload) {
  Bytes frame, out;
  ASSERT_TRUE(from.sealer.seal(payload, frame));
  auto len = parse_frame_length(frame, from.encrypted);
  ASSERT_TRUE(len) << len.error().message;
  EXPECT_EQ(*len, frame.size() - kFramePrefix);
  const Status st = to.opener.open(body_of(frame), out);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(out, payload);
}

TEST(CryptoStream, HelloRoundTripsAndRejectsGarbage) {
  const Keyring ring = ring_of({Key::generate(), Key::generate()});
  const StreamHello h = make_hello(ring, {"dc1", "x"}, 0xabcdef, true);
  EXPECT_TRUE(h.encrypted);
  EXPECT_EQ(h.key_checks.size(), 2u);
  EXPECT_EQ(h.key_checks[0], ring.primary()->check());
  const StreamHello back = wire(h);
  EXPECT_EQ(back.boot_id, 0xabcdefu);
  EXPECT_EQ(back.nonce, h.nonce);
  EXPECT_EQ(back.key_checks, h.key_checks);
  EXPECT_EQ(back.context_hash, context_hash({"dc1", "x"}));
  EXPECT_NE(make_hello(ring, {}, 1, true).nonce, make_hello(ring, {}, 1, true).nonce);

  EXPECT_FALSE(decode_hello(Bytes{}));
  EXPECT_FALSE(decode_hello(Bytes(kHelloFixedSize, 0)));
  Bytes v2 = h.raw;
  v2[2] = 2;
  auto bad_version = decode_hello(v2);
  ASSERT_FALSE(bad_version);
  EXPECT_NE(bad_version.error().message.find("version 2"), std::string::npos);
  Bytes truncated(h.raw.begin(), h.raw.end() - 1);
  EXPECT_FALSE(decode_hello(truncated));
  Bytes plain_with_keys = h.raw;
  plain_with_keys[3] = 0;
  EXPECT_FALSE(decode_hello(plain_with_keys));
}

TEST(CryptoStream, EncryptedSessionCarriesFramesBothWays) {
  const Key k = Key::generate();
  Ends e = connect(ring_of({k}), ring_of({k}));
  ASSERT_TRUE(e.client && e.server);
  EXPECT_TRUE(e.client->encrypted && e.server->encrypted);
  EXPECT_EQ(e.client->key_id, k.id());
  for (int i = 0; i < 5; ++i) {
    expect_delivered(*e.client, *e.server, payload_of(100 + i, 1));
    expect_delivered(*e.server, *e.client, payload_of(3000 + i, 2));
  }
  expect_delivered(*e.client, *e.server, Bytes{});
}

TEST(CryptoStream, DirectionsUseDifferentKeys) {
  const Key k = Key::generate();
  Ends e = connect(ring_of({k}), ring_of({k}));
  Bytes frame, out;
  ASSERT_TRUE(e.client->sealer.seal(payload_of(50), frame));
  // The client's own opener (server-to-client direction) cannot open it.
  EXPECT_FALSE(e.client->opener.open(body_of(frame), out));
}

TEST(CryptoStream, ReorderedReplayedOrAlteredFramesFail) {
  const Key k = Key::generate();
  Ends e = connect(ring_of({k}), ring_of({k}));
  Bytes f1, f2, out;
  ASSERT_TRUE(e.client->sealer.seal(payload_of(10, 1), f1));
  ASSERT_TRUE(e.client->sealer.seal(payload_of(10, 2), f2));
  EXPECT_FALSE(e.server->opener.open(body_of(f2), out));  // second frame first: counter mismatch

  Ends e2 = connect(ring_of({k}), ring_of({k}));
  Bytes g1, out2;
  ASSERT_TRUE(e2.client->sealer.seal(payload_of(40), g1));
  for (std::size_t bit = 0; bit < (g1.size() - kFramePrefix) * 8; bit += 7) {
    // Each failed attempt consumes a counter, so use a fresh session per flip.
    Ends fresh = connect(ring_of({k}), ring_of({k}));
    Bytes f;
    ASSERT_TRUE(fresh.client->sealer.seal(payload_of(40), f));
    Bytes fb = body_of(f);
    fb[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(fresh.server->opener.open(fb, out2)) << bit;
  }
  ASSERT_TRUE(e2.server->opener.open(body_of(g1), out2));
  EXPECT_FALSE(e2.server->opener.open(body_of(g1), out2));  // replayed
}

TEST(CryptoStream, TamperedHelloGivesDifferentKeys) {
  const Key k = Key::generate();
  const Keyring ring = ring_of({k});
  const StreamHello ch = make_hello(ring, {}, 1, true);
  const StreamHello sh = make_hello(ring, {}, 2, true);
  StreamHello forged = wire(ch);
  forged.raw[12] ^= 1;  // a nonce byte changed in transit
  forged.nonce[0] ^= 1;
  auto client = establish_session(ring, {}, StreamRole::Client, ch, wire(sh));
  auto server = establish_session(ring, {}, StreamRole::Server, sh, forged);
  ASSERT_TRUE(client && server);
  Bytes frame, out;
  ASSERT_TRUE(client->sealer.seal(payload_of(20), frame));
  EXPECT_FALSE(server->opener.open(body_of(frame), out));
}

TEST(CryptoStream, ChoosesTheClientsPrimaryWhenTheServerHasIt) {
  const Key a = Key::generate(), b = Key::generate();
  Ends e = connect(ring_of({b, a}), ring_of({a, b}));
  ASSERT_TRUE(e.client && e.server);
  EXPECT_EQ(e.client->key_id, b.id());
  EXPECT_EQ(e.server->key_id, b.id());
  expect_delivered(*e.client, *e.server, payload_of(64));
}

TEST(CryptoStream, DuringRotationFallsBackToASharedKey) {
  const Key old_key = Key::generate(), new_key = Key::generate();
  // The client already uses the new key; the server has not installed it yet.
  Ends e = connect(ring_of({new_key, old_key}), ring_of({old_key}));
  ASSERT_TRUE(e.client && e.server);
  EXPECT_EQ(e.client->key_id, old_key.id());
  expect_delivered(*e.server, *e.client, payload_of(64));
}

TEST(CryptoStream, NoSharedKeyNamesTheKeyIdsOnBothSides) {
  const Key a = Key::generate(), b = Key::generate();
  Ends e = connect(ring_of({a}), ring_of({b}));
  ASSERT_FALSE(e.client);
  ASSERT_FALSE(e.server);
  EXPECT_EQ(e.client.error().message, "no gossip key in common with the peer: it has ID " + std::to_string(b.id()) +
                                          " (primary); this agent has ID " + std::to_string(a.id()) + " (primary)");
}

TEST(CryptoStream, OtherClusterIsRefused) {
  const Key k = Key::generate();
  StreamPolicy dc1{{"dc1", ""}}, dc2{{"dc2", ""}};
  Ends e = connect(ring_of({k}), ring_of({k}), dc1, dc2);
  ASSERT_FALSE(e.client);
  EXPECT_NE(e.client.error().message.find("another datacenter or cluster label"), std::string::npos);
  Ends plain = connect(ring_of({}), ring_of({}), dc1, dc2);
  EXPECT_FALSE(plain.server);
}

TEST(CryptoStream, PlaintextSessionsAndTheEncryptionPolicy) {
  Ends plain = connect(ring_of({}), ring_of({}));
  ASSERT_TRUE(plain.client && plain.server);
  EXPECT_FALSE(plain.client->encrypted);
  expect_delivered(*plain.client, *plain.server, payload_of(500));
  Bytes frame, out;
  ASSERT_TRUE(plain.client->sealer.seal(payload_of(20), frame));
  frame.back() ^= 0x40;
  auto st = plain.server->opener.open(body_of(frame), out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("CRC32C"), std::string::npos);

  // A keyed server requiring encryption refuses a keyless client.
  const Key k = Key::generate();
  Ends mixed = connect(ring_of({}), ring_of({k}));
  ASSERT_FALSE(mixed.server);
  EXPECT_EQ(mixed.server.error().message, "the peer does not encrypt gossip but this agent requires encryption");
  // With encrypt_verify_incoming off, it accepts plaintext.
  StreamPolicy lenient;
  lenient.require_encryption = false;
  Ends upgrade = connect(ring_of({}), ring_of({k}), {}, lenient);
  ASSERT_TRUE(upgrade.server && upgrade.client);
  EXPECT_FALSE(upgrade.server->encrypted);
}

TEST(CryptoStream, FrameLengthCaps) {
  EXPECT_FALSE(parse_frame_length(Bytes{0, 0}, true));
  EXPECT_FALSE(parse_frame_length(Bytes{0, 0, 0, 0}, true));
  EXPECT_FALSE(parse_frame_length(Bytes{0, 0, 0, 15}, true));
  EXPECT_TRUE(parse_frame_length(Bytes{0, 0, 0, 16}, true));
  Bytes max(4);
  put_be(max.data(), kMaxFramePayload + kTagSize, 4);
  EXPECT_TRUE(parse_frame_length(max, true));
  put_be(max.data(), kMaxFramePayload + kTagSize + 1, 4);
  auto over = parse_frame_length(max, true);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("4 MiB cap"), std::string::npos);
  EXPECT_FALSE(parse_frame_length(Bytes{0xff, 0xff, 0xff, 0xff}, false));

  FrameSealer plain;
  Bytes out;
  EXPECT_FALSE(plain.seal(Bytes(kMaxFramePayload + 1), out));
  EXPECT_TRUE(plain.seal(Bytes(kMaxFramePayload), out));
}

TEST(CryptoStream, SessionByteCap) {
  FrameSealer sealer;
  FrameOpener opener;
  const Bytes chunk(kMaxFramePayload);
  Bytes frame, out;
  for (std::size_t i = 0; i < kMaxSessionBytes / kMaxFramePayload; ++i) {
    frame.clear();
    ASSERT_TRUE(sealer.seal(chunk, frame));
    ASSERT_TRUE(opener.open(body_of(frame), out));
  }
  frame.clear();
  EXPECT_FALSE(sealer.seal(Bytes(1), frame));
}

}  // namespace
}  // namespace roster::gossip::crypto
