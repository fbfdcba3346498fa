#include "common/strings.hpp"

#include <gtest/gtest.h>

namespace roster {

TEST(Strings, CompareIgnoringAsciiCase) {
  EXPECT_TRUE(iequals("Web.Service", "web.service"));
  EXPECT_FALSE(iequals("web", "webs"));
  EXPECT_TRUE(starts_with_icase("Consul-Version", "consul-"));
  EXPECT_EQ(to_lower("AbC-1"), "abc-1");
}

TEST(Strings, SplitKeepsEmptyParts) {
  EXPECT_EQ(split("a.b..c", '.'), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split("", '.'), (std::vector<std::string>{""}));
}

}  // namespace roster

namespace roster {
TEST(Strings, HexDigitValues) {
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('a'), 10);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
}
}  // namespace roster
