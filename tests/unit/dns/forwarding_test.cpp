// Forwarding decisions (consul-compat.md §1.13): the Responder says Forward
// for names outside the zones when recursors exist, sets RA on every reply
// then, and builds the all-recursors-failed SERVFAIL. Recursor addresses and
// the self-loop check.
#include <gtest/gtest.h>

#include "dns/recursors.hpp"
#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

DnsConfig with_recursors() {
  DnsConfig cfg = standard_config();
  cfg.recursors.addresses = {"192.0.2.53"};
  return cfg;
}

TEST(Forwarding, ForeignNamesAreForwardedWhenRecursorsExist) {
  const Harness h(with_recursors());
  for (const bool cached : {false, true}) {
    const auto q = make_query("www.example.org.", LDNS_RR_TYPE_A);
    const auto kind = cached ? h.respond_cached(q).kind : h.respond(q).kind;
    EXPECT_EQ(kind, Decision::Kind::Forward);
  }
  // Reverse names stay ours (NXDOMAIN when unknown), never forwarded.
  EXPECT_EQ(h.ask("99.0.0.10.in-addr.arpa.", LDNS_RR_TYPE_PTR).rcode(), LDNS_RCODE_NXDOMAIN);
}

TEST(Forwarding, RaIsSetOnEveryReplyIffRecursorsExist) {
  const Harness with(with_recursors());
  const Harness without;
  for (const char* name : {"web.service.consul.", "nosuch.service.consul.", "consul."}) {
    EXPECT_TRUE(ldns_pkt_ra(with.ask(name, LDNS_RR_TYPE_A).pkt.get())) << name;
    EXPECT_TRUE(ldns_pkt_ra(with.ask_cached(name, LDNS_RR_TYPE_A).pkt.get())) << name;
    EXPECT_FALSE(ldns_pkt_ra(without.ask(name, LDNS_RR_TYPE_A).pkt.get())) << name;
  }
  const Reply refused = without.ask("www.example.org.", LDNS_RR_TYPE_A);
  EXPECT_EQ(refused.rcode(), LDNS_RCODE_REFUSED);
  EXPECT_FALSE(ldns_pkt_ra(refused.pkt.get()));
}

TEST(Forwarding, AllRecursorsFailingIsServfailWithRaAndTheQuestion) {
  const Harness h(with_recursors());
  QueryOptions opts;
  opts.edns = 1232;
  opts.id = 99;
  const Reply r = parse_reply(h.responder().forward_failed(make_query("WWW.example.org.", LDNS_RR_TYPE_A, opts)));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_SERVFAIL);
  EXPECT_TRUE(ldns_pkt_ra(r.pkt.get()));
  EXPECT_FALSE(ldns_pkt_aa(r.pkt.get()));
  EXPECT_EQ(ldns_pkt_id(r.pkt.get()), 99);
  EXPECT_TRUE(ldns_pkt_edns(r.pkt.get()));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.bytes.data()) + 13, 3), "WWW");
  EXPECT_TRUE(h.responder().forward_failed(std::vector<std::uint8_t>{1, 2, 3}).empty());
}

struct AddrRow {
  const char* text;
  bool ok;
  const char* address;
  std::uint16_t port;
};

TEST(Recursors, ParseIpAndIpPort) {
  const AddrRow rows[] = {
      {"8.8.8.8", true, "8.8.8.8", 53},       {"8.8.8.8:5353", true, "8.8.8.8", 5353},
      {"::1", true, "::1", 53},               {"[::1]:54", true, "::1", 54},
      {"[fd00::1]", true, "fd00::1", 53},     {"8.8.8.8:", false, "", 0},
      {"8.8.8.8:0", false, "", 0},            {"8.8.8.8:70000", false, "", 0},
      {"dns.google", false, "", 0},           {"", false, "", 0},
      {"[::1", false, "", 0},                 {"1.2.3.4:53x", false, "", 0},
  };
  for (const auto& r : rows) {
    const auto u = parse_recursor(r.text);
    ASSERT_EQ(static_cast<bool>(u), r.ok) << r.text;
    if (!r.ok) {
      EXPECT_NE(u.error().message.find(r.text), std::string::npos);
      continue;
    }
    EXPECT_EQ(u->address, asio::ip::make_address(r.address)) << r.text;
    EXPECT_EQ(u->port, r.port) << r.text;
  }
}

TEST(Recursors, PointingAtOurOwnListenerIsDetected) {
  const auto lo = asio::ip::make_address("127.0.0.1");
  const auto any = asio::ip::make_address("0.0.0.0");
  const auto lan = asio::ip::make_address("10.0.0.5");
  EXPECT_TRUE(points_at_listener(*parse_recursor("127.0.0.1:8600"), lo, 8600));
  EXPECT_TRUE(points_at_listener(*parse_recursor("0.0.0.0:8600"), lo, 8600));
  EXPECT_TRUE(points_at_listener(*parse_recursor("127.0.0.1:8600"), any, 8600));
  EXPECT_TRUE(points_at_listener(*parse_recursor("10.0.0.5:8600"), lan, 8600));
  EXPECT_TRUE(points_at_listener(*parse_recursor("[::1]:8600"), lo, 8600));
  EXPECT_FALSE(points_at_listener(*parse_recursor("127.0.0.1:53"), lo, 8600));
  EXPECT_FALSE(points_at_listener(*parse_recursor("10.0.0.6:8600"), lan, 8600));
  // Listening on every address, the host's own addresses are the agent too;
  // listening on one, the host's others are not.
  const std::vector<asio::ip::address> host = {lo, lan, asio::ip::make_address("fd00::2")};
  EXPECT_TRUE(points_at_listener(*parse_recursor("10.0.0.5:8600"), any, 8600, host));
  EXPECT_TRUE(points_at_listener(*parse_recursor("[fd00::2]:8600"), asio::ip::make_address("::"), 8600, host));
  EXPECT_FALSE(points_at_listener(*parse_recursor("10.0.0.6:8600"), any, 8600, host));
  EXPECT_FALSE(points_at_listener(*parse_recursor("10.0.0.5:53"), any, 8600, host));
  EXPECT_FALSE(points_at_listener(*parse_recursor("10.0.0.5:8600"), asio::ip::make_address("10.0.0.9"), 8600, host));
}

}  // namespace
}  // namespace roster::dns::testing
