// Malformed and unusual queries: acceptance rules (consul-compat.md §1.1,
// §1.9) and never crashing on garbage.
#include <cstring>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A 12-byte header: ID 0xBEEF, RD, the given opcode/flags and counts.
Bytes header(std::uint16_t qd, std::uint16_t an = 0, std::uint16_t ns = 0, std::uint16_t ar = 0,
             std::uint8_t flags_hi = 0x01) {
  return {0xBE, 0xEF, flags_hi, 0x00, static_cast<std::uint8_t>(qd >> 8), static_cast<std::uint8_t>(qd),
          static_cast<std::uint8_t>(an >> 8), static_cast<std::uint8_t>(an),
          static_cast<std::uint8_t>(ns >> 8), static_cast<std::uint8_t>(ns),
          static_cast<std::uint8_t>(ar >> 8), static_cast<std::uint8_t>(ar)};
}

void append(Bytes& b, std::initializer_list<std::uint8_t> more) { b.insert(b.end(), more); }

// The reply must be exactly a 12-byte header with this rcode and the query's ID.
void expect_header_only(const Decision& d, ldns_pkt_rcode rcode) {
  ASSERT_EQ(d.kind, Decision::Kind::Answer);
  ASSERT_EQ(d.bytes.size(), 12u);
  EXPECT_EQ(d.bytes[0], 0xBE);
  EXPECT_EQ(d.bytes[1], 0xEF);
  EXPECT_EQ(d.bytes[2] & 0x80, 0x80);  // QR
  EXPECT_EQ(d.bytes[2] & 0x01, 0x01);  // RD copied
  EXPECT_EQ(d.bytes[3] & 0x0F, rcode);
}

TEST(Robustness, ShortPacketsAndRepliesAreDropped) {
  const Harness h;
  EXPECT_EQ(h.respond({}).kind, Decision::Kind::Drop);
  EXPECT_EQ(h.respond(Bytes(11, 0)).kind, Decision::Kind::Drop);
  Bytes reply = make_query("web.service.consul.", LDNS_RR_TYPE_A);
  reply[2] |= 0x80;  // QR=1
  EXPECT_EQ(h.respond(reply).kind, Decision::Kind::Drop);
}

TEST(Robustness, HeaderOnlyAndBadCountsAreFormerr) {
  const Harness h;
  expect_header_only(h.respond(header(0)), LDNS_RCODE_FORMERR);
  expect_header_only(h.respond(header(1)), LDNS_RCODE_FORMERR);  // QDCOUNT 1, no question
  Bytes two = header(2);
  for (int i = 0; i < 2; ++i) append(two, {3, 'w', 'e', 'b', 0, 0, 1, 0, 1});
  expect_header_only(h.respond(two), LDNS_RCODE_FORMERR);
  QueryOptions beef;
  beef.id = 0xBEEF;
  Bytes q = make_query("web.service.consul.", LDNS_RR_TYPE_A, beef);
  q[7] = 2;  // ANCOUNT 2
  expect_header_only(h.respond(q), LDNS_RCODE_FORMERR);
  q = make_query("web.service.consul.", LDNS_RR_TYPE_A, beef);
  q[11] = 3;  // ARCOUNT 3
  expect_header_only(h.respond(q), LDNS_RCODE_FORMERR);
}

TEST(Robustness, CompressionLoopIsFormerr) {
  const Harness h;
  Bytes q = header(1);
  append(q, {0xC0, 0x0C, 0, 1, 0, 1});  // the name points at itself
  expect_header_only(h.respond(q), LDNS_RCODE_FORMERR);
  Bytes forward = header(1);
  append(forward, {3, 'w', 'e', 'b', 0xC0, 0x0C, 0, 1, 0, 1});  // web + pointer back to web
  expect_header_only(h.respond(forward), LDNS_RCODE_FORMERR);
}

TEST(Robustness, OverlongLabelsAndNamesAreFormerr) {
  const Harness h;
  Bytes label64 = header(1);
  label64.push_back(64);  // 0x40: a reserved label type, not a length
  label64.insert(label64.end(), 64, 'a');
  append(label64, {0, 0, 1, 0, 1});
  expect_header_only(h.respond(label64), LDNS_RCODE_FORMERR);

  Bytes long_name = header(1);
  for (int i = 0; i < 5; ++i) {  // 5 x 64 bytes > 255
    long_name.push_back(63);
    long_name.insert(long_name.end(), 63, 'a');
  }
  append(long_name, {0, 0, 1, 0, 1});
  expect_header_only(h.respond(long_name), LDNS_RCODE_FORMERR);

  Bytes cut = header(1);
  append(cut, {10, 'w', 'e', 'b'});  // label runs past the end
  expect_header_only(h.respond(cut), LDNS_RCODE_FORMERR);
}

