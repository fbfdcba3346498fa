#include "common/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace roster {

TEST(ParseDuration, AcceptsGoDurationStrings) {
  EXPECT_EQ(parse_duration("10s"), Duration(10s));
  EXPECT_EQ(parse_duration("1m30s"), Duration(90s));
  EXPECT_EQ(parse_duration("120000ms"), Duration(120s));
  EXPECT_EQ(parse_duration("1.5h"), Duration(5400s));
  EXPECT_EQ(parse_duration("250us"), Duration(250us));
  EXPECT_EQ(parse_duration("0"), Duration(0));
}

TEST(ParseDuration, TreatsBareIntegersAsNanoseconds) {
  EXPECT_EQ(parse_duration("1000000000"), Duration(1s));
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* bad : {"", "s", "10x", "1..5s", "-5s", "abc", "5 s", "1e9s", "5s5"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(FormatDuration, PrintsLikeGo) {
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(3600s), "1h0m0s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
  EXPECT_EQ(format_duration(250ms), "250ms");
}

}  // namespace roster
