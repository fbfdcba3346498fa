#pragma once
// ResultWriter: the one thread that writes check results into the registry
// and reaps long-critical services. A registry write may wait for its
// group's fsync, so it never runs on an I/O thread: probes hand their
// results over here and go on.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "registry/registry.hpp"

namespace roster::checks {

// Thread safety: push() from any thread.
class ResultWriter {
 public:
  // Reaps every `reap_interval` (> 0).
  ResultWriter(registry::Registry& registry, const Clock& clock, Logger log, Duration reap_interval);
  ~ResultWriter();
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;

  void start();
  // Writes what is queued, then stops the thread.
  void stop();
  void push(registry::CheckReport report);

 private:
  void run();

  registry::Registry& registry_;
  const Clock& clock_;
  Logger log_;
  Duration reap_interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<registry::CheckReport> queue_;  // under mu_
  bool stopping_ = false;                     // under mu_
  std::thread thread_;
};

}  // namespace roster::checks
