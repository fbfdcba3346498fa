#include "wrapper/health_policy.hpp"

#include <algorithm>

#include "wrapper/signals.hpp"

namespace roster::wrapper {

using std::chrono::milliseconds;

const char* status_name(CheckStatus s) {
  switch (s) {
    case CheckStatus::Passing: return "passing";
    case CheckStatus::Warning: return "warning";
    case CheckStatus::Critical: return "critical";
  }
  return "critical";
}

const char* status_endpoint(CheckStatus s) {
  switch (s) {
    case CheckStatus::Passing: return "pass";
    case CheckStatus::Warning: return "warn";
    case CheckStatus::Critical: return "fail";
  }
  return "fail";
}

ProbeResult port_result(const PortObservation& seen, std::uint16_t port, pid_t child) {
  const std::string p = "port " + std::to_string(port);
  using K = PortObservation::Kind;
  switch (seen.kind) {
    case K::Listening:
      return {CheckStatus::Passing,
              p + " is listening" + (seen.holder && seen.holder != child ? " (pid " + std::to_string(seen.holder) + ")" : "")};
    case K::OtherProcess:
      return {CheckStatus::Critical, p + " is held by a process outside pid " + std::to_string(child) + "'s tree"};
    case K::OtherAddress:
      return {CheckStatus::Critical, p + " is listening only on " + seen.detail + ", not on the service address"};
    case K::NotListening: return {CheckStatus::Critical, p + " is not listening"};
    case K::Unreadable: return {CheckStatus::Critical, p + ": " + seen.detail + " (try --check-tcp)"};
  }
  return {CheckStatus::Critical, p + ": unknown"};
}

ProbeResult tcp_result(const std::string& endpoint, const std::optional<std::string>& error) {
  if (!error) return {CheckStatus::Passing, "connect to " + endpoint + ": ok"};
  return {CheckStatus::Critical, "connect to " + endpoint + ": " + *error};
}

ProbeResult http_result(const std::string& url, int status, const std::string& error) {
  const std::string what = "GET " + url + ": ";
  if (status == 0) return {CheckStatus::Critical, what + error};
  const std::string code = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return {CheckStatus::Passing, what + code};
  if (status == 429) return {CheckStatus::Warning, what + code};
  return {CheckStatus::Critical, what + code};
}

Verdict health_verdict(const HealthInputs& in) {
  if (in.stop_signal)
    return {CheckStatus::Critical, "stopping: " + signal_name(*in.stop_signal) + " received"};
  if (!in.child_running) return {CheckStatus::Critical, "not running"};
  Verdict v{CheckStatus::Passing, "pid " + std::to_string(in.pid) + " is running"};
  const auto add = [&v](const std::optional<ProbeResult>& r, const std::string& waiting) {
    const ProbeResult result = r ? *r : ProbeResult{CheckStatus::Critical, waiting};
    v.status = std::max(v.status, result.status);
    v.note += "; " + result.note;
  };
  if (in.port_checked) add(in.port, "waiting for the first port check");
  if (in.http_checked) add(in.http, "waiting for the first HTTP check");
  return v;
}

std::string exit_note(int exit_code, int signal) {
  if (signal) return "killed by " + signal_name(signal);
  return "exited with status " + std::to_string(exit_code);
}

milliseconds probe_delay(milliseconds interval, bool passed_once, int round) {
  if (passed_once) return interval;
  milliseconds d{50};
  for (int i = 0; i < round && d < interval; ++i) d *= 2;
  return std::min(d, interval);
}

milliseconds probe_timeout(milliseconds interval) { return std::clamp(interval, milliseconds(100), milliseconds(2'000)); }

}  // namespace roster::wrapper
