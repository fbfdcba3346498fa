#include "http/server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/strings.hpp"

namespace roster::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::Get;
    case bhttp::verb::put: return Method::Put;
    case bhttp::verb::post: return Method::Post;
    case bhttp::verb::delete_: return Method::Delete;
    case bhttp::verb::head: return Method::Head;
    case bhttp::verb::options: return Method::Options;
    default: return Method::Other;
  }
}

Request to_request(bhttp::request<bhttp::string_body>&& in) {
  Request req;
  req.method = to_method(in.method());
  req.method_text = std::string(in.method_string());
  const std::string_view target = in.target();
  const auto q = target.find('?');
  req.path = url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) req.query = QueryParams::parse(target.substr(q + 1));
  for (const auto& field : in)
    req.headers[to_lower(field.name_string())] = std::string(field.value());
  req.body = std::move(in.body());
  return req;
}

bhttp::response<bhttp::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                            bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "roster");
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::bind(asio::io_context& io, const tcp::endpoint& ep,
                                                     const Api& api, HttpLimits limits, Logger log) {
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return internal("cannot listen for HTTP on " + ep.address().to_string() + ":" +
                    std::to_string(ep.port()) + ": " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(io, std::move(acceptor), api, limits, std::move(log)));
}

HttpServer::HttpServer(asio::io_context& io, tcp::acceptor acceptor, const Api& api, HttpLimits limits,
                       Logger log)
    : io_(io), acceptor_(std::move(acceptor)), api_(api), limits_(limits), log_(std::move(log)) {
  port_ = acceptor_.local_endpoint().port();
}

void HttpServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> HttpServer::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      log_.warn("accept failed", {{"error", ec.message()}});
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), [log = log_](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log.warn("http session failed", {{"error", ex.what()}});
      }
    });
  }
}

asio::awaitable<void> HttpServer::session(tcp::socket socket) {
  struct Count {
    std::atomic<std::size_t>& n;
    ~Count() { --n; }
  } count{active_};
  const bool over_limit = ++active_ > limits_.max_connections;

  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(limits_.body_limit);
    stream.expires_after(limits_.read_timeout);
    co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      auto res = to_beast(error_response(413, "Request body too large (limit " +
                                                  std::to_string(limits_.body_limit) + " bytes)"),
                          11, false, false);
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    if (ec) break;  // end of stream, timeout, malformed request: close
    auto in = parser.release();
    const unsigned version = in.version();
    const bool keep_alive = in.keep_alive() && !over_limit;
    const bool head = in.method() == bhttp::verb::head;
    Response r = over_limit ? error_response(503, "Too many open connections to this agent")
                            : [&] {
                                Request req = to_request(std::move(in));
                                return api_.handle(req);
                              }();
    log_.debug("http request", {{"status", std::to_string(r.status)}});
    auto res = to_beast(std::move(r), version, keep_alive, head);
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace roster::http
