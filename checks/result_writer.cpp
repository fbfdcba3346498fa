#include "checks/result_writer.hpp"

#include "common/duration.hpp"

namespace roster::checks {

ResultWriter::ResultWriter(registry::Registry& registry, const Clock& clock, Logger log, Duration reap_interval)
    : registry_(registry), clock_(clock), log_(std::move(log)), reap_interval_(reap_interval) {}

ResultWriter::~ResultWriter() { stop(); }

void ResultWriter::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void ResultWriter::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ResultWriter::push(registry::CheckReport report) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(report));
  }
  cv_.notify_one();
}

void ResultWriter::run() {
  // The condition variable waits on the steady clock; the registry is told
  // the injected clock's time.
  auto next_reap = std::chrono::steady_clock::now() + reap_interval_;
  for (;;) {
    std::vector<registry::CheckReport> batch;
    bool stopping = false;
    {
      std::unique_lock lk(mu_);
      cv_.wait_until(lk, next_reap, [&] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);
      stopping = stopping_;
    }
    // Every result queued since the last write goes in one registry write.
    if (!batch.empty())
      if (auto r = registry_.report_checks(batch, clock_.now()); !r)
        log_.warn("cannot record check results", {{"error", r.error().message}});
    if (stopping) return;
    if (std::chrono::steady_clock::now() >= next_reap) {
      next_reap = std::chrono::steady_clock::now() + reap_interval_;
      for (const auto& id : registry_.reap_critical_services(clock_.now()))
        log_.info("deregistered a service whose check stayed critical past DeregisterCriticalServiceAfter",
                  {{"service", id}});
    }
  }
}

}  // namespace roster::checks
