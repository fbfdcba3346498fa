// Datagram envelopes: round trips, tampering, wrong keys, rotation, replay.
#include <gtest/gtest.h>

#include "gossip/crypto/datagram.hpp"

namespace roster::gossip::crypto {
namespace {

// A key whose ID is (or is not) `id`, deterministic: the first of a sequence
// of fixed byte patterns that fits.
Key key_with_id(std::uint8_t id, std::uint8_t seed = 0) {
  for (int i = 0; i < 4096; ++i) {
    Bytes raw(32, seed);
    raw[0] = static_cast<std::uint8_t>(i);
    raw[1] = static_cast<std::uint8_t>(i >> 8);
    auto k = Key::from_bytes(raw);
    if (k->id() == id) return *k;
  }
  throw std::logic_error("no key with that id");
}

std::shared_ptr<KeyringStore> store_of(std::vector<Key> keys) {
  return std::make_shared<KeyringStore>(keys.empty() ? Keyring{} : *Keyring::from_keys(std::move(keys)));
}

Bytes payload_of(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return b;
}

struct Pair {
  std::shared_ptr<KeyringStore> send_keys, recv_keys;
  DatagramSealer sealer;
  DatagramOpener opener;
  Pair(std::vector<Key> send, std::vector<Key> recv, ClusterContext send_ctx = {}, ClusterContext recv_ctx = {},
       std::uint64_t boot = 0x1122334455667788ULL)
      : send_keys(store_of(std::move(send))),
        recv_keys(store_of(std::move(recv))),
        sealer(send_keys, SealerOptions{send_ctx, boot}),
        opener(recv_keys, OpenerOptions{recv_ctx}) {}
  Bytes seal(const Bytes& payload) {
    Bytes out;
    EXPECT_TRUE(sealer.seal(payload, out));
    return out;
  }
  OpenStatus open(const Bytes& packet, Bytes* payload = nullptr, PacketInfo* info = nullptr) {
    Bytes scratch;
    return opener.open(packet, payload ? *payload : scratch, info);
  }
};

TEST(CryptoDatagram, SealedRoundTripCarriesHeaderFields) {
  const Key k = key_with_id(5);
  Pair p({k}, {k});
  for (std::size_t n : {0, 1, 200, 1369}) {
    const Bytes msg = payload_of(n);
    const Bytes packet = p.seal(msg);
    EXPECT_EQ(packet.size(), n + kSealedOverhead);
    EXPECT_EQ(packet[0], 0x15);
    Bytes got;
    PacketInfo info;
    ASSERT_EQ(p.open(packet, &got, &info), OpenStatus::Ok) << n;
    EXPECT_EQ(got, msg);
    EXPECT_TRUE(info.encrypted);
    EXPECT_EQ(info.key_id, 5);
    EXPECT_EQ(info.boot_id, 0x1122334455667788ULL);
  }
  EXPECT_EQ(p.sealer.sent(), 4u);
  EXPECT_EQ(p.opener.counters()[static_cast<int>(OpenStatus::Ok)], 4u);
}

TEST(CryptoDatagram, CiphertextHidesThePayload) {
  const Key k = Key::generate();
  Pair p({k}, {k});
  const Bytes msg(64, 'A');
  const Bytes packet = p.seal(msg);
  const Bytes body(packet.begin() + kSealedHeaderSize, packet.end() - kTagSize);
  EXPECT_NE(body, msg);
  // Two packets with the same payload differ (counter nonces).
  EXPECT_NE(p.seal(msg), packet);
}

TEST(CryptoDatagram, EveryBitFlipOfASealedPacketFails) {
  const Key k = key_with_id(9);
  Pair p({k}, {k});
  const Bytes packet = p.seal(payload_of(40));
  for (std::size_t bit = 0; bit < packet.size() * 8; ++bit) {
    Bytes bad = packet;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    Bytes out;
    const OpenStatus s = p.opener.open(bad, out);
    EXPECT_NE(s, OpenStatus::Ok) << "bit " << bit;
    EXPECT_TRUE(out.empty()) << "bit " << bit;
  }
  // Forgeries moved no replay window: the genuine packet still opens, once.
  EXPECT_EQ(p.open(packet), OpenStatus::Ok);
  EXPECT_EQ(p.open(packet), OpenStatus::Replayed);
}

TEST(CryptoDatagram, EveryBitFlipOfAPlaintextPacketFails) {
  Pair p({}, {});
  const Bytes packet = p.seal(payload_of(40));
  ASSERT_EQ(packet.size(), 40 + kPlainOverhead);
  EXPECT_EQ(packet[0], kPlainV1);
  Bytes got;
  ASSERT_EQ(p.open(packet, &got), OpenStatus::Ok);
  EXPECT_EQ(got, payload_of(40));
  for (std::size_t bit = 0; bit < packet.size() * 8; ++bit) {
    Bytes bad = packet;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_NE(p.open(bad), OpenStatus::Ok) << "bit " << bit;
  }
}

TEST(CryptoDatagram, TruncatedAndForeignPacketsAreMalformed) {
  const Key k = Key::generate();
  Pair p({k}, {k});
  const Bytes packet = p.seal(payload_of(10));
  for (std::size_t n = 0; n < kSealedOverhead; ++n)
    EXPECT_EQ(p.open(Bytes(packet.begin(), packet.begin() + static_cast<long>(n))), OpenStatus::Malformed) << n;
  EXPECT_EQ(p.open(Bytes{0x00, 1, 2, 3}), OpenStatus::Malformed);
  EXPECT_EQ(p.open(Bytes(40, 0x7f)), OpenStatus::UnknownVersion);
  EXPECT_EQ(p.open(Bytes(10, kPlainV1)), OpenStatus::Malformed);
  const auto c = p.opener.counters();
  EXPECT_EQ(c[static_cast<int>(OpenStatus::Malformed)], kSealedOverhead + 2);
  EXPECT_EQ(c[static_cast<int>(OpenStatus::UnknownVersion)], 1u);
}

TEST(CryptoDatagram, WrongKeyWithAnotherIdIsUnknownKeyId) {
  const Key ours = key_with_id(1), other = key_with_id(7), third = key_with_id(3, 9);
  Pair p({third}, {ours, other});
  PacketInfo info;
  EXPECT_EQ(p.open(p.seal(payload_of(20)), nullptr, &info), OpenStatus::UnknownKeyId);
  EXPECT_EQ(p.opener.explain(OpenStatus::UnknownKeyId, info),
            "packet used key ID 3, which is not installed on this agent (installed: ID 1 (primary), ID 7)");
}

TEST(CryptoDatagram, WrongKeyWithTheSameIdFailsAuthentication) {
  const Key ours = key_with_id(4, 1), theirs = key_with_id(4, 2);
  ASSERT_FALSE(ours == theirs);
  Pair p({theirs}, {ours});
  PacketInfo info;
  EXPECT_EQ(p.open(p.seal(payload_of(20)), nullptr, &info), OpenStatus::AuthFailed);
  EXPECT_NE(p.opener.explain(OpenStatus::AuthFailed, info).find("key ID 4 did not authenticate"), std::string::npos);
}

TEST(CryptoDatagram, TwoInstalledKeysWithOneIdAreBothTried) {
  const Key a = key_with_id(6, 1), b = key_with_id(6, 2);
  Pair p({b}, {a, b});
  EXPECT_EQ(p.open(p.seal(payload_of(20))), OpenStatus::Ok);
}

TEST(CryptoDatagram, AgentWithoutKeySaysSo) {
  const Key k = key_with_id(2);
  Pair p({k}, {});
  PacketInfo info;
  EXPECT_EQ(p.open(p.seal(payload_of(20)), nullptr, &info), OpenStatus::NoKeys);
  EXPECT_EQ(p.opener.explain(OpenStatus::NoKeys, info),
            "packet is encrypted (key ID 2) but this agent has no gossip key for this cluster: start it with "
            "-encrypt KEY");
}

TEST(CryptoDatagram, PlaintextIsRefusedWhileAKeyIsRequired) {
  const Key k = Key::generate();
  Pair p({}, {k});
  EXPECT_EQ(p.open(p.seal(payload_of(20))), OpenStatus::PlaintextRefused);

  // encrypt_verify_incoming off (an upgrade in progress): accepted.
  auto keys = store_of({k});
  DatagramOpener lenient(keys, OpenerOptions{{}, false});
  Bytes out;
  EXPECT_EQ(lenient.open(p.seal(payload_of(20)), out), OpenStatus::Ok);
  EXPECT_EQ(out, payload_of(20));
}

TEST(CryptoDatagram, EncryptOutgoingOffSendsPlaintextWithAKey) {
  const Key k = Key::generate();
  auto keys = store_of({k});
  DatagramSealer sealer(keys, SealerOptions{{}, 42, false});
  EXPECT_EQ(sealer.overhead(), kPlainOverhead);
  Bytes packet;
  ASSERT_TRUE(sealer.seal(payload_of(5), packet));
  EXPECT_EQ(packet[0], kPlainV1);
}

TEST(CryptoDatagram, OtherDatacenterOrLabelIsRejected) {
  const Key k = Key::generate();
  Pair dc({k}, {k}, {"dc1", ""}, {"dc2", ""});
  EXPECT_EQ(dc.open(dc.seal(payload_of(20))), OpenStatus::AuthFailed);
  Pair label({k}, {k}, {"dc1", "blue"}, {"dc1", "green"});
  EXPECT_EQ(label.open(label.seal(payload_of(20))), OpenStatus::AuthFailed);
  Pair plain({}, {}, {"dc1", "blue"}, {"dc1", "green"});
  EXPECT_EQ(plain.open(plain.seal(payload_of(20))), OpenStatus::WrongCluster);
  Pair same({k}, {k}, {"dc1", "blue"}, {"dc1", "blue"});
  EXPECT_EQ(same.open(same.seal(payload_of(20))), OpenStatus::Ok);
}

TEST(CryptoDatagram, ReplayWindowEdgesThroughTheOpener) {
  const Key k = Key::generate();
  Pair p({k}, {k});
  std::vector<Bytes> packets;
  for (int i = 0; i < 100; ++i) packets.push_back(p.seal(payload_of(8)));
  EXPECT_EQ(p.open(packets[99]), OpenStatus::Ok);
  EXPECT_EQ(p.open(packets[36]), OpenStatus::Ok);        // 63 behind: inside the window
  EXPECT_EQ(p.open(packets[35]), OpenStatus::Replayed);  // 64 behind: too old
  EXPECT_EQ(p.open(packets[36]), OpenStatus::Replayed);  // duplicate
  EXPECT_EQ(p.open(packets[99]), OpenStatus::Replayed);
  EXPECT_EQ(p.open(packets[98]), OpenStatus::Ok);
  EXPECT_EQ(p.opener.counters()[static_cast<int>(OpenStatus::Replayed)], 3u);
}

TEST(CryptoDatagram, AbsurdCounterJumpsAreDropped) {
  const Key k = Key::generate();
  auto keys = store_of({k});
  DatagramSealer sealer(keys, SealerOptions{{}, 77});
  OpenerOptions o;
  o.max_counter_jump = 5;
  DatagramOpener opener(keys, o);
  std::vector<Bytes> packets(10);
  for (auto& pk : packets) ASSERT_TRUE(sealer.seal(payload_of(3), pk));
  Bytes out;
  EXPECT_EQ(opener.open(packets[0], out), OpenStatus::Ok);
  PacketInfo info;
  EXPECT_EQ(opener.open(packets[9], out, &info), OpenStatus::FutureCounter);
  EXPECT_NE(opener.explain(OpenStatus::FutureCounter, info).find("counter 9"), std::string::npos);
  EXPECT_EQ(opener.open(packets[5], out), OpenStatus::Ok);
  EXPECT_EQ(opener.open(packets[9], out), OpenStatus::Ok);  // within 5 of the new highest
}

TEST(CryptoDatagram, ReplayWindowsAreKeptPerSenderBoot) {
  const Key k = Key::generate();
  auto keys = store_of({k});
  DatagramSealer a(keys, SealerOptions{{}, 1}), b(keys, SealerOptions{{}, 2});
  DatagramOpener opener(keys, OpenerOptions{});
  Bytes pa, pb, out;
  ASSERT_TRUE(a.seal(payload_of(3), pa));
  ASSERT_TRUE(b.seal(payload_of(3), pb));  // same counter 0, another boot
  EXPECT_EQ(opener.open(pa, out), OpenStatus::Ok);
  EXPECT_EQ(opener.open(pb, out), OpenStatus::Ok);
  EXPECT_EQ(opener.open(pb, out), OpenStatus::Replayed);
}

TEST(CryptoDatagram, SmallSubkeyCacheStillOpensEverySender) {
  const Key k = Key::generate();
  auto keys = store_of({k});
  OpenerOptions o;
  o.key_cache_entries = 1;
  DatagramOpener opener(keys, o);
  std::vector<std::unique_ptr<DatagramSealer>> senders;
  for (std::uint64_t boot = 1; boot <= 3; ++boot)
    senders.push_back(std::make_unique<DatagramSealer>(keys, SealerOptions{{}, boot}));
  for (int round = 0; round < 3; ++round)
    for (auto& s : senders) {
      Bytes packet, out;
      ASSERT_TRUE(s->seal(payload_of(12), packet));
      EXPECT_EQ(opener.open(packet, out), OpenStatus::Ok);
      EXPECT_EQ(out, payload_of(12));
    }
}

TEST(CryptoDatagram, KeyRotationInstallUseRemove) {
  const Key old_key = key_with_id(1), new_key = key_with_id(2);
  Pair p({old_key}, {old_key});
  const Bytes in_flight = p.seal(payload_of(30));  // sealed under the old primary

  // Install everywhere, then make it primary on the sender.
  ASSERT_TRUE(p.recv_keys->update([&](Keyring& r) { return r.install(new_key); }));
  ASSERT_TRUE(p.send_keys->update([&](Keyring& r) { return r.install(new_key); }));
  ASSERT_TRUE(p.send_keys->update([&](Keyring& r) { return r.use(new_key); }));
  const Bytes under_new = p.seal(payload_of(30));
  EXPECT_EQ(under_new[0] & 0x0f, 2);
  EXPECT_EQ(p.open(under_new), OpenStatus::Ok);
  // The packet sealed under the old key still opens while that key is installed.
  EXPECT_EQ(p.open(in_flight), OpenStatus::Ok);

  // Removing the primary is refused; removing the old key works.
  const Status refused = p.send_keys->update([&](Keyring& r) { return r.remove(new_key); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Conflict);
  const Bytes late_old = [&] {
    Pair old_sender({old_key}, {old_key}, {}, {}, 0x99);
    return old_sender.seal(payload_of(30));
  }();
  ASSERT_TRUE(p.recv_keys->update([&](Keyring& r) { return r.use(new_key); }));
  ASSERT_TRUE(p.recv_keys->update([&](Keyring& r) { return r.remove(old_key); }));
  EXPECT_EQ(p.open(late_old), OpenStatus::UnknownKeyId);
  EXPECT_EQ(p.open(p.seal(payload_of(30))), OpenStatus::Ok);
}

TEST(CryptoDatagram, SubkeysDifferPerBootAndKey) {
  const Key a = Key::generate(), b = Key::generate();
  EXPECT_NE(datagram_subkey(a, 1), datagram_subkey(a, 2));
  EXPECT_NE(datagram_subkey(a, 1), datagram_subkey(b, 1));
  EXPECT_EQ(datagram_subkey(a, 1), datagram_subkey(a, 1));
  EXPECT_NE(new_boot_id(), new_boot_id());
}

TEST(CryptoDatagram, StatusNamesAreStable) {
  EXPECT_EQ(to_string(OpenStatus::AuthFailed), "auth_failed");
  EXPECT_EQ(to_string(OpenStatus::UnknownKeyId), "unknown_key_id");
  EXPECT_EQ(to_string(OpenStatus::Replayed), "replayed");
  EXPECT_EQ(to_string(OpenStatus::Malformed), "malformed");
}

}  // namespace
}  // namespace roster::gossip::crypto
