// The transmit-limited queue: fresh first, invalidation by key, limits, cap.
#include <gtest/gtest.h>

#include "gossip/broadcast_queue.hpp"

namespace roster::gossip {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> take(BroadcastQueue& q, std::size_t budget, int limit) {
  std::vector<Bytes> out;
  q.take(budget, limit, [&](std::span<const std::uint8_t> b) { out.emplace_back(b.begin(), b.end()); });
  return out;
}

TEST(GossipBroadcastQueue, NewestAndLeastSentFirst) {
  BroadcastQueue q(100);
  q.push("a", Bytes(4, 'a'));
  q.push("b", Bytes(4, 'b'));
  auto first = take(q, 4, 10);  // room for one: the newest
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0][0], 'b');
  q.push("c", Bytes(4, 'c'));
  auto next = take(q, 8, 10);  // never-sent ones (c, then a) before b
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0][0], 'c');
  EXPECT_EQ(next[1][0], 'a');
}

TEST(GossipBroadcastQueue, SameKeyReplacesTheQueuedMessage) {
  BroadcastQueue q(100);
  q.push("node-1", Bytes{1});
  q.push("node-1", Bytes{2});
  EXPECT_EQ(q.size(), 1u);
  auto got = take(q, 100, 10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Bytes{2});
}

TEST(GossipBroadcastQueue, DroppedAfterTheTransmitLimit) {
  BroadcastQueue q(100);
  q.push("k", Bytes(3, 1));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(take(q, 100, 3).size(), 1u);
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(take(q, 100, 3).empty());
}

TEST(GossipBroadcastQueue, BudgetIsRespectedAndSmallerOnesFillTheGap) {
  BroadcastQueue q(100);
  q.push("small", Bytes(10, 1));
  q.push("big", Bytes(60, 2));
  std::size_t used = 0;
  auto got = take(q, 50, 5);
  for (auto& b : got) used += b.size();
  ASSERT_EQ(got.size(), 1u);  // big skipped, small taken
  EXPECT_EQ(got[0].size(), 10u);
  EXPECT_LE(used, 50u);
}

TEST(GossipBroadcastQueue, CapDropsTheMostSentOldest) {
  BroadcastQueue q(2);
  q.push("old", Bytes(3, 'o'));
  take(q, 100, 10);  // "old" sent once
  q.push("x", Bytes(3, 'x'));
  EXPECT_EQ(q.push("y", Bytes(3, 'y')), 1u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_FALSE(q.contains("old"));
  EXPECT_EQ(q.dropped(), 1u);
}

TEST(GossipBroadcastQueue, UncountedSendsDoNotUseUpTheLimit) {
  BroadcastQueue q(100);
  q.push("k", Bytes(3, 1));
  std::size_t handed = 0;
  for (int i = 0; i < 10; ++i) q.take(100, 2, [&](std::span<const std::uint8_t>) { ++handed; }, false);
  EXPECT_EQ(handed, 10u);  // sent along to the dead, still queued
  EXPECT_EQ(take(q, 100, 2).size(), 1u);
  EXPECT_EQ(take(q, 100, 2).size(), 1u);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace roster::gossip
