#pragma once
// The supervisor's decisions as pure functions: what to do next, what to do
// after a register or check-update result, how long to back off, when a
// change is worth a log line, what to do when the child is gone.
// supervisor.cpp is the thin Asio glue around these.
#include <chrono>
#include <optional>
#include <string>

#include "wrapper/api_requests.hpp"
#include "wrapper/health_policy.hpp"
#include "wrapper/options.hpp"

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

// After a check update (pass, warn or fail).
enum class PassAction {
  Passed,      // 2xx: next update after one heartbeat
  Reregister,  // 404/500: the agent lost the registration (restarted): register again at once
  Retry,       // agent unreachable or another status: try again after one heartbeat
};
PassAction after_pass(const ApiOutcome& outcome);

using SteadyTime = std::chrono::steady_clock::time_point;

// Everything the main loop decides on while the child runs.
struct LoopState {
  bool registered = false;
  SteadyTime next_register{};
  SteadyTime next_heartbeat{};
  std::optional<Verdict> last_sent;  // what the agent was last told (or tried); nullopt after (re)registering
  Verdict desired;                   // what it should be told now (health_verdict)
  bool stopping = false;             // SIGTERM/SIGINT received
  bool stop_marked = false;          // the critical mark was sent (or could not be): the drain runs
  bool stop_forwarded = false;       // the stop signal went to the child
  SteadyTime drain_until{};
};

enum class StepKind {
  Register,    // PUT /v1/agent/service/register
  SendStatus,  // PUT /v1/agent/check/pass|warn|fail with `desired`
  StartDrain,  // stopping while unregistered: nothing to mark, start the drain now
  ForwardStop, // the drain is over: forward the stop signal to the child
  Sleep,       // nothing to do until `wake` (or an event)
};
struct Step {
  StepKind kind = StepKind::Sleep;
  SteadyTime wake = SteadyTime::max();
};
// The next thing to do. While stopping the wrapper never registers again; it
// marks the service critical first, waits out the drain, then forwards.
// Otherwise: register (with backoff) until the agent accepts, then send the
// verdict whenever it changes and at least every heartbeat.
Step next_step(const LoopState& s, SteadyTime now);

enum class FinalAction { Deregister, MarkCritical };
// When the child is gone: deregister, unless it exited on its own (no stop
// was requested) and --on-exit critical asks to keep it visible as critical.
FinalAction final_action(OnExit on_exit, bool stop_requested);

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
