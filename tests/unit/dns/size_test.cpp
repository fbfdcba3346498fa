// Question echo, EDNS, the 512-byte answer cap, truncation and TCP sizes
// (consul-compat.md §1.1, §1.11).
#include <algorithm>
#include <cstring>
#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

// `count` instances of `name`, each on its own node with node meta, half of
// them with their own service address.
std::shared_ptr<const registry::Catalog> big_catalog(const std::string& name, int count) {
  std::vector<registry::NodeRecord> nodes;
  for (int i = 0; i < count; ++i) {
    // Built with += : GCC 12 warns (-Wrestrict, a false positive) on "literal" + string.
    std::string octets = std::to_string(i / 250);
    octets += '.';
    octets += std::to_string(i % 250 + 1);
    std::string node = "node-", id = "s", node_addr = "10.3.", svc_addr = "10.4.";
    node += std::to_string(i);
    id += std::to_string(i);
    node_addr += octets;
    svc_addr += octets;
    auto n = make_node(node, node_addr, {{"consul-network-segment", ""}, {"consul-version", "1.17.0"}});
    add_service(n, id, name, 8000 + i, i % 2 ? svc_addr : "");
    nodes.push_back(std::move(n));
  }
  return make_catalog(std::move(nodes));
}

std::size_t count_type(const ldns_rr_list* list, ldns_rr_type type) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i)
    n += ldns_rr_get_type(ldns_rr_list_rr(list, i)) == type;
  return n;
}

// Every SRV answer has exactly one address record owned by its target, byte for byte.
void expect_targets_resolved(const Reply& r) {
  const ldns_rr_list* an = ldns_pkt_answer(r.pkt.get());
  const ldns_rr_list* ar = ldns_pkt_additional(r.pkt.get());
  std::set<std::string> owners;
  for (std::size_t j = 0; j < ldns_rr_list_rr_count(ar); ++j) {
    const ldns_rdf* o = ldns_rr_owner(ldns_rr_list_rr(ar, j));
    if (ldns_rr_get_type(ldns_rr_list_rr(ar, j)) == LDNS_RR_TYPE_A)
      owners.insert(std::string(reinterpret_cast<const char*>(ldns_rdf_data(o)), ldns_rdf_size(o)));
  }
  std::set<std::string> targets;
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rdf* t = ldns_rr_rdf(ldns_rr_list_rr(an, i), 3);
    targets.insert(std::string(reinterpret_cast<const char*>(ldns_rdf_data(t)), ldns_rdf_size(t)));
  }
  EXPECT_EQ(owners, targets);
}

TEST(Responder, EchoesTheQuestionByteForByte) {
  const Harness h;
  for (const char* name : {"WeB.SeRvIcE.CoNsUl.", "NOSUCH.service.consul.", "Node1.NODE.consul.",
                           "EXAMPLE.com.", "CONSUL."}) {
    const auto query = make_query(name, LDNS_RR_TYPE_A);
    const Decision d = h.respond(query);
    ASSERT_EQ(d.kind, Decision::Kind::Answer);
    ASSERT_GE(d.bytes.size(), query.size());
    // Header bytes 4-5 (QDCOUNT) and the question that follows the header.
    EXPECT_EQ(0, std::memcmp(query.data() + 4, d.bytes.data() + 4, 2)) << name;
    EXPECT_EQ(0, std::memcmp(query.data() + 12, d.bytes.data() + 12, query.size() - 12)) << name;
  }
}

TEST(Responder, SrvTargetIsWrittenInFullAndItsAddressOwnerPointsAtIt) {
  const Harness h;
  const Reply r = h.ask("cache.service.consul.", LDNS_RR_TYPE_SRV);
  ASSERT_EQ(r.additional().size(), 1u);
  // RFC 2782: the target uncompressed, once; the A record in ADDITIONAL owns
  // the same name through a pointer to it.
  const std::vector<std::uint8_t> target = {5, 'N', 'o', 'd', 'e', '5', 4, 'n', 'o', 'd', 'e', 3, 'd', 'c', '1',
                                            6, 'c', 'o', 'n', 's', 'u', 'l', 0};
  const auto& b = r.bytes;
  const auto at = std::search(b.begin(), b.end(), target.begin(), target.end());
  ASSERT_NE(at, b.end());
  EXPECT_EQ(std::search(at + 1, b.end(), target.begin(), target.end()), b.end());
  const auto offset = static_cast<std::size_t>(at - b.begin());
  const std::vector<std::uint8_t> pointer = {static_cast<std::uint8_t>(0xC0 | offset >> 8),
                                             static_cast<std::uint8_t>(offset & 0xFF), 0, 1, 0, 1};  // A IN
  EXPECT_NE(std::search(at + static_cast<std::ptrdiff_t>(target.size()), b.end(), pointer.begin(), pointer.end()),
            b.end());
}

TEST(Responder, EchoesTheClientsEdnsSize) {
  const Harness h;
  for (const char* name : {"web.service.consul.", "nosuch.service.consul."}) {
    QueryOptions o;
    o.edns = 1400;
    const Reply r = h.ask(name, LDNS_RR_TYPE_A, o);
    EXPECT_TRUE(ldns_pkt_edns(r.pkt.get()));
    EXPECT_EQ(ldns_pkt_edns_udp_size(r.pkt.get()), 1400);
    EXPECT_EQ(ldns_pkt_edns_version(r.pkt.get()), 0);
    EXPECT_FALSE(ldns_pkt_edns_do(r.pkt.get()));
  }
  EXPECT_FALSE(ldns_pkt_edns(h.ask("web.service.consul.", LDNS_RR_TYPE_A).pkt.get()));
  QueryOptions o;
  o.edns = 1232;
  const Reply refused = h.ask("example.com.", LDNS_RR_TYPE_A, o);
  EXPECT_EQ(refused.rcode(), LDNS_RCODE_REFUSED);
  EXPECT_FALSE(ldns_pkt_edns(refused.pkt.get()));
  EXPECT_FALSE(ldns_pkt_aa(refused.pkt.get()));
}

