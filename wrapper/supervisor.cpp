#include "wrapper/supervisor.hpp"

#include <signal.h>
#include <string.h>

namespace roster::wrapper {

using asio::redirect_error;
using asio::use_awaitable;

namespace {

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(sig);
}

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
      signals_(io, SIGTERM, SIGINT, SIGHUP),
      wake_(io) {
  for (int sig : {SIGQUIT, SIGUSR1, SIGUSR2}) signals_.add(sig);
}

asio::awaitable<int> Supervisor::async_run() {
  watch_signals();  // before anything else, so a signal never kills the wrapper unforwarded
  auto exe = find_executable(config_.command.empty() ? std::string() : config_.command.front());
  if (!exe) {
    log_.error("cannot start the command", {{"error", exe.error().message}});
    stop_signals();
    co_return launch_failure_exit_code(exe.error());
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
  log_.info("child started", {{"pid", std::to_string(child_->pid())}, {"command", config_.command.front()}});
  for (int sig : pending_signals_) on_signal(sig);
  pending_signals_.clear();

  while (!exit_) {
    if (!registered_) {
      if (Clock::now() < next_register_) co_await async_sleep_until(next_register_);
      else co_await async_register();
    } else {
      if (Clock::now() < next_pass_) co_await async_sleep_until(next_pass_);
      else co_await async_pass();
    }
  }

  co_await async_deregister();  // at once: the exit itself woke the loop
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

void Supervisor::stop_signals() {
  signals_.clear();   // default dispositions again
  signals_.cancel();  // and let the pending wait finish, so io.run() can return
}

void Supervisor::on_signal(int sig) {
  if (exit_) return;
  if (!child_) {
    log_.info("signal received before the child started; will forward it", {{"signal", signal_name(sig)}});
    pending_signals_.push_back(sig);
    return;
  }
  log_.info("forwarding signal to child", {{"signal", signal_name(sig)}, {"pid", std::to_string(child_->pid())}});
  child_->signal(sig);
}

void Supervisor::on_child_exit(ExitStatus status) {
  exit_ = status;
  if (status.signal)
    log_.info("child killed by signal", {{"signal", signal_name(status.signal)},
                                         {"exit_code", std::to_string(status.wrapper_exit_code())}});
  else
    log_.info("child exited", {{"exit_code", std::to_string(status.code)}});
  wake_.cancel();
}

asio::awaitable<void> Supervisor::async_sleep_until(Clock::time_point when) {
  wake_.expires_at(when);
  boost::system::error_code ec;  // operation_aborted: woken early by the child's exit
  co_await wake_.async_wait(redirect_error(use_awaitable, ec));
}

asio::awaitable<void> Supervisor::async_register() {
  const auto outcome = co_await api_.async_register(config_.registration);
  note_link(outcome, "register");
  if (registration_accepted(outcome)) {
    registered_ = true;
    register_failures_ = 0;
    next_pass_ = Clock::now();  // pass at once: the check starts critical
    log_.info(ever_registered_ ? "service re-registered" : "service registered",
              {{"id", config_.registration.id}, {"check", check_id_}});
    ever_registered_ = true;
    co_return;
  }
  ++register_failures_;
  const auto delay = register_backoff(register_failures_);
  next_register_ = Clock::now() + delay;
  log_.debug("registration failed; retrying", {{"result", describe(outcome)},
                                               {"retry_in_ms", std::to_string(delay.count())}});
}

asio::awaitable<void> Supervisor::async_pass() {
  const auto started = Clock::now();
  const auto note = "roster wrap: pid " + std::to_string(child_->pid()) + " is running";
  const auto outcome = co_await api_.async_pass(check_id_, note);
  note_link(outcome, "pass");
  switch (after_pass(outcome)) {
    case PassAction::Passed:
      reregister_streak_ = 0;
      next_pass_ = started + config_.heartbeat;
      break;
    case PassAction::Reregister: {
      ++reregister_streak_;
      registered_ = false;
      next_register_ = Clock::now() + reregister_delay(reregister_streak_);
      log_.warn("agent lost the registration; re-registering", {{"check", check_id_}, {"result", describe(outcome)}});
      break;
    }
    case PassAction::Retry:
      next_pass_ = started + config_.heartbeat;
      break;
  }
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
