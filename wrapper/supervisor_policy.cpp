#include "wrapper/supervisor_policy.hpp"

#include <algorithm>

namespace roster::wrapper {

std::chrono::milliseconds register_backoff(int failures) {
  if (failures < 1) return std::chrono::milliseconds(0);
  auto delay = kFirstBackoff;
  for (int i = 1; i < failures && delay < kMaxBackoff; ++i) delay *= 2;
  return std::min(delay, kMaxBackoff);
}

std::chrono::milliseconds reregister_delay(int streak) {
  return streak <= 1 ? std::chrono::milliseconds(0) : register_backoff(streak - 1);
}

bool registration_accepted(const ApiOutcome& outcome) { return outcome && *outcome >= 200 && *outcome < 300; }

PassAction after_pass(const ApiOutcome& outcome) {
  if (!outcome) return PassAction::Retry;
  if (*outcome >= 200 && *outcome < 300) return PassAction::Passed;
  // 404: modern "unknown check ID"; 500: the legacy "does not have associated TTL".
  if (*outcome == 404 || *outcome == 500) return PassAction::Reregister;
  return PassAction::Retry;
}

Step next_step(const LoopState& s, SteadyTime now) {
  const bool draining = s.stopping && !s.stop_forwarded;
  if (draining && !s.stop_marked) return {s.registered ? StepKind::SendStatus : StepKind::StartDrain};
  if (draining && now >= s.drain_until) return {StepKind::ForwardStop};
  SteadyTime wake = draining ? s.drain_until : SteadyTime::max();
  if (!s.registered) {
    if (s.stopping) return {StepKind::Sleep, wake};
    if (now >= s.next_register) return {StepKind::Register};
    return {StepKind::Sleep, std::min(wake, s.next_register)};
  }
  if (!s.last_sent || *s.last_sent != s.desired || now >= s.next_heartbeat) return {StepKind::SendStatus};
  return {StepKind::Sleep, std::min(wake, s.next_heartbeat)};
}

FinalAction final_action(OnExit on_exit, bool stop_requested) {
  return stop_requested || on_exit == OnExit::Deregister ? FinalAction::Deregister : FinalAction::MarkCritical;
}

AgentLink classify(const ApiOutcome& outcome) {
  if (!outcome) return {AgentLink::State::Unreachable, 0};
  if (*outcome >= 200 && *outcome < 300) return {AgentLink::State::Up, 0};
  return {AgentLink::State::Rejecting, *outcome};
}

bool LinkTracker::changed(const ApiOutcome& outcome) {
  const AgentLink next = classify(outcome);
  if (next == current_) return false;
  current_ = next;
  return true;
}

}  // namespace roster::wrapper
