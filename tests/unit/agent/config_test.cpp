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
  auto later = parse_agent_flags({"-dev", "-join", "10.0.0.1"});
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().message.find("not implemented yet"), std::string::npos);
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

}  // namespace roster::agent
