#pragma once
// The supervisor's decisions as pure functions: what to do after a register
// or pass result, how long to back off, when a change is worth a log line.
// supervisor.cpp is the thin Asio glue around these.
#include <chrono>
#include <string>

#include "wrapper/api_requests.hpp"

namespace roster::wrapper {

inline constexpr std::chrono::milliseconds kFirstBackoff{500};
inline constexpr std::chrono::milliseconds kMaxBackoff{10'000};

// Delay before the next registration attempt after `failures` consecutive
// failed ones (failures >= 1): 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s forever.
std::chrono::milliseconds register_backoff(int failures);

// Delay before re-registering when a pass asked for it, the `streak`-th time
// in a row without a successful pass in between (streak >= 1): at once the
// first time, then backing off, so an agent that keeps answering 404 is not
// hammered.
std::chrono::milliseconds reregister_delay(int streak);

// A registration counts when the agent answered 2xx.
bool registration_accepted(const ApiOutcome& outcome);

enum class PassAction {
  Passed,      // 2xx: next pass after one heartbeat
  Reregister,  // 404/500: the agent lost the registration (restarted): register again at once
  Retry,       // agent unreachable or another status: try again after one heartbeat
};
PassAction after_pass(const ApiOutcome& outcome);

// How the agent looks from the wrapper; log lines are written only when this
// changes, not once per heartbeat.
struct AgentLink {
  enum class State { Unknown, Up, Unreachable, Rejecting };
  State state = State::Unknown;
  int status = 0;  // the HTTP status while Rejecting
  bool operator==(const AgentLink&) const = default;
};
AgentLink classify(const ApiOutcome& outcome);

// Thread safety: not thread-safe; one per supervisor.
class LinkTracker {
 public:
  // Records an outcome; true when the link state differs from the last one.
  bool changed(const ApiOutcome& outcome);
  const AgentLink& current() const { return current_; }

 private:
  AgentLink current_;
};

}  // namespace roster::wrapper
