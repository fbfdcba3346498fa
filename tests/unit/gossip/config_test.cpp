// The arithmetic of gossip.md Appendix A: suspicion timeouts, Lifeguard's
// confirmation curve, retransmits, push/pull scaling, the health multiplier.
#include <gtest/gtest.h>

#include "gossip/awareness.hpp"
#include "gossip/config.hpp"
#include "gossip/suspicion.hpp"

namespace roster::gossip {
namespace {

TEST(GossipConfig, LanProfileDerivedValues) {
  const Config c = Config::lan();
  EXPECT_EQ(c.suspicion_min(1), 2s);     // log10 floored at 1
  EXPECT_EQ(c.suspicion_min(100), 4s);   // 4 · 2 · 0.5 s
  EXPECT_EQ(c.suspicion_min(1000), 6s);  // 4 · 3 · 0.5 s
  EXPECT_EQ(c.suspicion_max(100), 24s);
  EXPECT_EQ(c.suspicion_confirmations(100), 2);
  EXPECT_EQ(c.suspicion_confirmations(3), 0);  // too few members to confirm
  EXPECT_EQ(c.retransmit_limit(5), 12);  // the floor: 3 · mult
  EXPECT_EQ(c.retransmit_limit(50), 12);
  EXPECT_EQ(c.retransmit_limit(100), 12);
  EXPECT_EQ(c.retransmit_limit(1000), 16);
  EXPECT_EQ(c.push_pull_period(10), 30s);
  EXPECT_EQ(c.push_pull_period(100), 90s);
  EXPECT_EQ(c.push_pull_period(1000), 180s);
  EXPECT_EQ(c.payload_budget(), 1360u);
}

TEST(GossipConfig, ProfilesByName) {
  Config c;
  EXPECT_TRUE(Config::from_profile("local", c));
  EXPECT_LT(c.probe_interval, Config::lan().probe_interval);
  EXPECT_TRUE(Config::from_profile("lan", c));
  EXPECT_EQ(c.probe_interval, 500ms);
  EXPECT_FALSE(Config::from_profile("wan", c));
}

TEST(GossipConfig, WithoutLifeguardSuspicionIsFixed) {
  Config c = Config::lan();
  c.lifeguard = false;
  EXPECT_EQ(c.suspicion_max(100), c.suspicion_min(100));
  EXPECT_EQ(c.suspicion_confirmations(100), 0);
}

TEST(GossipSuspicion, TimeoutShrinksWithConfirmations) {
  EXPECT_EQ(Suspicion::timeout_for(0, 2, 4s, 24s), 24s);
  // 24 − 20·ln 2 / ln 3 ≈ 11.38 s
  EXPECT_NEAR(std::chrono::duration<double>(Suspicion::timeout_for(1, 2, 4s, 24s)).count(), 11.381,
              0.01);
  EXPECT_EQ(Suspicion::timeout_for(2, 2, 4s, 24s), 4s);
  EXPECT_EQ(Suspicion::timeout_for(5, 2, 4s, 24s), 4s);  // floored at min
  EXPECT_EQ(Suspicion::timeout_for(0, 0, 4s, 24s), 4s);  // nothing to wait for
}

TEST(GossipSuspicion, OnlyNewIndependentConfirmationsCount) {
  const TimePoint t0{};
  Suspicion s(/*accuser=*/1, 2, 4s, 24s, t0);
  EXPECT_EQ(s.deadline(), t0 + 24s);
  EXPECT_FALSE(s.confirm(1));  // the original accuser
  EXPECT_TRUE(s.confirm(2));
  EXPECT_FALSE(s.confirm(2));  // again
  EXPECT_EQ(s.confirmations(), 1);
  EXPECT_TRUE(s.confirm(3));
  EXPECT_EQ(s.deadline(), t0 + 4s);
  EXPECT_FALSE(s.confirm(4));  // already at the floor: nothing to re-gossip
  s.start_final_check(500ms);
  EXPECT_TRUE(s.final_check_done());
  EXPECT_EQ(s.deadline(), t0 + 4500ms);
}

TEST(GossipAwareness, ScoreIsBoundedAndScalesTimeouts) {
  Awareness a(8);
  EXPECT_EQ(a.scale(500ms), 500ms);
  a.apply(3);
  EXPECT_EQ(a.score(), 3);
  EXPECT_EQ(a.scale(500ms), 2s);
  a.apply(100);
  EXPECT_EQ(a.score(), 7);
  EXPECT_EQ(a.scale(500ms), 4s);
  a.apply(-100);
  EXPECT_EQ(a.score(), 0);
}

}  // namespace
}  // namespace roster::gossip
