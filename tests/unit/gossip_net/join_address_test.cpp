#include "gossip/net/join_address.hpp"

#include <gtest/gtest.h>

namespace roster::gossip::net {

TEST(JoinAddress, PortsDefaultAndParse) {
  auto a = resolve_join_address("127.0.0.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->front().to_string(), "127.0.0.1:8301");
  a = resolve_join_address("127.0.0.1:9000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->front().to_string(), "127.0.0.1:9000");
  a = resolve_join_address("[::1]:9001");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->front().family, 6);
  EXPECT_EQ(a->front().port, 9001);
  a = resolve_join_address("localhost", 7000);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->front().port, 7000);
}

TEST(JoinAddress, BadInputIsAnErrorNamingIt) {
  for (const char* bad : {"", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", "[::1]x",
                          "no-such-host.invalid"}) {
    auto r = resolve_join_address(bad);
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_NE(resolve_join_address("1.2.3.4:abc").error().message.find("1.2.3.4:abc"), std::string::npos);
}

}  // namespace roster::gossip::net
