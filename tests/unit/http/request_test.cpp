#include "http/request.hpp"

#include <gtest/gtest.h>

namespace roster::http {

TEST(QueryParams, KeepsRepeatsAndDecodes) {
  const auto q = QueryParams::parse("tag=a&tag=b%20c&passing&note=x+y&empty=");
  EXPECT_EQ(q.all("tag"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_TRUE(q.has("passing"));
  EXPECT_EQ(q.get("passing"), "");
  EXPECT_EQ(q.get("note"), "x y");
  EXPECT_FALSE(q.has("missing"));
}

TEST(UrlDecode, LeavesBrokenEscapesAlone) {
  EXPECT_EQ(url_decode("service%3Aweb", false), "service:web");
  EXPECT_EQ(url_decode("100%", false), "100%");
  EXPECT_EQ(url_decode("%zz", false), "%zz");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
}

}  // namespace roster::http
