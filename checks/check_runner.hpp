#pragma once
// CheckRunner: runs the local node's HTTP, TCP and script checks. It follows
// the registry (a listener calls changed(); the runner diffs the new
// snapshot's checks against the last one it saw), runs a check at once when
// it appears or its definition changes, then every interval after each run
// ends, at most `max_concurrent` at a time. Everything happens on its own
// io_context thread and nothing there blocks: probes are asynchronous, and
// results go to the ResultWriter thread, which applies the state machine
// (registry::Registry::report_checks) and reaps long-critical services.
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "checks/http_probe.hpp"
#include "checks/probe_result.hpp"
#include "checks/result_writer.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/net.hpp"
#include "registry/registry.hpp"

namespace roster::checks {

struct RunnerOptions {
  std::string node_name;  // the local node, whose checks run here
  std::size_t max_concurrent = 64;
  // How often services past DeregisterCriticalServiceAfter are removed
  // (check_reap_interval; Consul's is 30 s).
  Duration reap_interval = std::chrono::seconds(5);
};

// Thread safety: changed() from any thread; start()/stop() from the owner.
class CheckRunner {
 public:
  CheckRunner(registry::Registry& registry, const Clock& clock, Logger log, RunnerOptions options);
  ~CheckRunner();
  CheckRunner(const CheckRunner&) = delete;
  CheckRunner& operator=(const CheckRunner&) = delete;

  void start();
  // Cancels pending runs, kills running scripts, joins the threads.
  void stop();
  // The registry published a change: re-read it (coalesced).
  void changed();

 private:
  struct Entry;
  using EntryPtr = std::shared_ptr<Entry>;

  void resync();
  void add(const registry::Check& check);
  void remove(const std::string& id);
  void arm(const EntryPtr& e, Duration delay);
  void due(const EntryPtr& e);
  void launch(const EntryPtr& e);
  void finished(const EntryPtr& e, ProbeResult result);
  void shutdown();

  registry::Registry& registry_;
  Logger log_;
  RunnerOptions options_;
  asio::io_context io_;
  std::thread thread_;
  std::atomic<bool> resync_pending_{false};
  std::atomic<bool> stopped_{false};
  TlsContexts tls_;
  ResultWriter writer_;
  // On the io thread only:
  std::shared_ptr<const registry::Catalog> seen_;  // keeps seen_checks_'s entries alive
  registry::PMap<std::string, registry::Check> seen_checks_;
  std::map<std::string, EntryPtr> entries_;
  std::deque<EntryPtr> waiting_;  // due, over the concurrency cap
  std::size_t running_ = 0;
};

}  // namespace roster::checks
