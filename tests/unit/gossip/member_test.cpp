// The precedence rules of gossip.md §1.1 and member tags.
#include <gtest/gtest.h>

#include "gossip/member.hpp"

namespace roster::gossip {
namespace {

Member row(MemberState s, std::uint64_t inc) {
  Member m;
  m.name = "a";
  m.state = s;
  m.incarnation = inc;
  return m;
}

TEST(GossipMember, AliveNeedsAStrictlyHigherIncarnation) {
  EXPECT_FALSE(alive_overrides(row(MemberState::Alive, 5), 5));
  EXPECT_FALSE(alive_overrides(row(MemberState::Suspect, 5), 4));
  EXPECT_TRUE(alive_overrides(row(MemberState::Suspect, 5), 6));
}

TEST(GossipMember, AccusationsStickAtEqualIncarnation) {
  EXPECT_TRUE(accusation_overrides(row(MemberState::Alive, 5), MemberState::Suspect, 5));
  EXPECT_TRUE(accusation_overrides(row(MemberState::Alive, 5), MemberState::Dead, 5));
  EXPECT_TRUE(accusation_overrides(row(MemberState::Suspect, 5), MemberState::Dead, 5));
  EXPECT_FALSE(accusation_overrides(row(MemberState::Suspect, 5), MemberState::Suspect, 5));
  EXPECT_FALSE(accusation_overrides(row(MemberState::Dead, 5), MemberState::Suspect, 5));
  EXPECT_FALSE(accusation_overrides(row(MemberState::Alive, 5), MemberState::Dead, 4));
  EXPECT_TRUE(accusation_overrides(row(MemberState::Dead, 5), MemberState::Suspect, 6));
}

TEST(GossipMember, TagsAreStable48BitHashesOfNameAndBoot) {
  // Every agent must compute the same tag: pin the value.
  EXPECT_EQ(member_tag("ip-10-0-0-1.ec2.internal", 42), member_tag("ip-10-0-0-1.ec2.internal", 42));
  EXPECT_EQ(member_tag("node-a", 1), 0x7f48c668502eull);
  EXPECT_NE(member_tag("node-a", 1), member_tag("node-a", 2));
  EXPECT_NE(member_tag("node-a", 1), member_tag("node-b", 1));
  EXPECT_EQ(member_tag("x", 7) & ~kTagMask, 0u);
}

TEST(GossipMember, StateNames) {
  EXPECT_EQ(to_string(MemberState::Dead), "failed");
  EXPECT_EQ(to_string(MemberState::Left), "left");
  EXPECT_TRUE(is_live(MemberState::Suspect));
  EXPECT_FALSE(is_live(MemberState::Left));
}

}  // namespace
}  // namespace roster::gossip
