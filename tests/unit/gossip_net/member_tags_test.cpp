#include "gossip/net/member_tags.hpp"

#include <gtest/gtest.h>

#include "gossip/member.hpp"

namespace roster::gossip::net {

TEST(MemberTags, RoundTripAndLimits) {
  const Tags tags{{"dc", "dc1"}, {"role", "node"}, {"vsn", "2"}, {"segment", ""}};
  auto meta = encode_tags(tags);
  ASSERT_TRUE(meta);
  EXPECT_EQ(decode_tags(*meta), tags);
  EXPECT_TRUE(decode_tags({}).empty());
  EXPECT_FALSE(encode_tags({{std::string(256, 'k'), "v"}}));
  Tags big;
  for (int i = 0; i < 10; ++i) big["k" + std::to_string(i)] = std::string(60, 'v');
  EXPECT_FALSE(encode_tags(big));  // over kMaxMetaBytes
}

TEST(MemberTags, DamagedMetaKeepsWhatDecodedBefore) {
  auto meta = *encode_tags({{"a", "1"}, {"b", "2"}});
  meta.resize(meta.size() - 1);  // the last value is cut short
  EXPECT_EQ(decode_tags(meta), (Tags{{"a", "1"}}));
  const std::vector<std::uint8_t> junk{200, 1, 2};
  EXPECT_TRUE(decode_tags(junk).empty());
}

}  // namespace roster::gossip::net
