#include "dns/tcp_server.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/guarded.hpp"

namespace roster::dns {
namespace {

// Forwards `query` over TCP and resumes the caller with the reply (empty
// when every recursor failed), posted to the caller's executor.
template <typename Token>
auto async_forward(Forwarder& forwarder, const std::vector<std::uint8_t>& query, Token&& token) {
  return asio::async_initiate<Token, void(std::vector<std::uint8_t>)>(
      [&forwarder, &query](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        forwarder.forward(query, Transport::Tcp, [h](std::vector<std::uint8_t> reply) {
          auto ex = asio::get_associated_executor(*h);
          asio::post(ex, [h, r = std::move(reply)]() mutable { (*h)(std::move(r)); });
        });
      },
      token);
}

}  // namespace

struct TcpServer::Connection {
  asio::ip::tcp::socket socket;
  asio::steady_timer timer;

  explicit Connection(asio::ip::tcp::socket s)
      : socket(std::move(s)), timer(socket.get_executor()) {}

  // Runs on the connection's strand.
  void close() {
    boost::system::error_code ec;
    socket.close(ec);
    timer.cancel();
  }
};

struct TcpServer::State {
  asio::io_context& io;
  asio::strand<asio::io_context::executor_type> strand;
  asio::ip::tcp::acceptor acceptor;
  ServerContext ctx;
  Logger log;
  std::vector<std::uint8_t> scratch = std::vector<std::uint8_t>(kMaxTcpMessage);  // one reply at a time
  TcpOptions options;
  Guarded<std::set<std::shared_ptr<Connection>>> connections;
  std::atomic<bool> stopping{false};

  State(asio::io_context& i, ServerContext c, Logger l, TcpOptions o)
      : io(i), strand(asio::make_strand(i)), acceptor(strand), ctx(c), log(std::move(l)),
        options(o) {}
};

TcpServer::TcpServer(std::shared_ptr<State> state, std::uint16_t port)
    : state_(std::move(state)), port_(port) {}

TcpServer::~TcpServer() { stop(); }

Result<std::unique_ptr<TcpServer>> TcpServer::bind(asio::io_context& io,
                                                   const asio::ip::tcp::endpoint& endpoint,
                                                   ServerContext context, Logger log,
                                                   TcpOptions options) {
  auto state = std::make_shared<State>(io, context, std::move(log), options);
  auto& acc = state->acceptor;
  boost::system::error_code ec;
  const auto fail = [&](const char* what) {
    std::ostringstream where;
    where << endpoint;
    return internal(std::string("dns: cannot ") + what + " TCP " + where.str() + ": " + ec.message());
  };
  acc.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("configure");
  if (options.reuse_port) {
    const int one = 1;
    if (::setsockopt(acc.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec.assign(errno, boost::system::system_category());
      return fail("configure");
    }
  }
  acc.bind(endpoint, ec);
  if (ec) return fail("bind");
  acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  const auto local = acc.local_endpoint(ec);
  if (ec) return fail("read the address of");
  return std::unique_ptr<TcpServer>(new TcpServer(std::move(state), local.port()));
}

void TcpServer::start() {
  if (started_.exchange(true)) return;
  asio::co_spawn(state_->strand, async_accept_loop(state_), asio::detached);
}

void TcpServer::stop() {
  state_->stopping = true;
  asio::post(state_->strand, [s = state_] {
    boost::system::error_code ec;
    s->acceptor.close(ec);
  });
  auto conns = state_->connections.lock();  // held for the whole loop
  for (const auto& c : *conns) asio::post(c->socket.get_executor(), [c] { c->close(); });
}

std::size_t TcpServer::connections() const { return state_->connections.lock()->size(); }

asio::awaitable<void> TcpServer::async_accept_loop(std::shared_ptr<State> s) {
  for (;;) {
    asio::ip::tcp::socket socket(asio::make_strand(s->io));
    boost::system::error_code ec;
    co_await s->acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !s->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: pause instead of spinning.
      s->log.debug("tcp accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(s->strand, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    {
      auto conns = s->connections.lock();
      if (conns->size() >= s->options.max_connections || s->stopping) {
        s->log.debug("tcp connection refused: limit reached");
        conn->close();
        continue;
      }
      conns->insert(conn);
    }
    // Armed before the watchdog's first wait, which would otherwise see an
    // expired timer.
    conn->timer.expires_after(s->options.idle_timeout);
    const auto exec = conn->socket.get_executor();
    asio::co_spawn(exec, async_watchdog(conn), asio::detached);
    asio::co_spawn(exec, async_serve(s, conn), asio::detached);
  }
}

asio::awaitable<void> TcpServer::async_serve(std::shared_ptr<State> s, std::shared_ptr<Connection> c) {
  std::array<std::uint8_t, 2> prefix{};
  std::vector<std::uint8_t> query;
  std::vector<std::uint8_t> reply;
  boost::system::error_code ec;
  for (;;) {
    c->timer.expires_after(s->options.idle_timeout);
    co_await asio::async_read(c->socket, asio::buffer(prefix),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const std::size_t len = static_cast<std::size_t>(prefix[0] << 8 | prefix[1]);
    if (len < wire::kHeaderSize) break;  // cannot be a DNS message: close
    query.resize(len);
    co_await asio::async_read(c->socket, asio::buffer(query),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const auto begin = std::chrono::steady_clock::now();
    s->ctx.responder.refresh(s->ctx.cache);
    const Outcome o = s->ctx.responder.respond(query, Transport::Tcp, s->ctx.cache, s->scratch);
    if (o.kind == Decision::Kind::Drop) break;
    if (o.kind == Decision::Kind::Forward) {
      reply.clear();
      if (s->ctx.forwarder) reply = co_await async_forward(*s->ctx.forwarder, query, asio::use_awaitable);
      if (reply.empty()) reply = s->ctx.responder.forward_failed(query);
      if (reply.empty() || reply.size() > kMaxTcpMessage || !c->socket.is_open()) break;
    } else {
      reply.assign(s->scratch.begin(), s->scratch.begin() + static_cast<std::ptrdiff_t>(o.size));
    }
    const std::array<std::uint8_t, 2> out_len{static_cast<std::uint8_t>(reply.size() >> 8),
                                              static_cast<std::uint8_t>(reply.size() & 0xFF)};
    const std::array<asio::const_buffer, 2> out{asio::buffer(out_len), asio::buffer(reply)};
    co_await asio::async_write(c->socket, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    if (s->log.enabled(LogLevel::Debug)) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - begin);
      s->log.debug("tcp query", {{"bytes", std::to_string(len)},
                                 {"rcode", std::to_string(reply[3] & 0x0F)},
                                 {"latency_us", std::to_string(us.count())}});
    }
  }
  c->close();
  s->connections.lock()->erase(c);
}

asio::awaitable<void> TcpServer::async_watchdog(std::shared_ptr<Connection> c) {
  // Each query re-arms the timer, which cancels this wait; only a deadline
  // that really passes closes the connection.
  for (;;) {
    boost::system::error_code ec;
    co_await c->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!c->socket.is_open()) co_return;
    if (c->timer.expiry() <= asio::steady_timer::clock_type::now()) {
      c->close();
      co_return;
    }
  }
}

}  // namespace roster::dns
