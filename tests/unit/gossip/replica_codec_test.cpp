// The replica wire formats: golden bytes, round trips, sizes, forward
// compatibility and bad input.
#include "gossip/replica_codec.hpp"

#include <gtest/gtest.h>

#include <random>

#include "gossip/replica_tlv.hpp"
#include "replica_test_support.hpp"

namespace roster::gossip::replica {
namespace {

using testing::node_record;

Bytes hex(std::string_view h) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < h.size();) {
    if (h[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Decoders must survive every prefix and every single-byte corruption.
template <typename Decode>
void survives_damage(const Bytes& good, Decode decode) {
  for (std::size_t n = 0; n < good.size(); ++n) (void)decode(std::span(good.data(), n));
  for (std::size_t i = 0; i < good.size(); ++i)
    for (const std::uint8_t v : {0x00, 0x7f, 0x80, 0xff}) {
      Bytes bad = good;
      bad[i] = v;
      (void)decode(bad);
    }
}

}  // namespace

TEST(ReplicaCodecTest, RumorGoldenBytesAndSize) {
  Rumor r;
  r.owner = 0x010203040506;
  r.holder = 0x0a0b0c0d0e0f;
  r.digest = 0x1122334455667788;
  r.stamp = Stamp{300, 5};
  const Bytes b = encode_rumor(r);
  EXPECT_EQ(b, hex("01 01 010203040506 0a0b0c0d0e0f 1122334455667788 ac02 05"));
  EXPECT_EQ(decode_rumor(b), r);
  // A real one: boot = wall-clock microseconds, a few thousand versions.
  r.stamp = Stamp{1'760'000'000'000'000, 4000};
  EXPECT_LE(encode_rumor(r).size(), 32u);
}

TEST(ReplicaCodecTest, RecordGoldenBytes) {
  registry::NodeRecord rec;
  rec.node.name = "n1";
  rec.node.address = "10.0.0.1";
  registry::Service web;
  web.id = "web";
  web.name = "web";
  web.port = 80;
  rec.services.set("web", web);
  const Bytes b = encode_record(rec);
  EXPECT_EQ(b, hex("06 02 6e31  0e 08 31302e302e302e31  1a 0d 06 03 776562 0a 03 776562 14 a001"));
  const auto back = decode_record(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->node.name, "n1");
  EXPECT_EQ(back->services.at("web").port, 80);
  EXPECT_EQ(back->services.at("web").weights, registry::Weights{});
}

TEST(ReplicaCodecTest, HashesArePinned) {
  // Every agent must compute the same values, release after release.
  EXPECT_EQ(hash64(text("")), hash64(text("")));
  EXPECT_NE(hash64(text("a")), hash64(text("b")));
  EXPECT_EQ(tag_of("Node1"), tag_of("node1"));
  EXPECT_LT(tag_of("node1"), std::uint64_t{1} << 48);
  EXPECT_EQ(hash64(text("roster")), 0xeb8eef3d015f2941ULL);
  EXPECT_EQ(tag_of("node1"), 0x688658d1ee36ULL);
}

TEST(ReplicaCodecTest, RecordRoundTripKeepsEverythingButIndexes) {
  registry::NodeRecord rec = node_record("web-7.dc1.example", 3);
  registry::Check http;
  http.id = "service:web-0:2";
  http.name = "HTTP";
  http.service_id = "web-0";
  http.service_name = "web";
  http.type = registry::CheckType::Http;
  http.status = registry::HealthStatus::Warning;
  http.spec.http = "http://10.0.0.1:8080/health";
  http.spec.method = "POST";
  http.spec.header = {{"X-A", {"1", "2"}}};
  http.spec.interval = std::chrono::seconds(10);
  http.spec.timeout = std::chrono::seconds(2);
  http.spec.failures_before_critical = 3;
  http.spec.output_max_size = 100;
  http.create_index = 77;
  rec.checks.set(http.id, http);
  auto svc = rec.services.at("web-1");
  svc.weights = registry::Weights{10, 0};
  svc.enable_tag_override = true;
  svc.address = "fd00::1";
  svc.modify_index = 9;
  rec.services.set(svc.id, svc);

  const Bytes b = encode_record(rec);
  const auto back = decode_record(b);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->node.same_definition(rec.node));
  ASSERT_EQ(back->services.size(), rec.services.size());
  for (const auto& [id, s] : rec.services) EXPECT_TRUE(back->services.at(id).same_definition(s)) << id;
  ASSERT_EQ(back->checks.size(), rec.checks.size());
  for (const auto& [id, c] : rec.checks) EXPECT_TRUE(back->checks.at(id).same_state(c)) << id;
  EXPECT_EQ(back->checks.at(http.id).create_index, 0u);  // indexes are each agent's own
  EXPECT_EQ(encode_record(*back), b);                     // deterministic
  // Outputs can be left out (to tell output-only changes).
  EXPECT_LT(encode_record(rec, false).size(), b.size());
}

TEST(ReplicaCodecTest, TaggedAddressesTravelWithTheRecord) {
  registry::NodeRecord rec = node_record("web-7.dc1.example", 3);
  auto svc = rec.services.at("web-1");
  svc.tagged_addresses["wan_ipv4"] = registry::ServiceAddress{"198.51.100.7", 8080};
  svc.tagged_addresses["lan"] = registry::ServiceAddress{"", 0};
  rec.services.set(svc.id, svc);
  const auto back = decode_record(encode_record(rec));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->services.at("web-1").tagged_addresses, svc.tagged_addresses);
  EXPECT_TRUE(back->services.at("web-1").same_definition(svc));
}

TEST(ReplicaCodecTest, UnknownFieldsOfALaterVersionAreSkipped) {
  registry::NodeRecord rec;
  rec.node.name = "n1";
  registry::Service web;
  web.id = "web";
  web.port = 80;
  rec.services.set("web", web);
  // The same record as a later version might write it: extra fields of all
  // three kinds at the top level and inside the service.
  Bytes later;
  TlvWriter w(later);
  w.str(1, "n1");
  w.varint(40, 12345);
  w.fixed64(41, 0xdeadbeef);
  w.str(42, "a field from the future");
  Bytes svc;
  TlvWriter sw(svc);
  sw.str(1, "web");
  sw.str(30, "future");
  sw.sint(5, 80);
  w.bytes(6, svc);
  const auto back = decode_record(later);
  ASSERT_TRUE(back);
  EXPECT_EQ(encode_record(*back), encode_record(rec));
  // A rumor with a later version's trailing fields.
  Bytes rumor = encode_rumor(Rumor{1, 2, Stamp{3, 4}, 5});
  rumor.push_back(0x2a);
  rumor.push_back(0x01);
  EXPECT_EQ(decode_rumor(rumor), (Rumor{1, 2, Stamp{3, 4}, 5}));
  // Unknown status and check type read as the safe choices.
  Bytes chk;
  TlvWriter cw(chk);
  cw.str(1, "c1");
  cw.varint(5, 9);
  cw.varint(9, 42);
  Bytes rec2;
  TlvWriter rw(rec2);
  rw.str(1, "n1");
  rw.bytes(7, chk);
  const auto r2 = decode_record(rec2);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->checks.at("c1").status, registry::HealthStatus::Critical);
  EXPECT_EQ(r2->checks.at("c1").type, registry::CheckType::Catalog);
}

TEST(ReplicaCodecTest, FormatAndKindAreChecked) {
  const Bytes rumor = encode_rumor(Rumor{1, 2, Stamp{3, 4}, 5});
  EXPECT_EQ(kind_of(rumor), Kind::Rumor);
  Bytes future = rumor;
  future[0] = 2;  // needs a format this version does not read
  EXPECT_FALSE(kind_of(future));
  EXPECT_FALSE(decode_rumor(future));
  Bytes unknown = rumor;
  unknown[1] = 9;  // a kind this version does not know
  EXPECT_FALSE(kind_of(unknown));
  EXPECT_FALSE(decode_rumor(encode_summary(Summary{})));  // another kind
  EXPECT_FALSE(decode_summary(rumor));
}

TEST(ReplicaCodecTest, SummaryRoundTripsOnItsLow48Bits) {
  Summary s;
  s.count = 10'000;
  for (std::size_t i = 0; i < kBuckets; ++i) s.buckets[i] = 0xba9876543210ULL + i;
  const Bytes b = encode_summary(s);
  EXPECT_EQ(b.size(), 2u + 2 + 1 + 6 * kBuckets);
  EXPECT_EQ(decode_summary(b), s);
  // Only the low 48 bits travel and count.
  Summary high = s;
  high.buckets[3] |= 0xffff000000000000ULL;
  EXPECT_EQ(decode_summary(encode_summary(high)), s);
}

TEST(ReplicaCodecTest, DigestFoldsTheSummaryAndFitsTheAgreementBudget) {
  Summary s;
  s.count = 10'000;
  for (std::size_t i = 0; i < kBuckets; ++i) s.buckets[i] = 0xffffba9876543210ULL + i;
  const Digest d = fold(s);
  EXPECT_EQ(d.count, 10'000u);
  std::uint64_t sum = 0;
  for (const auto h : s.buckets) sum += h;
  EXPECT_EQ(d.hash, sum & 0xffffffffffffULL);
  const Bytes b = encode_digest(d);
  EXPECT_EQ(b.size(), 2u + 2 + 6);  // what each side of an agreeing round sends
  EXPECT_EQ(decode_digest(b), d);
  EXPECT_EQ(kind_of(b), Kind::Digest);
  EXPECT_FALSE(decode_summary(b));
  EXPECT_FALSE(decode_digest(encode_summary(s)));
  // A change in any bucket changes the digest.
  Summary other = s;
  other.buckets[9] += 1;
  EXPECT_NE(fold(other), d);
  other = s;
  ++other.count;
  EXPECT_NE(fold(other), d);
}

TEST(ReplicaCodecTest, EntriesAndRecordsRoundTrip) {
  EntriesMsg e;
  e.bucket_mask = 0x8001;
  e.entries = {Entry{"a", Stamp{1, 2}, 0x1234, false}, Entry{"b", Stamp{3, 0}, 0, true}};
  const auto e2 = decode_entries(encode_entries(e));
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->bucket_mask, 0x8001u);
  EXPECT_EQ(e2->entries, e.entries);

  RecordsMsg m;
  m.records = {testing::shipped(node_record("a"), Stamp{1, 2}), testing::tombstone("b", Stamp{3, 4}, 1700000000)};
  m.want_names = {"c", "d"};
  m.want_tags = {tag_of("e")};
  m.truncated = true;
  const auto m2 = decode_records(encode_records(m));
  ASSERT_TRUE(m2);
  ASSERT_EQ(m2->records.size(), 2u);
  EXPECT_EQ(*m2->records[0].record, *m.records[0].record);
  EXPECT_EQ(m2->records[0].stamp, (Stamp{1, 2}));
  EXPECT_TRUE(m2->records[1].removed);
  EXPECT_EQ(m2->records[1].removed_at, 1700000000);
  EXPECT_EQ(m2->want_names, m.want_names);
  EXPECT_EQ(m2->want_tags, m.want_tags);
  EXPECT_TRUE(m2->truncated);
}

TEST(ReplicaCodecTest, BadInputIsRejectedWithoutCrashing) {
  EXPECT_FALSE(decode_record({}));  // no name
  EXPECT_FALSE(decode_record(hex("06 05 6e31")));  // length past the end
  EXPECT_FALSE(decode_record(hex("03")));          // key of kind 3
  EXPECT_FALSE(decode_record(hex("06 02 6e31 ff ff ff ff ff ff ff ff ff ff 01")));  // overlong varint
  // A service check naming a service the node does not have.
  Bytes chk;
  TlvWriter cw(chk);
  cw.str(1, "c1");
  cw.str(6, "ghost");
  Bytes rec;
  TlvWriter rw(rec);
  rw.str(1, "n1");
  rw.bytes(7, chk);
  EXPECT_FALSE(decode_record(rec));
  // A record entry without bytes, a name too long.
  RecordsMsg m;
  m.records = {Shipped{"a", Stamp{1, 1}, false, 0, nullptr}};
  EXPECT_FALSE(decode_records(encode_records(m)));
  EXPECT_FALSE(decode_entries(encode_entries(EntriesMsg{1, {Entry{std::string(200, 'x'), {}, 0, false}}})));

  survives_damage(encode_record(node_record("n1", 2)), [](auto b) { return decode_record(b); });
  RecordsMsg full;
  full.records = {testing::shipped(node_record("a"), Stamp{1, 2}), testing::tombstone("b", Stamp{3, 4}, 5)};
  full.want_names = {"c"};
  survives_damage(encode_records(full), [](auto b) { return decode_records(b); });
  survives_damage(encode_entries(EntriesMsg{3, {Entry{"a", Stamp{1, 2}, 3, false}}}),
                  [](auto b) { return decode_entries(b); });
  survives_damage(encode_summary(Summary{}), [](auto b) { return decode_summary(b); });
  survives_damage(encode_digest(Digest{7, 9}), [](auto b) { return decode_digest(b); });
  survives_damage(encode_rumor(Rumor{1, 2, Stamp{3, 4}, 5}), [](auto b) { return decode_rumor(b); });

  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes junk(rng() % 64);
    for (auto& c : junk) c = static_cast<std::uint8_t>(rng());
    if (!junk.empty()) junk[0] = 1;  // get past the format byte now and then
    (void)decode_record(junk);
    (void)decode_rumor(junk);
    (void)decode_summary(junk);
    (void)decode_digest(junk);
    (void)decode_entries(junk);
    (void)decode_records(junk);
  }
}

}  // namespace roster::gossip::replica
