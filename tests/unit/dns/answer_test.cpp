// Name form x qtype x health: one row each, expected records as zone-file text.
#include <cstring>

#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

struct Row {
  const char* label;
  const char* qname;
  ldns_rr_type qtype;
  ldns_pkt_rcode rcode;
  std::vector<std::string> answer;
  std::vector<std::string> authority;
  std::vector<std::string> additional;  // the OPT record is not listed
  bool only_passing = false;
};

const std::string kSoa = soa_text();
const std::string kNode1A = "node1.node.dc1.consul. 0 IN A 10.0.0.11";
const std::string kNode1Txt = "node1.node.dc1.consul. 0 IN TXT \"consul-network-segment=\"";
const std::string kNode2Txt = "node2.node.dc1.consul. 0 IN TXT \"consul-network-segment=\"";
const std::string kNode2Rack = "node2.node.dc1.consul. 0 IN TXT \"rack=r2\"";
const std::string kWeb2AddrA = "0a000032.addr.dc1.consul. 0 IN A 10.0.0.50";

std::vector<std::string> web_srv(const std::string& owner) {
  return {owner + " 0 IN SRV 1 1 8080 node1.node.dc1.consul.",
          owner + " 0 IN SRV 1 1 9090 0a000032.addr.dc1.consul."};
}
const std::vector<std::string> kWebSrvExtra = {kNode1A, kNode1Txt, kWeb2AddrA, kNode2Txt, kNode2Rack};

