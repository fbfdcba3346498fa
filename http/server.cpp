#include "http/server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <charconv>

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

// A connection and its one read/write deadline. The watchdog timer sleeps
// until the deadline and re-arms while the session keeps moving it; only a
// deadline that really passes closes the socket (which ends the pending
// read or write). So a request costs a store of a time point, not a timer.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), watchdog(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer watchdog;
  SteadyTime::time_point deadline = SteadyTime::time_point::max();
};

void arm_watchdog(const std::shared_ptr<Connection>& c) {
  c->watchdog.expires_at(c->deadline);
  c->watchdog.async_wait([weak = std::weak_ptr<Connection>(c)](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed, or the session ended
    const auto conn = weak.lock();
    if (!conn) return;
    if (SteadyTime::now() >= conn->deadline) {
      boost::system::error_code ignored;
      conn->socket.close(ignored);
      return;
    }
    arm_watchdog(conn);
  });
}

void set_deadline(const std::shared_ptr<Connection>& c, SteadyTime::time_point deadline) {
  c->deadline = deadline;
  if (c->watchdog.expiry() > deadline) arm_watchdog(c);  // an earlier deadline than the timer's
}

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, r.ptr);
}

// The status line and header block of `r`, as Beast's serializer wrote them
// (Server, Content-Type, the response's headers with a later one of the same
// name replacing an earlier one, Connection, Content-Length).
void render_head(std::string& out, const Response& r, unsigned version, bool keep_alive) {
  out.clear();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  append_number(out, static_cast<std::size_t>(r.status));
  out += ' ';
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  out += "\r\nServer: roster\r\n";
  if (!r.content_type.empty()) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    const auto& [name, value] = r.headers[i];
    bool replaced = false;
    for (std::size_t j = i + 1; j < r.headers.size() && !replaced; ++j) replaced = iequals(r.headers[j].first, name);
    if (replaced) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  if (!(r.status / 100 == 1 || r.status == 204 || r.status == 304)) {
    out += "Content-Length: ";
    append_number(out, r.body.size());
    out += "\r\n";
  }
  out += "\r\n";
}

// Writes `r` (without its body for HEAD) as one gather write.
asio::awaitable<void> write_response(tcp::socket& socket, std::string& head, const Response& r, unsigned version,
                                     bool keep_alive, bool omit_body, boost::system::error_code& ec) {
  render_head(head, r, version, keep_alive);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                  omit_body ? asio::const_buffer() : asio::buffer(r.body)};
  co_await asio::async_write(socket, buffers, asio::redirect_error(asio::use_awaitable, ec));
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

asio::awaitable<Status> HttpServer::await_commit(tcp::socket& socket, std::uint64_t commit) {
  struct Waiter {
    explicit Waiter(const tcp::socket::executor_type& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::optional<Status> outcome;
  };
  const auto executor = socket.get_executor();
  auto waiter = std::make_shared<Waiter>(executor);
  waiter->timer.expires_at(SteadyTime::time_point::max());
  // The callback runs on the committing thread: it only posts to this session's strand.
  api_.when_committed(commit, [waiter, executor](Status st) {
    asio::post(executor, [waiter, st = std::move(st)]() mutable {
      waiter->outcome = std::move(st);
      waiter->timer.cancel();
    });
  });
  boost::system::error_code ec;
  while (!waiter->outcome) co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return std::move(*waiter->outcome);
}

asio::awaitable<std::shared_ptr<const Response>> HttpServer::block(tcp::socket& socket, Request& req,
                                                                   WaitSpec wait) {
  const BlockingQuery query(SteadyTime::now() + blocking_timeout(wait.wait, jitter()), std::move(wait));
  bool watch_peer = true;
  for (;;) {
    const auto outcome = co_await await_change(socket, query.spec().changed, query.deadline(), watch_peer);
    if (outcome == WaitOutcome::PeerGone) co_return nullptr;
    if (outcome == WaitOutcome::Woken || SteadyTime::now() >= query.deadline()) break;
    watch_peer = false;  // readable with more bytes (pipelining): stop watching, keep waiting
  }
  co_return api_.serve(req).response;  // answered now, whatever it holds: no second wait
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
  socket.set_option(tcp::no_delay(true), ec);  // a response is one gather write: send it now

  const auto conn = std::make_shared<Connection>(std::move(socket));
  conn->deadline = SteadyTime::now() + limits_.read_timeout;
  arm_watchdog(conn);
  beast::flat_buffer buffer;
  std::string head;  // the response head, rendered again into the same storage per request
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(limits_.body_limit);
    set_deadline(conn, SteadyTime::now() + limits_.read_timeout);
    co_await bhttp::async_read(conn->socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      const Response r =
          error_response(413, "Request body too large (limit " + std::to_string(limits_.body_limit) + " bytes)");
      co_await write_response(conn->socket, head, r, 11, false, false, ec);
      // Lingering close: the client is still sending the body. Closing with
      // unread bytes would make the kernel reset the connection, and the
      // client could lose the 413 before reading it. Drain (bounded) instead.
      if (!ec) {
        conn->socket.shutdown(tcp::socket::shutdown_send, ec);
        set_deadline(conn, SteadyTime::now() + std::chrono::seconds(2));
        // On the heap: a local array would grow every session's coroutine frame.
        const auto sink = std::make_unique<char[]>(16384);
        std::size_t drained = 0;
        while (!ec && drained < 4 * limits_.body_limit + (1 << 20))
          drained += co_await conn->socket.async_read_some(asio::buffer(sink.get(), 16384),
                                                           asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }
    if (ec) break;  // end of stream, timeout (the watchdog closed it), malformed request: close
    auto in = parser.release();
    const unsigned version = in.version();
    const bool keep_alive = in.keep_alive() && !over_limit && lease.has_value();
    const bool head_method = in.method() == bhttp::verb::head;
    std::shared_ptr<const Response> answer;
    Response refusal;
    std::string logged;  // method and target for the debug access log, tokens hidden
    if (!lease) {
      refusal = error_response(429, "Your IP is issuing too many concurrent connections, please rate limit your calls "
                                    "(limit: " + std::to_string(per_client_.per_client()) +
                                    " per client, limits.http_max_conns_per_client)");
    } else if (over_limit) {
      refusal = error_response(503, "Too many open connections to this agent");
    } else {
      Request req = to_request(std::move(in));
      if (log_.enabled(LogLevel::Debug)) logged = req.method_text + " " + req.log_target();
      Answer a = api_.serve(req);
      answer = std::move(a.response);
      if (a.commit) {
        const Status committed = co_await await_commit(conn->socket, a.commit);
        if (!committed)
          answer = std::make_shared<const Response>(
              error_response(500, committed.error().message));
      }
      if (a.wait && notifier_) {
        set_deadline(conn, SteadyTime::time_point::max());  // blocking reads are exempt from the read timeout
        answer = co_await block(conn->socket, req, std::move(*a.wait));
        if (!answer) break;  // the client left
      }
    }
    const Response& r = answer ? *answer : refusal;
    if (log_.enabled(LogLevel::Debug))
      log_.debug("http request", {{"request", logged}, {"status", std::to_string(r.status)}});
    set_deadline(conn, SteadyTime::now() + limits_.read_timeout);
    co_await write_response(conn->socket, head, r, version, keep_alive, head_method, ec);
    if (ec || !keep_alive) break;
  }
  conn->socket.shutdown(tcp::socket::shutdown_send, ec);
  conn->watchdog.cancel();
}

}  // namespace roster::http
