#pragma once
// Script check: run `Args` directly (argv, no shell) in a process group of
// its own, stdin from /dev/null, stdout and stderr captured together (the
// first `output_max` bytes kept). Exit 0 → passing, 1 → warning, anything
// else (or a signal) → critical. Past `timeout` the whole group is killed
// and the run is critical ("Timed out (10s) running check"). Asynchronous:
// Boost.Process with the io_context's SIGCHLD handling, nothing waits.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checks/probe_result.hpp"
#include "common/clock.hpp"
#include "common/net.hpp"

namespace roster::checks {

class ScriptRun;

// Thread safety: call from the io_context's thread; `done` runs there too,
// exactly once (also when the run cannot start).
class ScriptProbe {
 public:
  using Done = std::function<void(ProbeResult)>;
  ScriptProbe(asio::io_context& io, std::vector<std::string> args, Duration timeout, int output_max);
  ~ScriptProbe();
  void start(Done done);
  // Kills the process group now (the agent is stopping); `done` still runs.
  void kill();

 private:
  std::shared_ptr<ScriptRun> run_;
};

}  // namespace roster::checks
