#include "wrapper/http_url.hpp"

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

TEST(HttpUrl, SplitsHostPortAndTarget) {
  auto u = parse_http_url("http://127.0.0.1:8080/health?full=1");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/health?full=1");
  EXPECT_EQ(u->text, "http://127.0.0.1:8080/health?full=1");
  u = parse_http_url("http://localhost");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  u = parse_http_url("http://[::1]:9000/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  u = parse_http_url("http://h?q");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->target, "/?q");
}

TEST(HttpUrl, RefusesWhatThePlainHttpClientCannotDo) {
  for (const char* bad : {"https://h/", "ftp://h", "h:80/x", "http://", "http://:80/", "http://h:/", "http://h:0/",
                          "http://h:99999/", "http://u@h/", "http://h/#frag", "http://[::1/", "http://[::1]x/"})
    EXPECT_FALSE(parse_http_url(bad).ok()) << bad;
  EXPECT_NE(parse_http_url("https://h/").error().message.find("only http://"), std::string::npos);
}

}  // namespace
}  // namespace roster::wrapper
