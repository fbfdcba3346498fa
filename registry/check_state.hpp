#pragma once
// The health-check state machine as pure functions of a run's outcome and of
// time (consul-compat §3). The registry keeps the counters and the
// critical-since times next to its checks; the probes in checks/ only say
// what one run saw.
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "registry/model.hpp"

namespace roster::registry {

// Consecutive results of an interval check since its status last had a
// chance to change. Not part of the visible state.
struct CheckCounters {
  int successes = 0;  // passing or warning runs in a row
  int failures = 0;   // critical runs in a row
};

// Consul's thresholds: a passing or warning run counts as a success, a
// critical run as a failure, and each resets the other counter. A success
// changes the status (to what the run saw) once `success_before_passing`
// runs in a row have succeeded; a failure turns the check critical once
// `failures_before_critical` runs in a row have failed, or warning once
// `failures_before_warning` have (which defaults to the critical threshold).
// Returns the status to store, or nullopt while a threshold is not reached:
// then the check keeps its status and its output.
std::optional<HealthStatus> gate_outcome(const CheckSpec& spec, CheckCounters& counters,
                                         HealthStatus outcome);

// One run of an interval check, as a probe saw it.
struct CheckReport {
  std::string check_id;
  HealthStatus status = HealthStatus::Critical;
  std::string output;
};

// Caps `output` at `max_bytes` (Consul's OutputMaxSize), saying so at the end.
std::string cap_output(std::string output, int max_bytes);

// DeregisterCriticalServiceAfter: a service check continuously critical since
// `critical_since` is due for reaping (its service is removed) once `after`
// (> 0) has passed.
inline bool reap_due(Duration after, TimePoint critical_since, TimePoint now) {
  return after > Duration::zero() && now - critical_since >= after;
}

}  // namespace roster::registry
