#include "wrapper/api_client.hpp"

// Beast after Asio (common/net.hpp, included by the header).
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace roster::wrapper {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

ApiOutcome transport_error(std::string_view step, const boost::system::error_code& ec) {
  return internal(std::string(step) + ": " + ec.message());
}

std::string host_header(const ApiClientConfig& c) {
  const bool v6 = c.host.find(':') != std::string::npos;
  return (v6 ? "[" + c.host + "]" : c.host) + ":" + std::to_string(c.port);
}

}  // namespace

ApiClient::ApiClient(asio::any_io_executor executor, ApiClientConfig config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

asio::awaitable<ApiOutcome> ApiClient::async_register(ServiceRegistration reg) {
  co_return co_await async_send(register_request(reg));
}

asio::awaitable<ApiOutcome> ApiClient::async_pass(std::string check_id, std::string note) {
  co_return co_await async_send(pass_request(check_id, note));
}

asio::awaitable<ApiOutcome> ApiClient::async_deregister(std::string service_id) {
  co_return co_await async_send(deregister_request(service_id));
}

asio::awaitable<ApiOutcome> ApiClient::async_send(ApiRequest request) {
  const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
  boost::system::error_code ec;

  // Name resolution has no timeout of its own: a timer cancels it.
  auto resolver = std::make_shared<tcp::resolver>(executor_);
  asio::steady_timer guard(executor_, deadline);
  guard.async_wait([resolver](const boost::system::error_code& e) {
    if (!e) resolver->cancel();
  });
  const auto endpoints = co_await resolver->async_resolve(config_.host, std::to_string(config_.port),
                                                          redirect_error(use_awaitable, ec));
  guard.cancel();
  if (ec) co_return transport_error("resolve " + config_.host, ec);

  beast::tcp_stream stream(executor_);
  stream.expires_at(deadline);  // one deadline for connect, write and read
  co_await stream.async_connect(endpoints, redirect_error(use_awaitable, ec));
  if (ec) co_return transport_error("connect", ec);

  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, host_header(config_));
  req.set(http::field::user_agent, "roster-wrap");
  if (!config_.token.empty()) req.set("X-Consul-Token", config_.token);
  if (!request.body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = std::move(request.body);
  req.keep_alive(false);
  req.prepare_payload();
  co_await http::async_write(stream, req, redirect_error(use_awaitable, ec));
  if (ec) co_return transport_error("write", ec);

  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, redirect_error(use_awaitable, ec));
  if (ec) co_return transport_error("read", ec);

  stream.socket().shutdown(tcp::socket::shutdown_both, ec);  // best effort
  co_return static_cast<int>(res.result_int());
}

}  // namespace roster::wrapper
