#pragma once
// What the wrapper tells the agent about the service, as pure functions of
// what it observed: the child's life, its port, its HTTP endpoint, a stop in
// progress. The verdict is sent as the TTL check's status
// (PUT /v1/agent/check/pass|warn|fail/<id>?note=<note>).
//
// Rules (docs/wrap.md, "Health"):
//   - not started, stopping or exited           → critical;
//   - no --port and no --check-http             → passing while the child runs (ianitor);
//   - --port: the child's process tree holds a socket listening on the port
//     (or, with --check-tcp, a connect succeeds)  → else critical;
//   - --check-http: 2xx passing, 429 warning, anything else or no answer critical
//     (Consul's HTTP check rules);
//   - a check that has not run yet counts as critical ("waiting for ...");
//   - the worst status wins; the note names every check.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace roster::wrapper {

enum class CheckStatus { Passing, Warning, Critical };

// "passing", "warning", "critical"; and the matching endpoint word pass/warn/fail.
const char* status_name(CheckStatus s);
const char* status_endpoint(CheckStatus s);

// One check's outcome: a status and why.
struct ProbeResult {
  CheckStatus status = CheckStatus::Critical;
  std::string note;
  bool operator==(const ProbeResult&) const = default;
};

// What the kernel's socket tables say about the port (proc_scan.cpp).
struct PortObservation {
  enum class Kind {
    Listening,     // the child or a descendant (`holder`) listens on it
    OtherProcess,  // something listens on it, but not the child's process tree
    OtherAddress,  // the tree (or someone) listens on the port, only on other addresses (`detail`)
    NotListening,  // nothing listens on it
    Unreadable,    // /proc could not be read (`detail`)
  };
  Kind kind = Kind::NotListening;
  std::string detail;
  pid_t holder = 0;
};
ProbeResult port_result(const PortObservation& seen, std::uint16_t port, pid_t child);

// --check-tcp: a connect to ip:port succeeded, or the error.
ProbeResult tcp_result(const std::string& endpoint, const std::optional<std::string>& error);

// --check-http: the HTTP status, or the transport error (status 0).
ProbeResult http_result(const std::string& url, int status, const std::string& error);

struct HealthInputs {
  bool child_running = false;
  pid_t pid = 0;
  std::optional<int> stop_signal;  // SIGTERM/SIGINT received: draining
  bool port_checked = false;       // --port given
  std::optional<ProbeResult> port;  // nullopt: not checked yet
  bool http_checked = false;       // --check-http given
  std::optional<ProbeResult> http;
};

struct Verdict {
  CheckStatus status = CheckStatus::Critical;
  std::string note;
  bool operator==(const Verdict&) const = default;
};
Verdict health_verdict(const HealthInputs& in);

// The note of the final fail with --on-exit critical: "exited with status 3",
// "killed by SIGKILL".
std::string exit_note(int exit_code, int signal);

// How long to wait before the next round of checks: quick at first (50 ms,
// doubling) until the service has passed once, so readiness shows within
// moments of the port opening, then every `interval`.
std::chrono::milliseconds probe_delay(std::chrono::milliseconds interval, bool passed_once, int round);

// Each check's deadline: the interval, within [100 ms, 2 s].
std::chrono::milliseconds probe_timeout(std::chrono::milliseconds interval);

}  // namespace roster::wrapper
