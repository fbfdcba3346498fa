#include "wrapper/health_probe.hpp"

#include "client/http_client.hpp"
#include "wrapper/proc_scan.hpp"

namespace roster::wrapper {

using asio::redirect_error;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

HealthProbe::HealthProbe(asio::any_io_executor executor, HealthConfig config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

asio::awaitable<ProbeReport> HealthProbe::async_check(pid_t child) {
  ProbeReport report;
  if (config_.port) {
    if (config_.check_tcp) report.port = co_await async_tcp();
    else report.port = port_result(observe_listening_port(child, *config_.port, config_.service_ip), *config_.port, child);
  }
  if (config_.http) report.http = co_await async_http();
  co_return report;
}

void HealthProbe::cancel() {
  if (connecting_) {
    boost::system::error_code ignored;
    connecting_->close(ignored);
  }
}

asio::awaitable<ProbeResult> HealthProbe::async_tcp() {
  const std::string host = config_.tcp_host();
  const std::string shown = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                            std::to_string(*config_.port);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec) co_return tcp_result(shown, ec.message());

  auto socket = std::make_shared<tcp::socket>(executor_);
  connecting_ = socket;
  asio::steady_timer deadline(executor_, probe_timeout(config_.interval));
  // The handler may run after this frame is gone (fired just as the connect
  // completed): it holds only shared state.
  auto timed_out = std::make_shared<bool>(false);
  deadline.async_wait([socket, timed_out](const boost::system::error_code& e) {
    if (e) return;  // cancelled: the connect finished first
    *timed_out = true;
    boost::system::error_code ignored;
    socket->close(ignored);
  });
  co_await socket->async_connect(tcp::endpoint(ip, *config_.port), redirect_error(use_awaitable, ec));
  deadline.cancel();
  connecting_.reset();
  boost::system::error_code ignored;
  socket->close(ignored);
  if (*timed_out) co_return tcp_result(shown, std::string("timed out"));
  if (ec) co_return tcp_result(shown, ec.message());
  co_return tcp_result(shown, std::nullopt);
}

asio::awaitable<ProbeResult> HealthProbe::async_http() {
  const HttpUrl& url = *config_.http;
  // Named values, not temporaries in the co_await expression (GCC 12, see client/http_client.hpp).
  const client::HttpClientConfig config{url.host, url.port, "", probe_timeout(config_.interval), "roster-wrap-check"};
  client::HttpClient http(executor_, config);
  const client::HttpRequest request{"GET", url.target, ""};
  auto reply = co_await http.async_request(request);
  if (!reply) co_return http_result(url.text, 0, reply.error().message);
  co_return http_result(url.text, reply->status, "");
}

}  // namespace roster::wrapper
