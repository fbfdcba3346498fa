#include "wrapper/supervisor.hpp"

#include <signal.h>
#include <unistd.h>

#include "wrapper/proc_scan.hpp"
#include "wrapper/signals.hpp"

namespace roster::wrapper {

using asio::redirect_error;
using asio::use_awaitable;

namespace {

std::string describe(const ApiOutcome& outcome) {
  return outcome ? "HTTP " + std::to_string(*outcome) : outcome.error().message;
}

}  // namespace

Supervisor::Supervisor(asio::io_context& io, ApiClient& api, SupervisorConfig config, Logger log)
    : io_(io),
      api_(api),
      config_(std::move(config)),
      log_(std::move(log)),
      check_id_(check_id_for(config_.registration.id)),
      signals_(io),
      orphans_(io),
      wake_(io),
      probe_timer_(io),
      probe_(io.get_executor(), config_.health) {
  for (int sig : forwarded_signals()) signals_.add(sig);
  for (int sig : kept_signals()) signals_.add(sig);
  if (config_.reap_orphans) orphans_.add(SIGCHLD);
}

asio::awaitable<int> Supervisor::async_run() {
  watch_signals();  // before anything else, so a signal never kills the wrapper unforwarded
  auto exe = find_executable(config_.command.empty() ? std::string() : config_.command.front());
  if (!exe) {
    log_.error("cannot start the command", {{"error", exe.error().message}});
    stop_signals();
    co_return launch_failure_exit_code(exe.error());
  }
  if (config_.reap_orphans) {
    reap_orphans();  // orphans that died before the set was installed
    watch_orphans();
  }

  co_await async_register();  // one attempt; the child starts whatever the answer

  auto child = Child::launch(io_, config_.command, [this](ExitStatus s) { on_child_exit(s); });
  if (!child) {
    log_.error("cannot start the command", {{"error", child.error().message}});
    co_await async_deregister();
    stop_signals();
    co_return launch_failure_exit_code(child.error());
  }
  child_ = std::move(*child);
  child_pid_ = child_->pid();
  log_.info("child started", {{"pid", std::to_string(child_pid_)}, {"command", config_.command.front()}});
  if (config_.health.any()) asio::co_spawn(io_, async_probe_loop(), asio::detached);
  for (int sig : pending_signals_) on_signal(sig);
  pending_signals_.clear();

  while (!exit_) {
    loop_.desired = desired();
    const Step step = next_step(loop_, Clock::now());
    switch (step.kind) {
      case StepKind::Register: co_await async_register(); break;
      case StepKind::SendStatus: co_await async_send_status(); break;
      case StepKind::StartDrain: start_drain(); break;
      case StepKind::ForwardStop: forward_stop(); break;
      case StepKind::Sleep: co_await async_sleep_until(step.wake); break;
    }
  }

  probe_timer_.cancel();
  probe_.cancel();
  co_await async_finish();  // at once: the exit itself woke the loop
  stop_signals();
  co_return exit_->wrapper_exit_code();
}

void Supervisor::watch_signals() {
  // The handler runs before io.run() returns, while *this is alive.
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;  // cleared or cancelled: the run is over
    on_signal(sig);
    watch_signals();
  });
}

void Supervisor::watch_orphans() {
  orphans_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    reap_orphans();
    watch_orphans();
  });
}

void Supervisor::reap_orphans() {
  for (pid_t pid : reap_orphan_zombies(child_pid_)) log_.debug("reaped an orphan", {{"pid", std::to_string(pid)}});
}

void Supervisor::stop_signals() {
  boost::system::error_code ignored;
  signals_.clear(ignored);   // default dispositions again
  signals_.cancel(ignored);  // and let the pending wait finish, so io.run() can return
  orphans_.clear(ignored);
  orphans_.cancel(ignored);
}

