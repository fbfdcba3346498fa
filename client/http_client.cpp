#include "client/http_client.hpp"

// Beast after Asio (common/net.hpp, included by the header).
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "common/strings.hpp"

namespace roster::client {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

Error transport_error(std::string_view step, const boost::system::error_code& ec) {
  return internal(std::string(step) + ": " + ec.message());
}

std::string host_header(const HttpClientConfig& c) {
  const bool v6 = c.host.find(':') != std::string::npos;
  return (v6 ? "[" + c.host + "]" : c.host) + ":" + std::to_string(c.port);
}

}  // namespace

std::optional<std::string> HttpReply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientConfig config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

asio::awaitable<Result<HttpReply>> HttpClient::async_request(const HttpRequest& request,
                                                             std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(config_.timeout);
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
  if (ec) co_return transport_error("connect to " + host_header(config_), ec);

  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, host_header(config_));
  req.set(http::field::user_agent, config_.user_agent);
  if (!config_.token.empty()) req.set("X-Consul-Token", config_.token);
  if (!request.body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();
  co_await http::async_write(stream, req, redirect_error(use_awaitable, ec));
  if (ec) co_return transport_error("write", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
  if (ec) co_return transport_error("read", ec);
  auto res = parser.release();

  stream.socket().shutdown(tcp::socket::shutdown_both, ec);  // best effort
  HttpReply reply;
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) reply.headers[to_lower(field.name_string())] = std::string(field.value());
  reply.body = std::move(res.body());
  co_return reply;
}

Result<HttpReply> request_blocking(const HttpClientConfig& config, HttpRequest request,
                                   std::chrono::milliseconds timeout) {
  asio::io_context io;
  HttpClient client(io.get_executor(), config);
  std::optional<Result<HttpReply>> out;
  auto run = [&]() -> asio::awaitable<void> {
    auto reply = co_await client.async_request(request, timeout);
    out.emplace(std::move(reply));
  };
  asio::co_spawn(io, run(), [&out](std::exception_ptr e) {
    if (e && !out) out.emplace(internal("request failed"));
  });
  io.run();
  return out ? std::move(*out) : Result<HttpReply>(internal("request did not complete"));
}

}  // namespace roster::client
