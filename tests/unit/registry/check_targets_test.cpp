// Parsing the targets of HTTP and TCP checks.
#include "registry/check_targets.hpp"

#include <gtest/gtest.h>

namespace roster::registry {

TEST(CheckTargets, HostPort) {
  auto a = parse_host_port("127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_host_port("[::1]:53");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_TRUE(parse_host_port("db.service.consul:5432"));
  for (const char* bad : {"", "host", "host:", ":80", "host:0", "host:65536", "host:x", "::1:80", "[::1]", "a b:1"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(CheckTargets, Urls) {
  auto u = parse_check_url("http://127.0.0.1:8080/health?full=1#frag");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/health?full=1");
  EXPECT_EQ(u->host_header, "127.0.0.1:8080");
  auto s = parse_check_url("HTTPS://example.com");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->tls);
  EXPECT_EQ(s->port, 443);
  EXPECT_EQ(s->target, "/");
  auto v6 = parse_check_url("http://[::1]:9/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header, "[::1]:9");
  for (const char* bad : {"", "127.0.0.1:80", "ftp://x/", "http://", "http:///x", "http://a:0/", "http://a:99999/",
                          "http://u:p@host/", "http://a b/", "http://host/a b"})
    EXPECT_FALSE(parse_check_url(bad)) << bad;
}

}  // namespace roster::registry