void Supervisor::on_signal(int sig) {
  if (exit_) return;
  for (int kept : kept_signals())
    if (sig == kept) {
      log_.debug("signal ignored", {{"signal", signal_name(sig)}});
      return;
    }
  if (!child_) {
    log_.info("signal received before the child started; will forward it", {{"signal", signal_name(sig)}});
    pending_signals_.push_back(sig);
    return;
  }
  if (is_stop_signal(sig) && !loop_.stopping) {
    stop_signal_ = sig;
    loop_.stopping = true;
    log_.info("stopping: marking the service critical, then forwarding",
              {{"signal", signal_name(sig)}, {"drain_ms", std::to_string(config_.drain.count())}});
    wake();
    return;
  }
  if (is_stop_signal(sig)) loop_.stop_forwarded = true;  // asked again: no more draining
  log_.info("forwarding signal to child", {{"signal", signal_name(sig)}, {"pid", std::to_string(child_pid_)}});
  child_->signal(sig);
  if (stops_the_wrapper_too(sig) && ::getpid() != 1) ::raise(SIGSTOP);  // job control: stop with the child
}

void Supervisor::on_child_exit(ExitStatus status) {
  exit_ = status;
  if (status.signal)
    log_.info("child killed by signal", {{"signal", signal_name(status.signal)},
                                         {"exit_code", std::to_string(status.wrapper_exit_code())}});
  else
    log_.info("child exited", {{"exit_code", std::to_string(status.code)}});
  wake();
}

void Supervisor::wake() { wake_.cancel(); }

Verdict Supervisor::desired() const {
  HealthInputs in;
  in.child_running = child_ && !exit_;
  in.pid = child_pid_;
  in.stop_signal = loop_.stopping ? stop_signal_ : std::nullopt;
  in.port_checked = config_.health.port.has_value();
  in.port = port_result_;
  in.http_checked = config_.health.http.has_value();
  in.http = http_result_;
  return health_verdict(in);
}

void Supervisor::start_drain() {
  loop_.stop_marked = true;
  loop_.drain_until = Clock::now() + config_.drain;
  if (config_.drain.count() > 0) log_.info("draining", {{"drain_ms", std::to_string(config_.drain.count())}});
}

void Supervisor::forward_stop() {
  loop_.stop_forwarded = true;
  log_.info("forwarding signal to child", {{"signal", signal_name(*stop_signal_)}, {"pid", std::to_string(child_pid_)}});
  child_->signal(*stop_signal_);
}

asio::awaitable<void> Supervisor::async_sleep_until(Clock::time_point when) {
  wake_.expires_at(when);
  boost::system::error_code ec;  // operation_aborted: woken early by an event
  co_await wake_.async_wait(redirect_error(use_awaitable, ec));
}

asio::awaitable<void> Supervisor::async_register() {
  const auto outcome = co_await api_.async_register(config_.registration);
  note_link(outcome, "register");
  if (registration_accepted(outcome)) {
    loop_.registered = true;
    loop_.last_sent.reset();  // tell the agent the verdict at once: the check starts critical
    register_failures_ = 0;
    log_.info(ever_registered_ ? "service re-registered" : "service registered",
              {{"id", config_.registration.id}, {"check", check_id_}});
    ever_registered_ = true;
    co_return;
  }
  ++register_failures_;
  const auto delay = register_backoff(register_failures_);
  loop_.next_register = Clock::now() + delay;
  log_.debug("registration failed; retrying", {{"result", describe(outcome)},
                                               {"retry_in_ms", std::to_string(delay.count())}});
}

