#include "client/agent_address.hpp"

#include <gtest/gtest.h>

namespace roster::client {

TEST(AgentAddress, AcceptsHostPortForms) {
  auto a = parse_agent_address("localhost", false);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, kDefaultAgentPort);
  a = parse_agent_address("10.0.0.1:8501", false);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 8501);
  a = parse_agent_address("[::1]:9", false);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  a = parse_agent_address("http://127.0.0.1:8500/", true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
}

TEST(AgentAddress, RejectsMalformedAddresses) {
  for (const char* bad : {"", ":80", "host:", "host:x", "host:70000", "host:0", "a:b:c"})
    EXPECT_FALSE(parse_agent_address(bad, false)) << bad;
  EXPECT_FALSE(parse_agent_address("https://x:1", true));
  EXPECT_FALSE(parse_agent_address("http://x:1", false));
}

TEST(UrlEncode, KeepsUnreservedAndColon) {
  EXPECT_EQ(url_encode("Az09-._~:@"), "Az09-._~:@");
  EXPECT_EQ(url_encode("a b?c#d%"), "a%20b%3Fc%23d%25");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(url_encode("a/b"), "a%2Fb");
}

}  // namespace roster::client
