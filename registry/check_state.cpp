#include "registry/check_state.hpp"

namespace roster::registry {

std::optional<HealthStatus> gate_outcome(const CheckSpec& spec, CheckCounters& counters, HealthStatus outcome) {
  if (outcome != HealthStatus::Critical) {
    ++counters.successes;
    counters.failures = 0;
    if (counters.successes >= spec.success_before_passing) return outcome;
    return std::nullopt;
  }
  ++counters.failures;
  counters.successes = 0;
  if (counters.failures >= spec.failures_before_critical) return HealthStatus::Critical;
  const int warn_after = spec.failures_before_warning > 0 ? spec.failures_before_warning : spec.failures_before_critical;
  if (counters.failures >= warn_after) return HealthStatus::Warning;
  return std::nullopt;
}

std::string cap_output(std::string output, int max_bytes) {
  const std::size_t cap = max_bytes > 0 ? static_cast<std::size_t>(max_bytes) : 0;
  if (output.size() <= cap) return output;
  constexpr std::string_view kMark = " ... (truncated)";
  output.resize(cap > kMark.size() ? cap - kMark.size() : cap);
  if (cap > kMark.size()) output += kMark;
  return output;
}

}  // namespace roster::registry
