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
