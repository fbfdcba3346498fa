#include "cli/watch_state.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace roster::cli {

TEST(WatchState, TheFirstResultIsAlwaysEmitted) {
  WatchState s;
  const auto step = s.on_reply(5, "[]");
  EXPECT_TRUE(step.emit);
  EXPECT_EQ(step.next_index, 5u);
}

TEST(WatchState, AnUnchangedBodyIsNotEmittedAgainEvenIfTheIndexMoves) {
  WatchState s;
  s.emitted("[1]");
  EXPECT_FALSE(s.on_reply(6, "[1]").emit);
  EXPECT_TRUE(s.on_reply(7, "[1,2]").emit);
}

TEST(WatchState, ADelayedChangeIsStillEmittedLater) {
  WatchState s;
  s.emitted("a");
  EXPECT_TRUE(s.on_reply(2, "b").emit);  // not recorded as emitted (cooldown)
  EXPECT_TRUE(s.on_reply(2, "b").emit);
  s.emitted("b");
  EXPECT_FALSE(s.on_reply(3, "b").emit);
}

TEST(WatchState, AnIndexGoingBackwardsIsFollowed) {
  WatchState s;
  s.emitted("x");
  EXPECT_EQ(s.on_reply(100, "x").next_index, 100u);
  EXPECT_EQ(s.on_reply(3, "x").next_index, 3u);
}

TEST(Cooldown, HoldsForThePeriodAfterARun) {
  Cooldown c(2000ms);
  const auto t0 = Cooldown::Clock::time_point{} + 100s;
  EXPECT_EQ(c.remaining(t0), 0ms);
  c.ran(t0);
  EXPECT_EQ(c.remaining(t0 + 500ms), 1500ms);
  EXPECT_EQ(c.remaining(t0 + 2s), 0ms);
  Cooldown none(0ms);
  none.ran(t0);
  EXPECT_EQ(none.remaining(t0), 0ms);
}

}  // namespace roster::cli
