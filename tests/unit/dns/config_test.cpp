// dns_config keys as the responder applies them: service_ttl selection,
// alt_domain, disable_compression, and hostname (CNAME) answers.
#include <gtest/gtest.h>

#include "dns/service_ttl.hpp"
#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

struct TtlRow {
  const char* service;
  std::uint32_t ttl;
};

TEST(ServiceTtl, ExactThenLongestPrefixThenStarThenZero) {
  ServiceTtl t;
  t.set("*", 5);
  t.set("web", 10);
  t.set("db-*", 20);
  t.set("db-primary-*", 30);
  t.set("API", 40);
  const TtlRow rows[] = {{"web", 10},        {"WEB", 10},          {"web2", 5},     {"db-x", 20},
                         {"db-primary-1", 30}, {"db-primary", 20}, {"db", 5},       {"api", 40},
                         {"", 5}};
  for (const auto& r : rows) EXPECT_EQ(t.ttl_for(r.service), r.ttl) << r.service;
  ServiceTtl none;
  EXPECT_EQ(none.ttl_for("web"), 0u);
  ServiceTtl prefix_only;
  prefix_only.set("we*", 7);
  EXPECT_EQ(prefix_only.ttl_for("web"), 7u);
  EXPECT_EQ(prefix_only.ttl_for("api"), 0u);
  EXPECT_EQ(ServiceTtl(9).ttl_for("anything"), 9u);
}

TEST(DnsConfigKeys, PerServiceTtlsApplyToEveryRecordOfTheAnswer) {
  DnsConfig cfg = standard_config();
  cfg.service_ttl.set("*", 3);
  cfg.service_ttl.set("cache", 12);
  const Harness h(cfg);
  EXPECT_EQ(h.ask("cache.service.consul.", LDNS_RR_TYPE_SRV).answer(),
            std::vector<std::string>{normalise_rr("cache.service.consul. 12 IN SRV 1 1 6379 Node5.node.dc1.consul.")});
  EXPECT_EQ(h.ask("cache.service.consul.", LDNS_RR_TYPE_SRV).additional(),
            std::vector<std::string>{normalise_rr("Node5.node.dc1.consul. 12 IN A 10.0.0.15")});
  EXPECT_EQ(h.ask("v6svc.service.consul.", LDNS_RR_TYPE_AAAA).answer(),
            std::vector<std::string>{normalise_rr("v6svc.service.consul. 3 IN AAAA fd00::1")});
}

struct AltRow {
  const char* label;
  const char* qname;
  ldns_rr_type qtype;
  ldns_pkt_rcode rcode;
  std::vector<std::string> answer;
  std::vector<std::string> authority;
};