asio::awaitable<void> Supervisor::async_send_status() {
  const auto started = Clock::now();
  const Verdict verdict = loop_.desired;
  const bool marking_stop = loop_.stopping && !loop_.stop_marked;
  const auto outcome = co_await api_.async_update(check_id_, verdict.status, verdict.note);
  note_link(outcome, status_endpoint(verdict.status));
  switch (after_pass(outcome)) {
    case PassAction::Passed:
      reregister_streak_ = 0;
      if (!loop_.last_sent || loop_.last_sent->status != verdict.status)
        log_.info("check status", {{"status", status_name(verdict.status)}, {"note", verdict.note}});
      loop_.last_sent = verdict;
      loop_.next_heartbeat = started + config_.heartbeat;
      break;
    case PassAction::Reregister:
      ++reregister_streak_;
      loop_.registered = false;
      loop_.last_sent.reset();
      loop_.next_register = Clock::now() + reregister_delay(reregister_streak_);
      log_.warn("agent lost the registration; re-registering", {{"check", check_id_}, {"result", describe(outcome)}});
      break;
    case PassAction::Retry:
      log_.debug("check update not delivered", {{"status", status_name(verdict.status)}, {"result", describe(outcome)}});
      loop_.last_sent = verdict;  // not again before the next heartbeat
      loop_.next_heartbeat = started + config_.heartbeat;
      break;
  }
  if (marking_stop) start_drain();
}

asio::awaitable<void> Supervisor::async_deregister() {
  const auto outcome = co_await api_.async_deregister(config_.registration.id);
  if (outcome && *outcome >= 200 && *outcome < 300)
    log_.info("service deregistered", {{"id", config_.registration.id}});
  else if (outcome && *outcome == 404)
    log_.debug("service was not registered", {{"id", config_.registration.id}});
  else
    log_.warn("deregistration failed", {{"id", config_.registration.id}, {"result", describe(outcome)}});
}

asio::awaitable<void> Supervisor::async_finish() {
  if (final_action(config_.on_exit, loop_.stopping) == FinalAction::Deregister) {
    co_await async_deregister();
    co_return;
  }
  // --on-exit critical: stay visible, critical, with the reason.
  if (!loop_.registered) co_await async_register();
  const auto note = exit_note(exit_->code, exit_->signal);
  const auto outcome = co_await api_.async_update(check_id_, CheckStatus::Critical, note);
  if (outcome && *outcome >= 200 && *outcome < 300)
    log_.info("service left registered as critical", {{"id", config_.registration.id}, {"note", note}});
  else
    log_.warn("could not mark the service critical", {{"id", config_.registration.id}, {"result", describe(outcome)}});
}

asio::awaitable<void> Supervisor::async_probe_loop() {
  int round = 0;
  while (!exit_) {
    const auto report = co_await probe_.async_check(child_pid_);
    if (exit_) co_return;
    const bool changed = report.port != port_result_ || report.http != http_result_;
    port_result_ = report.port;
    http_result_ = report.http;
    if (changed) {
      log_.debug("checks changed", {{"port", port_result_ ? port_result_->note : "-"},
                                    {"http", http_result_ ? http_result_->note : "-"}});
      wake();
    }
    if (desired().status == CheckStatus::Passing) passed_once_ = true;
    probe_timer_.expires_after(probe_delay(config_.health.interval, passed_once_, round++));
    boost::system::error_code ec;  // operation_aborted: the child exited
    co_await probe_timer_.async_wait(redirect_error(use_awaitable, ec));
  }
}

void Supervisor::note_link(const ApiOutcome& outcome, const char* request) {
  const auto before = link_.current().state;
  if (!link_.changed(outcome)) return;
  const auto agent = api_.config().host + ":" + std::to_string(api_.config().port);
  switch (link_.current().state) {
    case AgentLink::State::Up:
      if (before != AgentLink::State::Unknown) log_.info("agent answering again", {{"agent", agent}});
      break;
    case AgentLink::State::Unreachable:
      log_.warn("agent unreachable; will keep retrying",
                {{"agent", agent}, {"request", request}, {"error", outcome.error().message}});
      break;
    case AgentLink::State::Rejecting:
      log_.warn("agent rejected a request; will keep retrying",
                {{"agent", agent}, {"request", request}, {"status", std::to_string(*outcome)}});
      break;
    case AgentLink::State::Unknown:
      break;
  }
}

}  // namespace roster::wrapper