TEST(Responder, WithoutEdnsAtMostThreeAnswersSilently) {
  const Harness h(standard_config(), big_catalog("many", 10));
  for (auto type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_SRV}) {
    const Reply r = h.ask("many.service.consul.", type);
    EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt.get())), 3u);
    EXPECT_FALSE(ldns_pkt_tc(r.pkt.get()));
    EXPECT_LE(r.bytes.size(), 512u);
    if (type == LDNS_RR_TYPE_SRV) expect_targets_resolved(r);
  }
  QueryOptions small;
  small.edns = 512;  // EDNS at 512 is the same budget
  EXPECT_EQ(h.ask("many.service.consul.", LDNS_RR_TYPE_A, small).answer().size(), 3u);
  QueryOptions big;
  big.edns = 1232;
  EXPECT_EQ(h.ask("many.service.consul.", LDNS_RR_TYPE_A, big).answer().size(), 10u);
}

TEST(Responder, UdpAnswerLimitIsCappedAtEight) {
  DnsConfig cfg = standard_config();
  cfg.udp_answer_limit = 20;
  const Harness h(cfg, big_catalog("many", 12));
  EXPECT_EQ(h.ask("many.service.consul.", LDNS_RR_TYPE_A).answer().size(), 8u);
}

TEST(Responder, BigSrvSetIsTrimmedToTheEdnsSizeWithTc) {
  const Harness h(standard_config(), big_catalog("big", 50));
  QueryOptions o;
  o.edns = 1232;
  const Reply r = h.ask("big.service.consul.", LDNS_RR_TYPE_SRV, o);
  EXPECT_LE(r.bytes.size(), 1232u);  // the whole datagram, OPT record included
  EXPECT_TRUE(ldns_pkt_tc(r.pkt.get()));
  const std::size_t answers = ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt.get()));
  EXPECT_GE(answers, 5u);
  EXPECT_LT(answers, 50u);
  EXPECT_EQ(count_type(ldns_pkt_additional(r.pkt.get()), LDNS_RR_TYPE_TXT), 0u);
  expect_targets_resolved(r);
  EXPECT_TRUE(ldns_pkt_edns(r.pkt.get()));
}

TEST(Responder, TrimmingWithoutTcWhenTruncationIsOff) {
  DnsConfig cfg = standard_config();
  cfg.enable_truncate = false;
  const Harness h(cfg, big_catalog("big", 50));
  QueryOptions o;
  o.edns = 1232;
  const Reply r = h.ask("big.service.consul.", LDNS_RR_TYPE_SRV, o);
  EXPECT_LE(r.bytes.size(), 1232u);
  EXPECT_FALSE(ldns_pkt_tc(r.pkt.get()));
  expect_targets_resolved(r);
}

TEST(Responder, TcpGetsEverything) {
  const Harness h(standard_config(), big_catalog("huge", 200));
  const Reply r = h.ask("huge.service.consul.", LDNS_RR_TYPE_SRV, {}, Transport::Tcp);
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt.get())), 200u);
  EXPECT_EQ(count_type(ldns_pkt_additional(r.pkt.get()), LDNS_RR_TYPE_A), 200u);
  EXPECT_EQ(count_type(ldns_pkt_additional(r.pkt.get()), LDNS_RR_TYPE_TXT), 400u);
  EXPECT_FALSE(ldns_pkt_tc(r.pkt.get()));
  EXPECT_LE(r.bytes.size(), 65535u);
  const Reply a = h.ask("huge.service.consul.", LDNS_RR_TYPE_A, {}, Transport::Tcp);
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(a.pkt.get())), 200u);
}

TEST(Responder, OneOversizedAnswerBecomesAnEmptyTruncatedReply) {
  auto n = make_node("fat", "10.5.0.1", {{"blob", std::string(600, 'x')}});
  const Harness h(standard_config(), make_catalog({n}));
  const Reply udp = h.ask("fat.node.consul.", LDNS_RR_TYPE_TXT);
  EXPECT_LE(udp.bytes.size(), 512u);
  EXPECT_TRUE(ldns_pkt_tc(udp.pkt.get()));
  EXPECT_TRUE(udp.answer().empty());
  EXPECT_TRUE(udp.additional().empty());
  const Reply tcp = h.ask("fat.node.consul.", LDNS_RR_TYPE_TXT, {}, Transport::Tcp);
  EXPECT_EQ(tcp.answer().size(), 1u);
  EXPECT_FALSE(ldns_pkt_tc(tcp.pkt.get()));
}

TEST(Responder, NamesAreCompressed) {
  const Harness h(standard_config(), big_catalog("many", 8));
  QueryOptions o;
  o.edns = 4096;
  const Reply r = h.ask("many.service.consul.", LDNS_RR_TYPE_A, o);
  // 8 A records with a 2-byte owner pointer each are 16 bytes per record.
  EXPECT_EQ(r.answer().size(), 8u);
  EXPECT_EQ(r.bytes.size(), 12u + 25u + 8u * 16u + 11u);
}

TEST(Responder, SafeToCallFromSeveralThreads) {
  const Harness h(standard_config(), big_catalog("many", 20));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      const auto q = make_query("many.service.consul.", LDNS_RR_TYPE_SRV);
      for (int i = 0; i < 300; ++i)
        if (h.respond(q).kind != Decision::Kind::Answer) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace roster::dns::testing