const Row kRows[] = {
    // --- services: name forms ---------------------------------------------------------
    {"service_a", "web.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"web.service.consul. 0 IN A 10.0.0.11", "web.service.consul. 0 IN A 10.0.0.50"}, {}, {}},
    {"service_srv_node_and_addr_targets", "web.service.consul.", LDNS_RR_TYPE_SRV,
     LDNS_RCODE_NOERROR, web_srv("web.service.consul."), {}, kWebSrvExtra},
    {"service_any", "web.service.consul.", LDNS_RR_TYPE_ANY, LDNS_RCODE_NOERROR,
     {"web.service.consul. 0 IN A 10.0.0.11", "web.service.consul. 0 IN A 10.0.0.50"}, {}, {}},
    {"service_dc", "web.service.dc1.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"web.service.dc1.consul. 0 IN A 10.0.0.11", "web.service.dc1.consul. 0 IN A 10.0.0.50"}, {}, {}},
    {"service_dc_dot_dc", "web.service.dc1.dc.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"web.service.dc1.dc.consul. 0 IN A 10.0.0.11", "web.service.dc1.dc.consul. 0 IN A 10.0.0.50"},
     {}, {}},
    {"service_unknown_dc", "web.service.dc2.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"service_unknown_dc_dot_dc", "web.service.dc2.dc.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {},
     {kSoa}, {}},
    {"service_bad_locality", "web.service.a.b.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"service_tag", "primary.web.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"primary.web.service.consul. 0 IN A 10.0.0.11"}, {}, {}},
    {"service_multi_label_tag", "a.b.api.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"a.b.api.service.consul. 0 IN A 10.0.0.11"}, {}, {}},
    {"service_unknown_tag", "nope.web.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"rfc2782_tcp_is_no_tag", "_web._tcp.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     web_srv("_web._tcp.service.consul."), {}, kWebSrvExtra},
    {"rfc2782_other_proto_is_tag", "_api._udp.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"_api._udp.service.consul. 0 IN SRV 1 1 7001 node1.node.dc1.consul."}, {}, {kNode1A, kNode1Txt}},
    {"rfc2782_implicit_service", "_web._tcp.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     web_srv("_web._tcp.consul."), {}, kWebSrvExtra},
    {"rfc2782_implicit_service_dc", "_web._tcp.dc1.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     web_srv("_web._tcp.dc1.consul."), {}, kWebSrvExtra},
    {"rfc2782_implicit_needs_srv", "_web._tcp.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    // --- services: health ---------------------------------------------------------------
    {"warning_kept_with_its_weight", "api.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"api.service.consul. 0 IN SRV 1 1 7001 node1.node.dc1.consul.",
      "api.service.consul. 0 IN SRV 1 2 7002 0a000034.addr.dc1.consul."},
     {},
     {kNode1A, kNode1Txt, "0a000034.addr.dc1.consul. 0 IN A 10.0.0.52", kNode2Txt, kNode2Rack}},
    {"warning_dropped_when_only_passing", "api.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"api.service.consul. 0 IN SRV 1 1 7001 node1.node.dc1.consul."}, {}, {kNode1A, kNode1Txt}, true},
    {"all_critical_is_nxdomain", "db.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"unknown_service", "nosuch.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"nodata_aaaa_on_ipv4_service", "web.service.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, {},
     {kSoa}, {}},
    {"nodata_mx_on_service", "web.service.consul.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, {}, {kSoa}, {}},
    {"service_node_name_keeps_case", "cache.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"cache.service.consul. 0 IN SRV 1 1 6379 Node5.node.dc1.consul."}, {},
     {"Node5.node.dc1.consul. 0 IN A 10.0.0.15"}},
    {"service_ipv6_aaaa", "v6svc.service.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
     {"v6svc.service.consul. 0 IN AAAA fd00::1"}, {}, {}},
    {"hostname_service_a_is_cname", "ext.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"ext.service.consul. 0 IN CNAME ext.example.com."}, {}, {}},
    {"hostname_service_srv_target", "ext.service.consul.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"ext.service.consul. 0 IN SRV 1 1 443 ext.example.com."}, {}, {}},
    // --- nodes ----------------------------------------------------------------------------
    {"node_a_with_meta_txt", "node1.node.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"node1.node.consul. 0 IN A 10.0.0.11"}, {},
     {"node1.node.consul. 0 IN TXT \"consul-network-segment=\""}},
    {"node_txt", "node2.node.dc1.consul.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR,
     {"node2.node.dc1.consul. 0 IN TXT \"consul-network-segment=\"", "node2.node.dc1.consul. 0 IN TXT \"rack=r2\""},
     {}, {}},
    {"node_any", "node2.node.consul.", LDNS_RR_TYPE_ANY, LDNS_RCODE_NOERROR,
     {"node2.node.consul. 0 IN A 10.0.0.12", "node2.node.consul. 0 IN TXT \"consul-network-segment=\"",
      "node2.node.consul. 0 IN TXT \"rack=r2\""},
     {}, {}},
    {"node_without_meta", "node3.node.dc1.dc.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"node3.node.dc1.dc.consul. 0 IN A 10.0.0.13"}, {}, {}},
    {"node_mx_is_nodata", "node1.node.consul.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, {}, {kSoa}, {}},
    {"node_aaaa_on_ipv4_is_nodata", "node1.node.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, {}, {kSoa}, {}},
    {"node_ipv6", "v6node.node.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
     {"v6node.node.consul. 0 IN AAAA fd00::1"}, {}, {}},
    {"node_name_with_dots", "my.node.node.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"my.node.node.consul. 0 IN A 10.0.0.20"}, {}, {}},
    {"node_unknown", "nosuch.node.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"node_unknown_dc", "node1.node.dc9.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    // --- .addr ----------------------------------------------------------------------------
    {"addr_v4", "0a000032.addr.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"0a000032.addr.consul. 0 IN A 10.0.0.50"}, {}, {}},
    {"addr_v4_with_dc", "0a000032.addr.dc1.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"0a000032.addr.dc1.consul. 0 IN A 10.0.0.50"}, {}, {}},
    {"addr_v6", "fd000000000000000000000000000001.addr.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
     {"fd000000000000000000000000000001.addr.consul. 0 IN AAAA fd00::1"}, {}, {}},
    {"addr_family_mismatch", "0a000032.addr.consul.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, {}, {kSoa},
     {"0a000032.addr.consul. 0 IN A 10.0.0.50"}},
    {"addr_bad_hex", "0a00zz32.addr.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"addr_bad_length", "0a0000.addr.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    // --- PTR ------------------------------------------------------------------------------
    {"ptr_v4_node", "11.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, LDNS_RCODE_NOERROR,
     {"11.0.0.10.in-addr.arpa. 0 IN PTR node1.node.dc1.consul."}, {}, {}},
    {"ptr_v4_service", "50.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, LDNS_RCODE_NOERROR,
     {"50.0.0.10.in-addr.arpa. 0 IN PTR web.service.dc1.consul."}, {}, {}},
    {"ptr_v6_node", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.",
     LDNS_RR_TYPE_PTR, LDNS_RCODE_NOERROR,
     {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 0 IN PTR "
      "v6node.node.dc1.consul."},
     {}, {}},
    {"ptr_no_match", "99.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"ptr_malformed", "0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    // --- apex, SOA, NS ----------------------------------------------------------------------
    {"soa_at_apex", "consul.", LDNS_RR_TYPE_SOA, LDNS_RCODE_NOERROR, {kSoa},
     {"consul. 0 IN NS node1.node.dc1.consul."}, {kNode1A}},
    {"soa_for_any_name", "web.service.consul.", LDNS_RR_TYPE_SOA, LDNS_RCODE_NOERROR, {kSoa},
     {"consul. 0 IN NS node1.node.dc1.consul."}, {kNode1A}},
    {"ns_at_apex", "consul.", LDNS_RR_TYPE_NS, LDNS_RCODE_NOERROR, {"consul. 0 IN NS node1.node.dc1.consul."},
     {}, {kNode1A}},
    {"ns_below_the_apex", "web.service.consul.", LDNS_RR_TYPE_NS, LDNS_RCODE_NOERROR,
     {"consul. 0 IN NS node1.node.dc1.consul."}, {}, {kNode1A}},
    {"apex_a_is_nxdomain", "consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"no_kind_label", "web.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"prepared_query_out_of_scope", "q.query.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"connect_out_of_scope", "web.connect.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"ingress_out_of_scope", "web.ingress.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    {"virtual_out_of_scope", "web.virtual.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}, {kSoa}, {}},
    // --- case: matching ignores it, owners keep the question's -------------------------
    {"mixed_case_a", "WeB.SeRvIcE.CoNsUl.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"WeB.SeRvIcE.CoNsUl. 0 IN A 10.0.0.11", "WeB.SeRvIcE.CoNsUl. 0 IN A 10.0.0.50"}, {}, {}},
    {"mixed_case_srv_domain_as_asked", "WEB.service.CONSUL.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"WEB.service.CONSUL. 0 IN SRV 1 1 8080 node1.node.dc1.CONSUL.",
      "WEB.service.CONSUL. 0 IN SRV 1 1 9090 0a000032.addr.dc1.CONSUL."},
     {},
     {"node1.node.dc1.CONSUL. 0 IN A 10.0.0.11", "node1.node.dc1.CONSUL. 0 IN TXT \"consul-network-segment=\"",
      "0a000032.addr.dc1.CONSUL. 0 IN A 10.0.0.50", "node2.node.dc1.CONSUL. 0 IN TXT \"consul-network-segment=\"",
      "node2.node.dc1.CONSUL. 0 IN TXT \"rack=r2\""}},
    {"mixed_case_nxdomain_soa_as_asked", "nosuch.service.Consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {},
     {soa_text("Consul.")}, {}},
};

class AnswerTable : public ::testing::TestWithParam<Row> {};

TEST_P(AnswerTable, RepliesWithExactlyTheseRecords) {
  const Row& row = GetParam();
  DnsConfig cfg = standard_config();
  cfg.only_passing = row.only_passing;
  const Harness h(cfg);
  // The reference path, then the cached path twice (a miss, then a hit).
  for (const int path : {0, 1, 2})
  for (const bool edns : {false, true}) {
    SCOPED_TRACE(edns ? "with EDNS 1232" : "without EDNS");
    SCOPED_TRACE(path == 0 ? "uncached" : path == 1 ? "cache miss" : "cache hit");
    QueryOptions opts;
    if (edns) opts.edns = 1232;
    const Reply r = path == 0 ? h.ask(row.qname, row.qtype, opts) : h.ask_cached(row.qname, row.qtype, opts);
    ASSERT_TRUE(r.pkt);
    EXPECT_EQ(r.rcode(), row.rcode);
    EXPECT_TRUE(ldns_pkt_aa(r.pkt.get()));
    EXPECT_TRUE(ldns_pkt_qr(r.pkt.get()));
    EXPECT_TRUE(ldns_pkt_rd(r.pkt.get()));
    EXPECT_FALSE(ldns_pkt_ra(r.pkt.get()));
    EXPECT_FALSE(ldns_pkt_tc(r.pkt.get()));
    EXPECT_EQ(ldns_pkt_id(r.pkt.get()), 4242);
    EXPECT_EQ(ldns_pkt_edns(r.pkt.get()), edns);
    // Presentation text keeps letter case, so owners and targets are compared exactly.
    EXPECT_EQ(sorted_texts(r.answer()), sorted_texts(row.answer));
    EXPECT_EQ(sorted_texts(r.authority()), sorted_texts(row.authority));
    EXPECT_EQ(sorted_texts(r.additional()), sorted_texts(row.additional));
  }
}

INSTANTIATE_TEST_SUITE_P(Dns, AnswerTable, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& info) { return std::string(info.param.label); });

TEST(AnswerBuilder, SrvAdditionalOwnersAreByteIdenticalToTargets) {
  const Harness h;
  const Reply r = h.ask("WEB.service.CONSUL.", LDNS_RR_TYPE_SRV);
  const ldns_rr_list* an = ldns_pkt_answer(r.pkt.get());
  const ldns_rr_list* ar = ldns_pkt_additional(r.pkt.get());
  ASSERT_EQ(ldns_rr_list_rr_count(an), 2u);
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rdf* target = ldns_rr_rdf(ldns_rr_list_rr(an, i), 3);
    bool found = false;
    for (std::size_t j = 0; j < ldns_rr_list_rr_count(ar); ++j) {
      const ldns_rr* extra = ldns_rr_list_rr(ar, j);
      const ldns_rdf* owner = ldns_rr_owner(extra);
      if (ldns_rr_get_type(extra) == LDNS_RR_TYPE_A && ldns_rdf_size(owner) == ldns_rdf_size(target) &&
          std::memcmp(ldns_rdf_data(owner), ldns_rdf_data(target), ldns_rdf_size(owner)) == 0)
        found = true;
    }
    EXPECT_TRUE(found) << "no A record owned by SRV target " << i;
  }
}

TEST(AnswerBuilder, MetaTxtCanBeSwitchedOff) {
  DnsConfig cfg = standard_config();
  cfg.enable_additional_node_meta_txt = false;
  const Harness h(cfg);
  EXPECT_EQ(sorted_texts(h.ask("web.service.consul.", LDNS_RR_TYPE_SRV).additional()),
            sorted_texts({kNode1A, kWeb2AddrA}));
  EXPECT_TRUE(h.ask("node1.node.consul.", LDNS_RR_TYPE_A).additional().empty());
}

TEST(AnswerBuilder, TtlsComeFromConfig) {
  DnsConfig cfg = standard_config();
  cfg.service_ttl = ServiceTtl(30);
  cfg.node_ttl = 60;
  cfg.soa.min_ttl = 5;
  const Harness h(cfg);
  EXPECT_EQ(sorted_texts(h.ask("cache.service.consul.", LDNS_RR_TYPE_SRV).additional()),
            sorted_texts({"Node5.node.dc1.consul. 30 IN A 10.0.0.15"}));
  EXPECT_EQ(h.ask("node3.node.consul.", LDNS_RR_TYPE_A).answer(),
            std::vector<std::string>{normalise_rr("node3.node.consul. 60 IN A 10.0.0.13")});
  EXPECT_EQ(h.ask("11.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR).answer(),
            std::vector<std::string>{normalise_rr("11.0.0.10.in-addr.arpa. 0 IN PTR node1.node.dc1.consul.")});
  EXPECT_EQ(h.ask("nosuch.service.consul.", LDNS_RR_TYPE_A).authority(),
            std::vector<std::string>{normalise_rr(
                "consul. 5 IN SOA ns.consul. hostmaster.consul. 1700000000 3600 600 86400 5")});
}

TEST(AnswerBuilder, ARecordsDeduplicatedByAddressAndLimited) {
  auto n1 = make_node("n1", "10.1.0.1");
  add_service(n1, "s1", "dup", 1000, "10.9.9.9");
  add_service(n1, "s2", "dup", 1001, "10.9.9.9");
  auto n2 = make_node("n2", "10.1.0.2");
  add_service(n2, "s3", "dup", 1002);
  const auto cat = make_catalog({n1, n2});
  const Harness h(standard_config(), cat);
  QueryOptions edns;
  edns.edns = 4096;
  EXPECT_EQ(h.ask("dup.service.consul.", LDNS_RR_TYPE_A, edns).answer().size(), 2u);
  // SRV de-duplicates on node:address:port only, so both ports stay, with one A.
  const Reply srv = h.ask("dup.service.consul.", LDNS_RR_TYPE_SRV, edns);
  EXPECT_EQ(srv.answer().size(), 3u);
  EXPECT_EQ(srv.additional().size(), 2u);

  DnsConfig limited = standard_config();
  limited.a_record_limit = 1;
  const Harness one(limited, cat);
  EXPECT_EQ(one.ask("dup.service.consul.", LDNS_RR_TYPE_A, edns).answer().size(), 1u);
}

// Consul-compat §1.5: which SRV target each kind of service address gets,
// the AAAA of an IPv6 target, and the weight of a passing instance.
TEST(AnswerBuilder, SrvTargetsFollowTheServicesOwnAddress) {
  auto n1 = make_node("n1", "10.1.0.1");
  add_service(n1, "same1", "same", 80, "10.1.0.1").weights = {7, 3};
  add_service(n1, "v6own1", "v6own", 81, "fd00::2");
  add_service(n1, "self1", "self", 82, "self.service.consul");
  auto n6 = make_node("n6", "fd00::6");
  add_service(n6, "onv6", "onv6", 83);
  const Harness h(standard_config(), make_catalog({n1, n6}));
  // An IP equal to the node's is still the service's own: an .addr target.
  EXPECT_EQ(h.ask("same.service.consul.", LDNS_RR_TYPE_SRV).answer(),
            std::vector<std::string>{normalise_rr("same.service.consul. 0 IN SRV 1 7 80 0a010001.addr.dc1.consul.")});
  EXPECT_EQ(h.ask("same.service.consul.", LDNS_RR_TYPE_SRV).additional(),
            std::vector<std::string>{normalise_rr("0a010001.addr.dc1.consul. 0 IN A 10.1.0.1")});
  // IPv6: all 32 hex digits, and the target's AAAA in ADDITIONAL.
  const Reply v6 = h.ask("v6own.service.consul.", LDNS_RR_TYPE_SRV);
  EXPECT_EQ(v6.answer(), std::vector<std::string>{normalise_rr(
                             "v6own.service.consul. 0 IN SRV 1 1 81 fd000000000000000000000000000002.addr.dc1.consul.")});
  EXPECT_EQ(v6.additional(), std::vector<std::string>{normalise_rr(
                                 "fd000000000000000000000000000002.addr.dc1.consul. 0 IN AAAA fd00::2")});
  // A hostname address equal to the question is the node form.
  EXPECT_EQ(h.ask("self.service.consul.", LDNS_RR_TYPE_SRV).answer(),
            std::vector<std::string>{normalise_rr("self.service.consul. 0 IN SRV 1 1 82 n1.node.dc1.consul.")});
  // A node target on an IPv6 node: its AAAA.
  EXPECT_EQ(h.ask("onv6.service.consul.", LDNS_RR_TYPE_SRV).additional(),
            std::vector<std::string>{normalise_rr("n6.node.dc1.consul. 0 IN AAAA fd00::6")});
}

TEST(AnswerBuilder, PtrFindsIpv6ServiceAddresses) {
  auto n1 = make_node("n1", "10.1.0.1");
  add_service(n1, "v6own1", "v6own", 81, "fd00::2");
  const Harness h(standard_config(), make_catalog({n1}));
  const std::string reverse = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.";
  EXPECT_EQ(h.ask(reverse, LDNS_RR_TYPE_PTR).answer(),
            std::vector<std::string>{normalise_rr(reverse + " 0 IN PTR v6own.service.dc1.consul.")});
}

TEST(AnswerBuilder, SoaFieldsComeFromConfig) {
  DnsConfig cfg = standard_config();
  cfg.soa = {100, 20, 3000, 7};
  const Harness h(cfg);
  const std::string soa = normalise_rr("consul. 7 IN SOA ns.consul. hostmaster.consul. 1700000000 100 20 3000 7");
  EXPECT_EQ(h.ask("consul.", LDNS_RR_TYPE_SOA).answer(), std::vector<std::string>{soa});
  EXPECT_EQ(h.ask("nosuch.service.consul.", LDNS_RR_TYPE_A).authority(), std::vector<std::string>{soa});
  EXPECT_EQ(h.ask("web.service.consul.", LDNS_RR_TYPE_MX).authority(), std::vector<std::string>{soa});
}

TEST(AnswerBuilder, ShufflesInstances) {
  std::vector<registry::NodeRecord> nodes;
  for (int i = 0; i < 8; ++i) {
    std::string name = "n";
    name += std::to_string(i);
    std::string address = "10.2.0.";
    address += std::to_string(i + 1);
    auto n = make_node(name, address);
    add_service(n, "s", "many", 80);
    nodes.push_back(std::move(n));
  }
  const Harness h(standard_config(), make_catalog(std::move(nodes)));
  QueryOptions edns;
  edns.edns = 4096;
  const auto first = h.ask("many.service.consul.", LDNS_RR_TYPE_A, edns).answer();
  bool differs = false;
  for (int i = 0; i < 20 && !differs; ++i)
    differs = h.ask("many.service.consul.", LDNS_RR_TYPE_A, edns).answer() != first;
  EXPECT_TRUE(differs);
  EXPECT_EQ(first.size(), 8u);
}

}  // namespace
}  // namespace roster::dns::testing