TEST(Robustness, OtherOpcodesAreNotimp) {
  const Harness h;
  for (std::uint8_t opcode : {1, 2, 4, 5}) {  // IQUERY, STATUS, NOTIFY, UPDATE
    Bytes q = make_query("web.service.consul.", LDNS_RR_TYPE_A);
    q[0] = 0xBE;
    q[1] = 0xEF;
    q[2] = static_cast<std::uint8_t>((q[2] & 0x87) | opcode << 3);
    const Decision d = h.respond(q);
    expect_header_only(d, LDNS_RCODE_NOTIMPL);
    EXPECT_EQ((d.bytes[2] >> 3) & 0x0F, opcode);  // opcode copied
  }
}

TEST(Robustness, ZoneTransfersAreNotimp) {
  const Harness h;
  for (auto type : {LDNS_RR_TYPE_AXFR, LDNS_RR_TYPE_IXFR}) {
    const Reply r = h.ask("consul.", type);
    EXPECT_EQ(r.rcode(), LDNS_RCODE_NOTIMPL);
    EXPECT_TRUE(r.answer().empty());
  }
}

TEST(Robustness, OtherClassesAndForeignNamesAreRefused) {
  const Harness h;
  QueryOptions chaos;
  chaos.klass = LDNS_RR_CLASS_CH;
  EXPECT_EQ(h.ask("web.service.consul.", LDNS_RR_TYPE_TXT, chaos).rcode(), LDNS_RCODE_REFUSED);
  for (const char* name : {"example.com.", ".", "consul.example.", "arpa."}) {
    const Reply r = h.ask(name, LDNS_RR_TYPE_A);
    EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << name;
    EXPECT_FALSE(ldns_pkt_aa(r.pkt.get())) << name;
    EXPECT_FALSE(ldns_pkt_ra(r.pkt.get())) << name;
    EXPECT_TRUE(r.answer().empty()) << name;
  }
}

TEST(Robustness, TrailingBytesAreTolerated) {
  const Harness h;
  Bytes q = make_query("web.service.consul.", LDNS_RR_TYPE_A);
  append(q, {1, 2, 3});
  const Decision d = h.respond(q);
  ASSERT_EQ(d.kind, Decision::Kind::Answer);
}

void expect_sane(const Bytes& query, const Decision& d) {
  if (d.kind == Decision::Kind::Drop) return;
  ASSERT_GE(d.bytes.size(), 12u);
  EXPECT_EQ(d.bytes[0], query[0]);
  EXPECT_EQ(d.bytes[1], query[1]);
  EXPECT_EQ(d.bytes[2] & 0x80, 0x80);
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, d.bytes.data(), d.bytes.size()), LDNS_STATUS_OK);
  wire::PktHandle reply(raw);
}

TEST(Robustness, RandomGarbageNeverCrashes) {
  const Harness h;
  std::mt19937 rng(12345);
  for (int i = 0; i < 5000; ++i) {
    Bytes b(rng() % 300);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    if (b.size() > 2 && i % 2) b[2] &= 0x07;  // often a plain query, to get past the first checks
    expect_sane(b, h.respond(b, i % 3 ? Transport::Udp : Transport::Tcp));
  }
}

TEST(Robustness, MutatedQueriesNeverCrash) {
  const Harness h;
  std::mt19937 rng(777);
  const char* names[] = {"web.service.consul.", "_web._tcp.consul.", "node1.node.consul.",
                         "11.0.0.10.in-addr.arpa.", "0a000032.addr.consul."};
  const ldns_rr_type types[] = {LDNS_RR_TYPE_A, LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_PTR};
  for (int i = 0; i < 5000; ++i) {
    QueryOptions o;
    if (i % 2) o.edns = static_cast<std::uint16_t>(rng());
    Bytes q = make_query(names[rng() % 5], types[rng() % 4], o);
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
      q[rng() % q.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) q.resize(rng() % q.size());
    expect_sane(q, h.respond(q));
  }
}

}  // namespace
}  // namespace roster::dns::testing

namespace roster::dns::testing {
namespace {

TEST(Robustness, InternalFailureIsServfailWithTheQuestion) {
  const Harness h(standard_config(), nullptr);  // no catalog snapshot: an internal error
  const auto query = make_query("Web.service.consul.", LDNS_RR_TYPE_A);
  const Decision d = h.respond(query);
  ASSERT_EQ(d.kind, Decision::Kind::Answer);
  const Reply r = parse_reply(d.bytes);
  EXPECT_EQ(r.rcode(), LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(ldns_pkt_id(r.pkt.get()), 4242);
  EXPECT_EQ(0, std::memcmp(query.data() + 12, d.bytes.data() + 12, query.size() - 12));
}

TEST(Robustness, ResponderRejectsAnEmptyDomain) {
  roster::testing::StaticCatalogView view(standard_catalog());
  roster::testing::ManualClock clock;
  DnsConfig cfg;
  cfg.domain = ".";
  EXPECT_THROW(Responder(view, cfg, clock), std::invalid_argument);
  cfg.domain = "Example.COM";  // normalised: lower-case, trailing dot
  EXPECT_EQ(Responder(view, cfg, clock).config().domain, "example.com.");
}

}  // namespace
}  // namespace roster::dns::testing
