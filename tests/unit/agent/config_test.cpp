#include <gtest/gtest.h>

#include "agent/agent_flags.hpp"
#include "agent/config_file.hpp"

namespace roster::agent {

TEST(AgentFlags, AcceptConsulsSpellings) {
  auto p = parse_agent_flags({"-dev", "-node", "a", "--datacenter=east", "-http-port=0", "--dns-port", "53"});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->config.dev);
  EXPECT_EQ(p->config.node_name, "a");
  EXPECT_EQ(p->config.datacenter, "east");
  EXPECT_EQ(p->config.http_port, 0);
  EXPECT_EQ(p->config.dns_port, 53);
}

TEST(AgentFlags, DefaultsAreConsuls) {
  auto p = parse_agent_flags({"-dev"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->config.http_port, 8500);
  EXPECT_EQ(p->config.dns_port, 8600);
  EXPECT_EQ(p->config.client_addr, "127.0.0.1");
  EXPECT_EQ(p->config.domain, "consul.");
  EXPECT_EQ(p->config.datacenter, "dc1");
  EXPECT_EQ(p->config.http_max_conns_per_client, 200);  // Consul's limits default
}

TEST(AgentFlags, DomainGetsATrailingDot) {
  auto p = parse_agent_flags({"-dev", "-domain", "roster"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->config.domain, "roster.");
}

TEST(AgentFlags, RejectBadInputWithAClearMessage) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-dev", "-http-port", "abc"}, {"-dev", "-http-port", "70000"},
        {"-dev", "-bogus"}, {"-dev", "-log-level", "loud"}, {"-http-port", "0"}}) {
    auto p = parse_agent_flags(args);
    EXPECT_FALSE(p) << args.back();
  }
  // Gossip flags: repeatable joins, a profile, and bad values refused with the flag's name.
  auto joined = parse_agent_flags({"-dev", "-join", "10.0.0.1", "--join=10.0.0.2", "-retry-join", "h:8301",
                                   "-serf-lan-port", "0", "-gossip-profile", "local", "-retry-interval", "2s"});
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(joined->config.gossip.start_join, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(joined->config.gossip.retry_join, (std::vector<std::string>{"h:8301"}));
  EXPECT_EQ(joined->config.gossip.serf_lan_port, 0);
  EXPECT_EQ(joined->config.gossip.profile, "local");
  EXPECT_EQ(joined->config.gossip.retry_interval, std::chrono::seconds(2));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-dev", "-gossip-profile", "wan"}, {"-dev", "-retry-interval", "soon"},
        {"-dev", "-serf-lan-port", "70000"}, {"-dev", "-retry-max", "-1"}, {"-dev", "-gossip-fault-drop", "2"}})
    EXPECT_FALSE(parse_agent_flags(args)) << args[1];
  EXPECT_EQ(parse_agent_flags({"-h"})->outcome, FlagsOutcome::Help);
}

TEST(ConfigFile, LoadsServicesAndScalars) {
  AgentConfig c;
  auto st = apply_config_text(R"({"node_name": "n1", "ports": {"http": 1, "dns": 2},
      "service": {"name": "web", "port": 80},
      "services": [{"name": "db", "id": "db1", "check": {"ttl": "5s"}}]})", "x.json", c);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(c.node_name, "n1");
  EXPECT_EQ(c.http_port, 1);
  EXPECT_EQ(c.dns_port, 2);
  ASSERT_EQ(c.services.size(), 2u);
  EXPECT_EQ(c.services[1].service.id, "db1");
  EXPECT_EQ(c.services[1].checks.size(), 1u);
}

TEST(ConfigFile, ErrorsNameTheFile) {
  AgentConfig c;
  auto st = apply_config_text("{", "broken.json", c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.rfind("broken.json: ", 0), 0u);
  st = apply_config_text(R"({"ports": {"http": "x"}})", "p.json", c);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("ports.http"), std::string::npos);
}