const AltRow kAltRows[] = {
    {"alt_service_a", "cache.service.sd.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"cache.service.sd.example. 0 IN A 10.0.0.15"}, {}},
    {"alt_srv_target_in_alt_domain", "cache.service.dc1.SD.example.", LDNS_RR_TYPE_SRV, LDNS_RCODE_NOERROR,
     {"cache.service.dc1.SD.example. 0 IN SRV 1 1 6379 Node5.node.dc1.SD.example."}, {}},
    {"alt_node", "node3.node.sd.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"node3.node.sd.example. 0 IN A 10.0.0.13"}, {}},
    {"alt_nxdomain_soa_in_alt", "nosuch.service.sd.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {},
     {"sd.example. 0 IN SOA ns.sd.example. hostmaster.sd.example. 1700000000 3600 600 86400 0"}},
    {"alt_ns_target_in_alt", "sd.example.", LDNS_RR_TYPE_NS, LDNS_RCODE_NOERROR,
     {"sd.example. 0 IN NS node1.node.dc1.sd.example."}, {}},
    {"alt_soa_below_apex", "x.y.sd.example.", LDNS_RR_TYPE_SOA, LDNS_RCODE_NOERROR,
     {"sd.example. 0 IN SOA ns.sd.example. hostmaster.sd.example. 1700000000 3600 600 86400 0"},
     {"sd.example. 0 IN NS node1.node.dc1.sd.example."}},
    {"primary_still_served", "cache.service.consul.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
     {"cache.service.consul. 0 IN A 10.0.0.15"}, {}},
    {"ptr_names_primary_domain", "15.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, LDNS_RCODE_NOERROR,
     {"15.0.0.10.in-addr.arpa. 0 IN PTR Node5.node.dc1.consul."}, {}},
};

class AltDomain : public ::testing::TestWithParam<AltRow> {};

TEST_P(AltDomain, AnswersInTheDomainAsked) {
  const AltRow& row = GetParam();
  DnsConfig cfg = standard_config();
  cfg.alt_domain = "SD.example";
  const Harness h(cfg);
  for (const bool cached : {false, true}) {
    const Reply r = cached ? h.ask_cached(row.qname, row.qtype) : h.ask(row.qname, row.qtype);
    EXPECT_EQ(r.rcode(), row.rcode);
    EXPECT_TRUE(ldns_pkt_aa(r.pkt.get()));
    EXPECT_EQ(sorted_texts(r.answer()), sorted_texts(row.answer));
    EXPECT_EQ(sorted_texts(r.authority()), sorted_texts(row.authority));
  }
}

INSTANTIATE_TEST_SUITE_P(Dns, AltDomain, ::testing::ValuesIn(kAltRows),
                         [](const ::testing::TestParamInfo<AltRow>& info) { return std::string(info.param.label); });

TEST(DnsConfigKeys, InvalidAltDomainIsRejected) {
  DnsConfig cfg = standard_config();
  cfg.alt_domain = "bad..name";
  EXPECT_THROW(Harness h(cfg), std::invalid_argument);
}

TEST(DnsConfigKeys, DisableCompressionWritesNamesInFull) {
  DnsConfig cfg = standard_config();
  const auto q = make_query("web.service.consul.", LDNS_RR_TYPE_SRV);
  const Harness compressed(cfg);
  cfg.disable_compression = true;
  const Harness plain(cfg);
  const auto small = compressed.respond(q).bytes;
  const auto big = plain.respond(q).bytes;
  EXPECT_GT(big.size(), small.size());
  // No compression pointer anywhere: parse it and compare record sets.
  const Reply a = parse_reply(small);
  const Reply b = parse_reply(big);
  EXPECT_EQ(sorted_texts(a.answer()), sorted_texts(b.answer()));
  EXPECT_EQ(sorted_texts(a.additional()), sorted_texts(b.additional()));
  for (std::size_t i = 12; i + 1 < big.size(); ++i)
    if ((big[i] & 0xC0) == 0xC0 && big[i + 1] == 0x0C) ADD_FAILURE() << "pointer to the question at " << i;
}

TEST(DnsConfigKeys, HostnameNodeAddressIsACname) {
  auto n = make_node("hostnode", "host.example.com");
  const Harness h(standard_config(), make_catalog({n}));
  EXPECT_EQ(h.ask("hostnode.node.consul.", LDNS_RR_TYPE_A).answer(),
            std::vector<std::string>{normalise_rr("hostnode.node.consul. 0 IN CNAME host.example.com.")});
  // Some IPs and some hostnames: only the IP answers (§1.5).
  auto ip = make_node("ipnode", "10.5.0.1");
  add_service(ip, "mixed1", "mixed", 80);
  auto host = make_node("hnode", "h.example.com");
  add_service(host, "mixed2", "mixed", 80);
  const Harness m(standard_config(), make_catalog({ip, host}));
  EXPECT_EQ(m.ask("mixed.service.consul.", LDNS_RR_TYPE_A).answer(),
            std::vector<std::string>{normalise_rr("mixed.service.consul. 0 IN A 10.5.0.1")});
}

}  // namespace
}  // namespace roster::dns::testing
