// The answer cache (Responder's servers' path): hits equal the reference
// path, the question is echoed byte for byte in any letter case, shuffled
// answers stay shuffled, and a new snapshot drops every entry.
#include <set>

#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

std::vector<std::uint8_t> bytes_of(const Harness& h, const std::vector<std::uint8_t>& q, Transport t) {
  std::vector<std::uint8_t> out(kMaxTcpMessage);
  const Outcome o = h.responder().respond(q, t, h.cache(), out);
  EXPECT_EQ(o.kind, Decision::Kind::Answer);
  out.resize(o.size);
  return out;
}

TEST(AnswerCache, HitsAreByteIdenticalToTheReferencePath) {
  const Harness h;
  h.responder().refresh(h.cache());
  // Single-instance answers (no shuffling), every transport and size class.
  const char* names[] = {"cache.service.consul.", "node1.node.consul.", "0a000032.addr.consul.",
                         "nosuch.service.consul.", "consul.", "11.0.0.10.in-addr.arpa.", "example.org."};
  for (const char* name : names)
    for (ldns_rr_type t : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_PTR})
      for (std::optional<std::uint16_t> edns : {std::optional<std::uint16_t>{}, std::optional<std::uint16_t>{512},
                                                std::optional<std::uint16_t>{1232}, std::optional<std::uint16_t>{4096}})
        for (Transport tr : {Transport::Udp, Transport::Tcp}) {
          SCOPED_TRACE(std::string(name) + " type " + std::to_string(t) + " edns " + std::to_string(edns.value_or(0)));
          QueryOptions opts;
          opts.edns = edns;
          opts.id = 777;
          const auto q = make_query(name, t, opts);
          const Decision ref = h.respond(q, tr);
          ASSERT_EQ(ref.kind, Decision::Kind::Answer);
          EXPECT_EQ(bytes_of(h, q, tr), ref.bytes);  // miss
          opts.id = 778;
          const auto again = make_query(name, t, opts);
          EXPECT_EQ(bytes_of(h, again, tr), h.respond(again, tr).bytes);  // hit, new ID
        }
}

TEST(AnswerCache, AnotherSpellingIsEchoedExactlyAndAnswersInItsZoneSpelling) {
  const Harness h;
  h.responder().refresh(h.cache());
  const auto lower = make_query("cache.service.consul.", LDNS_RR_TYPE_SRV);
  const auto mixed = make_query("CaChE.service.CONSUL.", LDNS_RR_TYPE_SRV);
  EXPECT_EQ(bytes_of(h, lower, Transport::Udp), h.respond(lower, Transport::Udp).bytes);
  const auto hit = bytes_of(h, mixed, Transport::Udp);
  EXPECT_EQ(hit, h.respond(mixed, Transport::Udp).bytes);
  EXPECT_EQ(h.cache().size(), 1u);  // one entry served both spellings
}

TEST(AnswerCache, EdnsSizeIsEchoedAndLargerBudgetsReuseCompleteAnswers) {
  const Harness h;
  h.responder().refresh(h.cache());
  for (std::uint16_t size : {1232, 4096, 1400}) {
    QueryOptions opts;
    opts.edns = size;
    const auto q = make_query("node2.node.consul.", LDNS_RR_TYPE_A, opts);
    const Reply r = parse_reply(bytes_of(h, q, Transport::Udp));
    EXPECT_EQ(ldns_pkt_edns_udp_size(r.pkt.get()), size);
  }
  EXPECT_EQ(h.cache().size(), 1u);
}

TEST(AnswerCache, ShuffledAnswersStillVaryOnHits) {
  std::vector<registry::NodeRecord> nodes;
  for (int i = 0; i < 6; ++i) {
    auto n = make_node("n" + std::to_string(i), "10.3.0." + std::to_string(i + 1));
    add_service(n, "s", "many", 80);
    nodes.push_back(std::move(n));
  }
  Harness h(standard_config(), make_catalog(std::move(nodes)));
  QueryOptions opts;
  opts.edns = 4096;
  std::set<std::vector<std::string>> orders;
  std::set<std::string> firsts;
  for (int i = 0; i < 200; ++i) {
    const auto answer = h.ask_cached("many.service.consul.", LDNS_RR_TYPE_A, opts).answer();
    ASSERT_EQ(answer.size(), 6u);
    orders.insert(answer);
    firsts.insert(answer.front());
  }
  EXPECT_GE(orders.size(), 4u);
  EXPECT_GE(firsts.size(), 3u);
  EXPECT_EQ(h.cache().size(), 1u);
}

TEST(AnswerCache, ANewSnapshotDropsEveryEntry) {
  Harness h;
  EXPECT_EQ(h.ask_cached("late.service.consul.", LDNS_RR_TYPE_A).rcode(), LDNS_RCODE_NXDOMAIN);
  auto n = make_node("late-node", "10.4.0.1");
  add_service(n, "late", "late", 80);
  h.set_catalog(make_catalog({n}));
  const Reply r = h.ask_cached("late.service.consul.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r.answer(), std::vector<std::string>{normalise_rr("late.service.consul. 0 IN A 10.4.0.1")});
}

TEST(AnswerCache, UnusualQueriesTakeTheReferencePath) {
  const Harness h;
  h.responder().refresh(h.cache());
  auto q = make_query("node1.node.consul.", LDNS_RR_TYPE_A);
  q.push_back(0);  // a trailing byte: not the plain shape
  std::vector<std::uint8_t> out(kMaxTcpMessage);
  const Outcome o = h.responder().respond(q, Transport::Udp, h.cache(), out);
  const Decision ref = h.respond(q, Transport::Udp);
  ASSERT_EQ(o.kind, ref.kind);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(o.size)), ref.bytes);
  EXPECT_EQ(h.cache().size(), 0u);
}

TEST(AnswerCache, IsBoundedInEntries) {
  AnswerCache cache(2);
  cache.insert("a", {});
  cache.insert("b", {});
  cache.insert("c", {});
  EXPECT_LE(cache.size(), 2u);
  EXPECT_NE(cache.find("c"), nullptr);
}

}  // namespace
}  // namespace roster::dns::testing
