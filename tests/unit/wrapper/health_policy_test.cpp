#include "wrapper/health_policy.hpp"

#include <signal.h>

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;
using K = PortObservation::Kind;

const ProbeResult kPortOk{CheckStatus::Passing, "port 9999 is listening"};
const ProbeResult kPortDown{CheckStatus::Critical, "port 9999 is not listening"};
const ProbeResult kHttp429{CheckStatus::Warning, "GET http://x/: HTTP 429"};

HealthInputs running(pid_t pid = 42) {
  HealthInputs in;
  in.child_running = true;
  in.pid = pid;
  return in;
}

TEST(HealthVerdict, LivenessAloneWithoutPortOrHttpCheck) {
  const auto v = health_verdict(running());
  EXPECT_EQ(v.status, CheckStatus::Passing);
  EXPECT_EQ(v.note, "pid 42 is running");
  HealthInputs gone;
  EXPECT_EQ(health_verdict(gone).status, CheckStatus::Critical);
  EXPECT_EQ(health_verdict(gone).note, "not running");
}

TEST(HealthVerdict, AConfiguredCheckThatHasNotRunIsCritical) {
  auto in = running();
  in.port_checked = true;
  const auto v = health_verdict(in);
  EXPECT_EQ(v.status, CheckStatus::Critical);
  EXPECT_EQ(v.note, "pid 42 is running; waiting for the first port check");
  in.http_checked = true;
  in.port = kPortOk;
  EXPECT_EQ(health_verdict(in).note, "pid 42 is running; port 9999 is listening; waiting for the first HTTP check");
}

TEST(HealthVerdict, TheWorstCheckWinsAndEveryCheckIsInTheNote) {
  auto in = running();
  in.port_checked = in.http_checked = true;
  in.port = kPortOk;
  in.http = ProbeResult{CheckStatus::Passing, "GET http://x/: HTTP 200"};
  EXPECT_EQ(health_verdict(in), (Verdict{CheckStatus::Passing, "pid 42 is running; port 9999 is listening; GET http://x/: HTTP 200"}));
  in.http = kHttp429;
  EXPECT_EQ(health_verdict(in).status, CheckStatus::Warning);
  in.port = kPortDown;
  EXPECT_EQ(health_verdict(in), (Verdict{CheckStatus::Critical, "pid 42 is running; port 9999 is not listening; GET http://x/: HTTP 429"}));
}

TEST(HealthVerdict, StoppingIsCriticalWhateverTheChecksSay) {
  auto in = running();
  in.port_checked = true;
  in.port = kPortOk;
  in.stop_signal = SIGTERM;
  EXPECT_EQ(health_verdict(in), (Verdict{CheckStatus::Critical, "stopping: SIGTERM received"}));
}

TEST(PortResult, OnlyTheChildsTreeListeningOnTheServiceAddressPasses) {
  EXPECT_EQ(port_result({K::Listening, "", 42}, 9999, 42), kPortOk);
  EXPECT_EQ(port_result({K::Listening, "", 43}, 9999, 42).note, "port 9999 is listening (pid 43)");
  EXPECT_EQ(port_result({K::NotListening, "", 0}, 9999, 42), kPortDown);
  const auto other = port_result({K::OtherProcess, "", 0}, 9999, 42);
  EXPECT_EQ(other.status, CheckStatus::Critical);
  EXPECT_EQ(other.note, "port 9999 is held by a process outside pid 42's tree");
  const auto addr = port_result({K::OtherAddress, "127.0.0.1", 0}, 9999, 42);
  EXPECT_EQ(addr.status, CheckStatus::Critical);
  EXPECT_EQ(addr.note, "port 9999 is listening only on 127.0.0.1, not on the service address");
  EXPECT_EQ(port_result({K::Unreadable, "cannot read /proc/42/net/tcp", 0}, 9999, 42).status, CheckStatus::Critical);
}

TEST(HttpResult, FollowsConsulsHttpCheckRules) {
  EXPECT_EQ(http_result("http://x/", 200, "").status, CheckStatus::Passing);
  EXPECT_EQ(http_result("http://x/", 204, "").status, CheckStatus::Passing);
  EXPECT_EQ(http_result("http://x/", 429, ""), kHttp429);
  EXPECT_EQ(http_result("http://x/", 301, "").status, CheckStatus::Critical);
  EXPECT_EQ(http_result("http://x/", 503, "").note, "GET http://x/: HTTP 503");
  const auto down = http_result("http://x/", 0, "connect to x:80: Connection refused");
  EXPECT_EQ(down.status, CheckStatus::Critical);
  EXPECT_EQ(down.note, "GET http://x/: connect to x:80: Connection refused");
}

TEST(TcpResult, ConnectedOrWhyNot) {
  EXPECT_EQ(tcp_result("127.0.0.1:9", std::nullopt), (ProbeResult{CheckStatus::Passing, "connect to 127.0.0.1:9: ok"}));
  EXPECT_EQ(tcp_result("127.0.0.1:9", std::string("Connection refused")).status, CheckStatus::Critical);
}

TEST(ExitNote, StatusOrSignal) {
  EXPECT_EQ(exit_note(3, 0), "exited with status 3");
  EXPECT_EQ(exit_note(0, SIGKILL), "killed by SIGKILL");
}

TEST(StatusWords, EndpointsAndNames) {
  EXPECT_STREQ(status_endpoint(CheckStatus::Passing), "pass");
  EXPECT_STREQ(status_endpoint(CheckStatus::Warning), "warn");
  EXPECT_STREQ(status_endpoint(CheckStatus::Critical), "fail");
  EXPECT_STREQ(status_name(CheckStatus::Warning), "warning");
}

TEST(ProbeTiming, QuickUntilFirstPassThenTheInterval) {
  EXPECT_EQ(probe_delay(1s, false, 0), 50ms);
  EXPECT_EQ(probe_delay(1s, false, 1), 100ms);
  EXPECT_EQ(probe_delay(1s, false, 3), 400ms);
  EXPECT_EQ(probe_delay(1s, false, 10), 1s);
  EXPECT_EQ(probe_delay(30ms, false, 0), 30ms);
  EXPECT_EQ(probe_delay(1s, true, 0), 1s);
  EXPECT_EQ(probe_timeout(1s), 1s);
  EXPECT_EQ(probe_timeout(10ms), 100ms);
  EXPECT_EQ(probe_timeout(30s), 2s);
}

}  // namespace
}  // namespace roster::wrapper
