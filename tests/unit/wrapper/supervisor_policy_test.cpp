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

// --- next_step ------------------------------------------------------------

const SteadyTime kT0 = SteadyTime() + std::chrono::hours(1);
const Verdict kPassing{CheckStatus::Passing, "pid 1 is running"};
const Verdict kCritical{CheckStatus::Critical, "pid 1 is running; port 80 is not listening"};

LoopState registered_and_current() {
  LoopState s;
  s.registered = true;
  s.desired = kPassing;
  s.last_sent = kPassing;
  s.next_heartbeat = kT0 + 1s;
  return s;
}

TEST(NextStep, RegistersWhenDueElseSleepsUntilTheBackoffEnds) {
  LoopState s;
  s.next_register = kT0;
  EXPECT_EQ(next_step(s, kT0).kind, StepKind::Register);
  s.next_register = kT0 + 2s;
  const auto step = next_step(s, kT0);
  EXPECT_EQ(step.kind, StepKind::Sleep);
  EXPECT_EQ(step.wake, kT0 + 2s);
}

TEST(NextStep, SendsRightAfterRegisteringThenOnChangeOrHeartbeat) {
  auto s = registered_and_current();
  s.last_sent.reset();  // just (re)registered
  EXPECT_EQ(next_step(s, kT0).kind, StepKind::SendStatus);
  s = registered_and_current();
  const auto idle = next_step(s, kT0);
  EXPECT_EQ(idle.kind, StepKind::Sleep);
  EXPECT_EQ(idle.wake, kT0 + 1s);
  EXPECT_EQ(next_step(s, kT0 + 1s).kind, StepKind::SendStatus);  // heartbeat due
  s.desired = kCritical;                                          // the port closed
  EXPECT_EQ(next_step(s, kT0).kind, StepKind::SendStatus);
}

TEST(NextStep, StoppingMarksCriticalThenDrainsThenForwards) {
  auto s = registered_and_current();
  s.stopping = true;
  s.desired = Verdict{CheckStatus::Critical, "stopping: SIGTERM received"};
  EXPECT_EQ(next_step(s, kT0).kind, StepKind::SendStatus);  // the mark comes first
  s.stop_marked = true;
  s.last_sent = s.desired;
  s.drain_until = kT0 + 5s;
  const auto draining = next_step(s, kT0);
  EXPECT_EQ(draining.kind, StepKind::Sleep);
  EXPECT_EQ(draining.wake, kT0 + 1s);  // still heartbeating (critical) meanwhile
  s.next_heartbeat = kT0 + 10s;
  EXPECT_EQ(next_step(s, kT0).wake, kT0 + 5s);
  EXPECT_EQ(next_step(s, kT0 + 5s).kind, StepKind::ForwardStop);
  s.stop_forwarded = true;
  EXPECT_EQ(next_step(s, kT0 + 5s).kind, StepKind::Sleep);  // now wait for the child to exit
}

TEST(NextStep, StoppingWhileUnregisteredDrainsWithoutRegistering) {
  LoopState s;
  s.stopping = true;
  s.next_register = kT0;  // a registration retry is due, but we are going away
  EXPECT_EQ(next_step(s, kT0).kind, StepKind::StartDrain);
  s.stop_marked = true;
  s.drain_until = kT0 + 1s;
  const auto step = next_step(s, kT0);
  EXPECT_EQ(step.kind, StepKind::Sleep);
  EXPECT_EQ(step.wake, kT0 + 1s);
  EXPECT_EQ(next_step(s, kT0 + 1s).kind, StepKind::ForwardStop);
  s.stop_forwarded = true;
  EXPECT_EQ(next_step(s, kT0 + 2s).kind, StepKind::Sleep);
  EXPECT_EQ(next_step(s, kT0 + 2s).wake, SteadyTime::max());
}

TEST(FinalAction, DeregisterUnlessTheChildDiedOnItsOwnUnderOnExitCritical) {
  EXPECT_EQ(final_action(OnExit::Deregister, false), FinalAction::Deregister);
  EXPECT_EQ(final_action(OnExit::Deregister, true), FinalAction::Deregister);
  EXPECT_EQ(final_action(OnExit::Critical, false), FinalAction::MarkCritical);
  EXPECT_EQ(final_action(OnExit::Critical, true), FinalAction::Deregister);  // a requested stop is not a failure
}

}  // namespace
}  // namespace roster::wrapper
