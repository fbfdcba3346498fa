#include "checks/check_runner.hpp"

#include "checks/script_probe.hpp"
#include "checks/tcp_probe.hpp"
#include "common/duration.hpp"

namespace roster::checks {

using registry::Check;
using registry::CheckType;

struct CheckRunner::Entry {
  explicit Entry(asio::io_context& io, Check c) : check(std::move(c)), timer(io) {}
  Check check;  // the definition this entry runs
  asio::steady_timer timer;
  bool running = false;
  bool removed = false;
  std::unique_ptr<ScriptProbe> script;  // while a script runs
};

CheckRunner::CheckRunner(registry::Registry& registry, const Clock& clock, Logger log, RunnerOptions options)
    : registry_(registry),
      log_(log),
      options_(std::move(options)),
      writer_(registry, clock, log.named("checks"), options_.reap_interval) {
  if (options_.max_concurrent == 0) options_.max_concurrent = 1;
}

CheckRunner::~CheckRunner() { stop(); }

void CheckRunner::start() {
  if (thread_.joinable()) return;
  writer_.start();
  changed();  // the checks registered before start (config files, restored state)
  thread_ = std::thread([this] {
    auto work = asio::make_work_guard(io_);
    io_.run();
  });
}

void CheckRunner::stop() {
  if (stopped_.exchange(true)) return;
  if (thread_.joinable()) {
    asio::post(io_, [this] {
      shutdown();
      io_.stop();
    });
    thread_.join();
  }
  writer_.stop();
}

void CheckRunner::changed() {
  if (stopped_ || resync_pending_.exchange(true)) return;
  asio::post(io_, [this] {
    resync_pending_ = false;  // before reading: a later change posts again
    if (!stopped_) resync();
  });
}

void CheckRunner::resync() {
  auto cat = registry_.snapshot();
  const registry::NodeRecord* rec = cat->find_node(options_.node_name);
  if (!rec) return;
  // Only the checks that changed since the last snapshot (shared subtrees are skipped).
  registry::PMap<std::string, Check>::diff(seen_checks_, rec->checks, [&](const auto* x, const auto* y) {
    const std::string& id = x ? x->first : y->first;
    if (!y || !registry::is_interval_check(y->second.type)) return remove(id);
    const auto it = entries_.find(id);
    if (it != entries_.end() && it->second->check.type == y->second.type && it->second->check.spec == y->second.spec) {
      it->second->check = y->second;  // same definition: status or output moved
      return;
    }
    add(y->second);
  });
  seen_checks_ = rec->checks;
  seen_ = std::move(cat);
}

void CheckRunner::add(const Check& check) {
  remove(check.id);
  if (check.spec.interval < registry::kMinCheckInterval)
    log_.warn("check interval below the minimum; running it every 1s",
              {{"check", check.id}, {"interval", format_duration(check.spec.interval)}});
  auto e = std::make_shared<Entry>(io_, check);
  entries_.emplace(check.id, e);
  arm(e, Duration::zero());  // the first run happens at once
}

void CheckRunner::remove(const std::string& id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return;
  const EntryPtr e = it->second;
  entries_.erase(it);
  e->removed = true;
  e->timer.cancel();
  if (e->script) e->script->kill();
}

void CheckRunner::arm(const EntryPtr& e, Duration delay) {
  e->timer.expires_after(delay);
  e->timer.async_wait([this, e](const boost::system::error_code& ec) {
    if (!ec && !e->removed && !stopped_) due(e);
  });
}

void CheckRunner::due(const EntryPtr& e) {
  if (running_ >= options_.max_concurrent) {
    waiting_.push_back(e);
    return;
  }
  launch(e);
}

void CheckRunner::launch(const EntryPtr& e) {
  ++running_;
  e->running = true;
  const registry::CheckSpec& spec = e->check.spec;
  const Duration timeout = spec.effective_timeout();
  auto done = [this, e](std::exception_ptr ex, ProbeResult r) {
    if (ex) r = ProbeResult{registry::HealthStatus::Critical, "internal error while running the check"};
    finished(e, std::move(r));
  };
  switch (e->check.type) {
    case CheckType::Tcp: asio::co_spawn(io_, tcp_probe(spec.tcp, timeout), done); break;
    case CheckType::Http: asio::co_spawn(io_, http_probe(spec, timeout, tls_), done); break;
    case CheckType::Script:
      e->script = std::make_unique<ScriptProbe>(io_, spec.args, timeout, spec.output_max_size);
      e->script->start([this, e](ProbeResult r) { finished(e, std::move(r)); });
      break;
    default: finished(e, ProbeResult{registry::HealthStatus::Critical, "not an interval check"}); break;
  }
}

void CheckRunner::finished(const EntryPtr& e, ProbeResult result) {
  --running_;
  e->running = false;
  e->script.reset();
  if (!e->removed && !stopped_) {
    log_.debug("check ran", {{"check", e->check.id}, {"status", std::string(registry::to_string(result.status))}});
    writer_.push(registry::CheckReport{e->check.id, result.status, std::move(result.output)});
    arm(e, e->check.spec.effective_interval());
  }
  while (running_ < options_.max_concurrent && !waiting_.empty()) {
    EntryPtr next = std::move(waiting_.front());
    waiting_.pop_front();
    if (!next->removed) launch(next);
  }
}

void CheckRunner::shutdown() {
  for (auto& [id, e] : entries_) {
    e->removed = true;
    e->timer.cancel();
    if (e->script) e->script->kill();
  }
  entries_.clear();
  waiting_.clear();
}

}  // namespace roster::checks
