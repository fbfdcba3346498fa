#include "checks/tcp_probe.hpp"

#include <memory>

#include "common/duration.hpp"
#include "registry/check_targets.hpp"

namespace roster::checks {

using asio::redirect_error;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

asio::awaitable<ProbeResult> tcp_probe(std::string target, Duration timeout) {
  const std::string prefix = "TCP connect " + target + ": ";
  const auto hp = registry::parse_host_port(target);
  if (!hp) co_return ProbeResult{registry::HealthStatus::Critical, prefix + hp.error().message};
  auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto socket = std::make_shared<tcp::socket>(ex);
  auto timed_out = std::make_shared<bool>(false);
  // One deadline for resolving and connecting: the timer cancels whichever runs.
  asio::steady_timer guard(ex, std::chrono::steady_clock::now() + timeout);
  guard.async_wait([resolver, socket, timed_out](const boost::system::error_code& e) {
    if (e) return;
    *timed_out = true;
    resolver->cancel();
    boost::system::error_code ignored;
    socket->close(ignored);
  });
  boost::system::error_code ec;
  const std::string host = hp->host;
  const std::string port = std::to_string(hp->port);
  const auto endpoints = co_await resolver->async_resolve(host, port, redirect_error(use_awaitable, ec));
  if (!ec) co_await asio::async_connect(*socket, endpoints, redirect_error(use_awaitable, ec));
  guard.cancel();
  boost::system::error_code ignored;
  socket->close(ignored);
  if (*timed_out)
    co_return ProbeResult{registry::HealthStatus::Critical, prefix + "i/o timeout after " + format_duration(timeout)};
  if (ec) co_return ProbeResult{registry::HealthStatus::Critical, prefix + ec.message()};
  co_return ProbeResult{registry::HealthStatus::Passing, prefix + "Success"};
}

}  // namespace roster::checks
