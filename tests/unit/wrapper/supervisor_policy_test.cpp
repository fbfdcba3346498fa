#include "wrapper/supervisor_policy.hpp"

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;

const ApiOutcome kRefused = internal("connect: Connection refused");

TEST(SupervisorPolicy, RegisterBackoffDoublesFromHalfASecondAndCapsAtTen) {
  const std::vector<std::chrono::milliseconds> expected{500ms, 1s, 2s, 4s, 8s, 10s, 10s, 10s};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(register_backoff(int(i) + 1), expected[i]) << i;
  EXPECT_EQ(register_backoff(1000), 10s);
  EXPECT_EQ(register_backoff(0), 0ms);
}

TEST(SupervisorPolicy, ReregisterIsImmediateOnceThenBacksOff) {
  EXPECT_EQ(reregister_delay(1), 0ms);
  EXPECT_EQ(reregister_delay(2), 500ms);
  EXPECT_EQ(reregister_delay(3), 1s);
  EXPECT_EQ(reregister_delay(50), 10s);
}

TEST(SupervisorPolicy, RegistrationCountsOnlyOn2xx) {
  EXPECT_TRUE(registration_accepted(200));
  EXPECT_FALSE(registration_accepted(400));
  EXPECT_FALSE(registration_accepted(500));
  EXPECT_FALSE(registration_accepted(kRefused));
}

TEST(SupervisorPolicy, PassResults) {
  EXPECT_EQ(after_pass(200), PassAction::Passed);
  EXPECT_EQ(after_pass(404), PassAction::Reregister);  // modern: unknown check ID
  EXPECT_EQ(after_pass(500), PassAction::Reregister);  // legacy: "does not have associated TTL"
  EXPECT_EQ(after_pass(405), PassAction::Retry);
  EXPECT_EQ(after_pass(403), PassAction::Retry);
  EXPECT_EQ(after_pass(503), PassAction::Retry);
  EXPECT_EQ(after_pass(kRefused), PassAction::Retry);
}

TEST(SupervisorPolicy, LinkTrackerReportsOnlyStateChanges) {
  LinkTracker t;
  EXPECT_TRUE(t.changed(kRefused));                      // unknown → unreachable
  EXPECT_FALSE(t.changed(internal("connect: timeout")));  // still unreachable
  EXPECT_TRUE(t.changed(200));                            // → up
  EXPECT_FALSE(t.changed(200));
  EXPECT_TRUE(t.changed(403));  // → rejecting 403
  EXPECT_FALSE(t.changed(403));
  EXPECT_TRUE(t.changed(500));  // a different status is a different state
  EXPECT_EQ(t.current().state, AgentLink::State::Rejecting);
  EXPECT_EQ(t.current().status, 500);
}

}  // namespace
}  // namespace roster::wrapper
