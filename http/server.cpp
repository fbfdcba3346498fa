#include "http/server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/strings.hpp"
#include "http/blocking.hpp"

namespace roster::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock;

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

// After the socket turned readable while a request blocks: true when the peer
// closed (or reset) rather than sent more bytes.
bool peer_closed(tcp::socket& socket) {
  char byte;
  boost::system::error_code ec;
  const std::size_t n = socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return false;
  return ec || n == 0;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::bind(asio::io_context& io, const tcp::endpoint& ep,
                                                     const Api& api, ChangeNotifier* notifier,
                                                     HttpLimits limits, Logger log) {
  boost::system::error_code ec;
  tcp::acceptor acceptor(io);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return internal("cannot listen for HTTP on " + ep.address().to_string() + ":" +
                    std::to_string(ep.port()) + ": " + ec.message());
  return std::unique_ptr<HttpServer>(
      new HttpServer(io, std::move(acceptor), api, notifier, limits, std::move(log)));
}

HttpServer::HttpServer(asio::io_context& io, tcp::acceptor acceptor, const Api& api,
                       ChangeNotifier* notifier, HttpLimits limits, Logger log)
    : io_(io),
      acceptor_(std::move(acceptor)),
      api_(api),
      notifier_(notifier),
      limits_(limits),
      per_client_(limits.max_conns_per_client),
      log_(std::move(log)),
      rng_(std::random_device{}()) {
  port_ = acceptor_.local_endpoint().port();
}

void HttpServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void HttpServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

double HttpServer::jitter() {
  auto rng = rng_.lock();
  return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
}

asio::awaitable<void> HttpServer::accept_loop() {
  asio::steady_timer backoff(io_);
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      log_.warn("accept failed", {{"error", ec.message()}});
      // Out of file descriptors: give open connections a moment to close
      // instead of spinning on the error.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
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

asio::awaitable<HttpServer::WaitOutcome> HttpServer::await_change(
    tcp::socket& socket, const WaitSpec::Changed& changed, SteadyTime::time_point deadline, bool watch_peer) {
  struct Waiter {
    explicit Waiter(const tcp::socket::executor_type& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool woken = false;
    bool readable = false;
  };
  const auto executor = socket.get_executor();
  auto waiter = std::make_shared<Waiter>(executor);
  waiter->timer.expires_at(deadline);
  const std::weak_ptr<Waiter> weak = waiter;
  // The wake runs on the publishing thread: it only posts to this session's strand.
  const auto ticket = notifier_->watch(changed, [weak, executor] {
    asio::post(executor, [weak] {
      if (auto w = weak.lock()) {
        w->woken = true;
        w->timer.cancel();
      }
    });
  });
  if (watch_peer)
    socket.async_wait(tcp::socket::wait_read, [weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto w = weak.lock()) {
        w->readable = true;
        w->timer.cancel();
      }
    });
  boost::system::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  notifier_->cancel(ticket);
  if (watch_peer) socket.cancel(ec);  // ends the readability wait
  if (waiter->readable && peer_closed(socket)) co_return WaitOutcome::PeerGone;
  if (waiter->woken) co_return WaitOutcome::Woken;
  co_return WaitOutcome::Timeout;
}

asio::awaitable<bool> HttpServer::block(tcp::socket& socket, Request& req, Response& r) {
  const BlockingQuery query(SteadyTime::now() + blocking_timeout(r.wait->wait, jitter()), std::move(*r.wait));
  bool watch_peer = true;
  for (;;) {
    const auto outcome = co_await await_change(socket, query.spec().changed, query.deadline(), watch_peer);
    if (outcome == WaitOutcome::PeerGone) co_return false;
    if (outcome == WaitOutcome::Woken || SteadyTime::now() >= query.deadline()) break;
    watch_peer = false;  // readable with more bytes (pipelining): stop watching, keep waiting
  }
  r = api_.handle(req);
  r.wait.reset();
  co_return true;
}

asio::awaitable<void> HttpServer::session(tcp::socket socket) {
  struct Count {
    std::atomic<std::size_t>& n;
    ~Count() { --n; }
  } count{active_};
  const bool over_limit = ++active_ > limits_.max_connections;
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const auto lease = per_client_.acquire(ec ? std::string() : remote.address().to_string());

  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
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
    const bool keep_alive = in.keep_alive() && !over_limit && lease.has_value();
    const bool head = in.method() == bhttp::verb::head;
    Response r;
    if (!lease) {
      r = error_response(429, "Your IP is issuing too many concurrent connections, please rate limit your calls "
                              "(limit: " + std::to_string(per_client_.per_client()) +
                              " per client, limits.http_max_conns_per_client)");
    } else if (over_limit) {
      r = error_response(503, "Too many open connections to this agent");
    } else {
      Request req = to_request(std::move(in));
      r = api_.handle(req);
      if (r.wait && notifier_) {
        stream.expires_never();
        if (!co_await block(stream.socket(), req, r)) break;
      }
      r.wait.reset();
    }
    log_.debug("http request", {{"status", std::to_string(r.status)}});
    auto res = to_beast(std::move(r), version, keep_alive, head);
    stream.expires_after(limits_.read_timeout);
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace roster::http
