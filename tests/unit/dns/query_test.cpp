// parse_query: the name grammar of consul-compat.md §1.2 and §1.7.
#include <gtest/gtest.h>

#include "dns/wire/ldns.hpp"

#include "dns/query.hpp"

namespace roster::dns {
namespace {

const wire::Labels kDomain = {"consul"};

Query parse(std::string_view name, std::uint16_t qtype = LDNS_RR_TYPE_A) {
  return parse_query(wire::split_name(name), qtype, Zones{kDomain, {}}, "dc1");
}

struct Row {
  const char* name;
  std::uint16_t qtype;
  QueryKind kind;
  const char* target;  // service or node name
  const char* tag;     // nullptr: no tag
};

const Row kRows[] = {
    {"web.service.consul", LDNS_RR_TYPE_A, QueryKind::Service, "web", nullptr},
    {"WEB.Service.CONSUL", LDNS_RR_TYPE_A, QueryKind::Service, "web", nullptr},
    {"web.service.dc1.consul", LDNS_RR_TYPE_A, QueryKind::Service, "web", nullptr},
    {"web.service.DC1.dc.consul", LDNS_RR_TYPE_A, QueryKind::Service, "web", nullptr},
    {"v1.web.service.consul", LDNS_RR_TYPE_A, QueryKind::Service, "web", "v1"},
    {"a.b.web.service.consul", LDNS_RR_TYPE_A, QueryKind::Service, "web", "a.b"},
    {"_web._tcp.service.consul", LDNS_RR_TYPE_SRV, QueryKind::Service, "web", nullptr},
    {"_web._udp.service.consul", LDNS_RR_TYPE_SRV, QueryKind::Service, "web", "udp"},
    {"_web._tcp.consul", LDNS_RR_TYPE_SRV, QueryKind::Service, "web", nullptr},
    {"_web._http.dc1.consul", LDNS_RR_TYPE_SRV, QueryKind::Service, "web", "http"},
    {"_web._tcp.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"service.service.consul", LDNS_RR_TYPE_A, QueryKind::Service, "service", nullptr},
    {"node1.node.consul", LDNS_RR_TYPE_A, QueryKind::Node, "node1", nullptr},
    {"rack.host.node.dc1.consul", LDNS_RR_TYPE_A, QueryKind::Node, "rack.host", nullptr},
    {"node.node.consul", LDNS_RR_TYPE_A, QueryKind::Node, "node", nullptr},
    {"0a000032.addr.consul", LDNS_RR_TYPE_A, QueryKind::Addr, "", nullptr},
    {"0a000032.addr.dc7.consul", LDNS_RR_TYPE_A, QueryKind::Addr, "", nullptr},  // dc ignored
    {"x.0a000032.addr.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.service.dc2.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.service.dc1.peer.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.service.a.b.c.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"service.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"q.query.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.connect.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.virtual.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"web.ingress.consul", LDNS_RR_TYPE_A, QueryKind::NxDomain, "", nullptr},
    {"example.com", LDNS_RR_TYPE_A, QueryKind::Foreign, "", nullptr},
    {"consul.com", LDNS_RR_TYPE_A, QueryKind::Foreign, "", nullptr},
    {"", LDNS_RR_TYPE_A, QueryKind::Foreign, "", nullptr},
    {"4.3.2.1.in-addr.arpa", LDNS_RR_TYPE_PTR, QueryKind::Ptr, "", nullptr},
    {"3.2.1.in-addr.arpa", LDNS_RR_TYPE_PTR, QueryKind::NxDomain, "", nullptr},
    {"256.3.2.1.in-addr.arpa", LDNS_RR_TYPE_PTR, QueryKind::NxDomain, "", nullptr},
    {"in-addr.arpa", LDNS_RR_TYPE_PTR, QueryKind::NxDomain, "", nullptr},
    {"x.ip6.arpa", LDNS_RR_TYPE_PTR, QueryKind::NxDomain, "", nullptr},
};

class QueryTable : public ::testing::TestWithParam<Row> {};

TEST_P(QueryTable, ParsesNameForm) {
  const Row& row = GetParam();
  const Query q = parse(row.name, row.qtype);
  EXPECT_EQ(q.kind, row.kind);
  if (row.kind == QueryKind::Service || row.kind == QueryKind::Node) {
    EXPECT_EQ(q.name, row.target);
    EXPECT_EQ(q.tag.has_value(), row.tag != nullptr);
    if (row.tag && q.tag) {
      EXPECT_EQ(*q.tag, row.tag);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dns, QueryTable, ::testing::ValuesIn(kRows));

TEST(ParseQuery, ZoneKeepsTheQuestionsSpelling) {
  const Query q = parse("web.service.CoNsUl");
  EXPECT_TRUE(q.in_domain);
  EXPECT_EQ(q.zone, wire::Labels{"CoNsUl"});
}

TEST(ParseQuery, MultiLabelDomain) {
  const Zones domain{{"sd", "example", "com"}, {}};
  const Query q = parse_query(wire::split_name("web.service.SD.example.com"), LDNS_RR_TYPE_A, domain, "dc1");
  EXPECT_EQ(q.kind, QueryKind::Service);
  EXPECT_EQ(q.zone, (wire::Labels{"SD", "example", "com"}));
  EXPECT_EQ(parse_query(wire::split_name("web.service.example.com"), LDNS_RR_TYPE_A, domain, "dc1").kind,
            QueryKind::Foreign);
}

TEST(ParseQuery, AddrAndReverseAddresses) {
  const Query a = parse("0A000032.addr.consul");
  ASSERT_TRUE(a.address);
  EXPECT_EQ(wire::to_hex(*a.address), "0a000032");
  const Query p = parse("50.0.0.10.in-addr.arpa", LDNS_RR_TYPE_PTR);
  ASSERT_TRUE(p.address);
  EXPECT_EQ(*p.address, *wire::parse_ip("10.0.0.50"));
  EXPECT_FALSE(p.in_domain);
  EXPECT_EQ(p.zone, kDomain);
  const Query p6 = parse("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.D.F.ip6.arpa",
                         LDNS_RR_TYPE_PTR);
  ASSERT_TRUE(p6.address);
  EXPECT_EQ(*p6.address, *wire::parse_ip("fd00::1"));
}

TEST(ParseQuery, AltDomainAndTheLongerSuffixWins) {
  const Zones zones{{"consul"}, {"sd", "example", "com"}};
  const Query a = parse_query(wire::split_name("web.service.SD.example.com"), LDNS_RR_TYPE_A, zones, "dc1");
  EXPECT_EQ(a.kind, QueryKind::Service);
  EXPECT_TRUE(a.alt);
  EXPECT_EQ(a.zone, (wire::Labels{"SD", "example", "com"}));
  const Query p = parse_query(wire::split_name("web.service.consul"), LDNS_RR_TYPE_A, zones, "dc1");
  EXPECT_FALSE(p.alt);
  EXPECT_EQ(p.kind, QueryKind::Service);
  // consul. and a nested alt domain: names under the alt domain are parsed
  // against it, not as "<x>.service.consul".
  const Zones nested{{"consul"}, {"alt", "consul"}};
  const Query n = parse_query(wire::split_name("web.service.alt.consul"), LDNS_RR_TYPE_A, nested, "dc1");
  EXPECT_TRUE(n.alt);
  EXPECT_EQ(n.kind, QueryKind::Service);
  EXPECT_EQ(n.name, "web");
  EXPECT_EQ(parse_query(wire::split_name("example.org"), LDNS_RR_TYPE_A, zones, "dc1").kind,
            QueryKind::Foreign);
}

}  // namespace
}  // namespace roster::dns