TEST(ConfigFile, LoadsDnsConfigKeys) {
  AgentConfig c;
  auto st = apply_config_text(R"({"alt_domain": "sd.internal", "recursors": ["8.8.8.8", "1.1.1.1:5353"],
      "dns_threads": 3,
      "dns_config": {"node_ttl": "10s", "service_ttl": {"*": "5s", "web": "30s", "db-*": "1m"},
        "udp_answer_limit": 5, "a_record_limit": 2, "enable_truncate": false, "only_passing": true,
        "enable_additional_node_meta_txt": false, "disable_compression": true,
        "soa": {"refresh": 1, "retry": 2, "expire": 3, "min_ttl": 4},
        "recursor_timeout": "500ms", "recursor_strategy": "random"}})", "dns.json", c);
  ASSERT_TRUE(st) << st.error().message;
  const dns::DnsConfig& d = c.dns;
  EXPECT_EQ(d.alt_domain, "sd.internal");
  EXPECT_EQ(d.recursors.addresses, (std::vector<std::string>{"8.8.8.8", "1.1.1.1:5353"}));
  EXPECT_EQ(d.threads, 3u);
  EXPECT_EQ(d.node_ttl, 10u);
  EXPECT_EQ(d.service_ttl.ttl_for("web"), 30u);
  EXPECT_EQ(d.service_ttl.ttl_for("db-main"), 60u);
  EXPECT_EQ(d.service_ttl.ttl_for("other"), 5u);
  EXPECT_EQ(d.udp_answer_limit, 5u);
  EXPECT_EQ(d.a_record_limit, 2u);
  EXPECT_FALSE(d.enable_truncate);
  EXPECT_TRUE(d.only_passing);
  EXPECT_FALSE(d.enable_additional_node_meta_txt);
  EXPECT_TRUE(d.disable_compression);
  EXPECT_EQ(d.soa.refresh, 1u);
  EXPECT_EQ(d.soa.retry, 2u);
  EXPECT_EQ(d.soa.expire, 3u);
  EXPECT_EQ(d.soa.min_ttl, 4u);
  EXPECT_EQ(d.recursors.timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(d.recursors.strategy, dns::RecursorStrategy::Random);
}

TEST(ConfigFile, DnsDefaultsAreConsulsExceptTruncation) {
  AgentConfig c;
  ASSERT_TRUE(apply_config_text("{}", "empty.json", c));
  EXPECT_EQ(c.dns.udp_answer_limit, 3u);
  EXPECT_EQ(c.dns.node_ttl, 0u);
  EXPECT_EQ(c.dns.service_ttl.ttl_for("web"), 0u);
  EXPECT_EQ(c.dns.recursors.timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(c.dns.recursors.strategy, dns::RecursorStrategy::Sequential);
  EXPECT_EQ(c.dns.soa.refresh, 3600u);
  EXPECT_EQ(c.dns.soa.min_ttl, 0u);
  EXPECT_TRUE(c.dns.enable_additional_node_meta_txt);
}

TEST(ConfigFile, InvalidDnsValuesNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"dns_config": {"node_ttl": "ten"}})", "dns_config.node_ttl"},
      {R"({"dns_config": {"service_ttl": {"web": "x"}}})", "dns_config.service_ttl.web"},
      {R"({"dns_config": {"service_ttl": "5s"}})", "dns_config.service_ttl"},
      {R"({"dns_config": {"udp_answer_limit": 0}})", "dns_config.udp_answer_limit"},
      {R"({"dns_config": {"a_record_limit": -1}})", "dns_config.a_record_limit"},
      {R"({"dns_config": {"only_passing": "yes"}})", "dns_config.only_passing"},
      {R"({"dns_config": {"soa": {"min_ttl": -5}}})", "dns_config.soa.min_ttl"},
      {R"({"dns_config": {"recursor_strategy": "fastest"}})", "dns_config.recursor_strategy"},
      {R"({"dns_config": {"recursor_timeout": "0s"}})", "dns_config.recursor_timeout"},
      {R"({"dns_config": 7})", "dns_config"},
      {R"({"recursors": "8.8.8.8"})", "recursors"},
      {R"({"dns_threads": -1})", "dns_threads"},
  };
  for (const auto& [text, key] : cases) {
    AgentConfig c;
    auto st = apply_config_text(text, "bad.json", c);
    ASSERT_FALSE(st) << text;
    EXPECT_NE(st.error().message.find(key), std::string::npos) << st.error().message;
  }
}

TEST(AgentFlags, RecursorsFromFlagsAddToConfigFilesAndAreValidated) {
  auto p = parse_agent_flags({"-dev", "-recursor", "8.8.8.8", "-recursor=9.9.9.9:53", "-alt-domain", "alt"});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->config.dns.recursors.addresses, (std::vector<std::string>{"8.8.8.8", "9.9.9.9:53"}));
  EXPECT_EQ(p->config.dns.alt_domain, "alt");
  auto bad = parse_agent_flags({"-dev", "-recursor", "dns.google"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("dns.google"), std::string::npos);
}

}  // namespace roster::agent
