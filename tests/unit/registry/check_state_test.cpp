// The pure check state machine: thresholds, output caps, reaping decisions.
#include "registry/check_state.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

constexpr auto P = HealthStatus::Passing;
constexpr auto W = HealthStatus::Warning;
constexpr auto C = HealthStatus::Critical;

// The statuses stored after each outcome in turn (nullopt: unchanged).
std::vector<std::optional<HealthStatus>> run(const CheckSpec& spec, std::vector<HealthStatus> outcomes) {
  CheckCounters counters;
  std::vector<std::optional<HealthStatus>> out;
  for (auto o : outcomes) out.push_back(gate_outcome(spec, counters, o));
  return out;
}

using Seq = std::vector<std::optional<HealthStatus>>;

}  // namespace

TEST(CheckState, WithoutThresholdsEveryRunSetsTheStatus) {
  EXPECT_EQ(run({}, {P, C, W, P}), (Seq{P, C, W, P}));
}

TEST(CheckState, SuccessBeforePassingNeedsThatManySuccessesInARow) {
  CheckSpec s;
  s.success_before_passing = 3;
  EXPECT_EQ(run(s, {P, P, P, P}), (Seq{std::nullopt, std::nullopt, P, P}));
  // A failure in between starts the count again.
  EXPECT_EQ(run(s, {P, P, C, P, P, P}), (Seq{std::nullopt, std::nullopt, C, std::nullopt, std::nullopt, P}));
  // A warning run counts as a success and is stored as warning.
  EXPECT_EQ(run(s, {W, P, W}), (Seq{std::nullopt, std::nullopt, W}));
}

TEST(CheckState, FailuresBeforeCriticalNeedsThatManyFailuresInARow) {
  CheckSpec s;
  s.failures_before_critical = 2;
  EXPECT_EQ(run(s, {C, P, C, C, C}), (Seq{std::nullopt, P, std::nullopt, C, C}));
}

TEST(CheckState, FailuresBeforeWarningWarnsFirst) {
  CheckSpec s;
  s.failures_before_warning = 1;
  s.failures_before_critical = 3;
  EXPECT_EQ(run(s, {C, C, C, P}), (Seq{W, W, C, P}));
}

TEST(CheckState, ThresholdsOfOneBehaveLikeNone) {
  CheckSpec s;
  s.success_before_passing = 1;
  s.failures_before_critical = 1;
  EXPECT_EQ(run(s, {P, C, P}), (Seq{P, C, P}));
}

TEST(CheckState, OutputIsCappedWithAMark) {
  EXPECT_EQ(cap_output("short", 100), "short");
  const std::string capped = cap_output(std::string(5000, 'x'), 4096);
  EXPECT_EQ(capped.size(), 4096u);
  EXPECT_NE(capped.find("(truncated)"), std::string::npos);
  EXPECT_EQ(cap_output("abcdef", 3), "abc");
}

TEST(CheckState, ReapIsDueOnlyAfterTheLimit) {
  const TimePoint t0{};
  EXPECT_FALSE(reap_due(0s, t0, t0 + 1h));  // no limit
  EXPECT_FALSE(reap_due(10s, t0, t0 + 9s));
  EXPECT_TRUE(reap_due(10s, t0, t0 + 10s));
}

TEST(CheckSpecTimes, TimeoutDefaultsToTenSecondsCappedAtTheInterval) {
  CheckSpec s;
  s.interval = 30s;
  EXPECT_EQ(s.effective_timeout(), 10s);
  s.interval = 2s;
  EXPECT_EQ(s.effective_timeout(), 2s);
  s.timeout = 500ms;
  EXPECT_EQ(s.effective_timeout(), 500ms);
  s.interval = 100ms;  // raised to Consul's 1 s minimum
  s.timeout = 0s;
  EXPECT_EQ(s.effective_interval(), 1s);
  EXPECT_EQ(s.effective_timeout(), 1s);
}

}  // namespace roster::registry
