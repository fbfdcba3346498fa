#include "dns/tcp_server.hpp"

#include <sys/socket.h>

#include <array>
#include <cstring>
#include <cerrno>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/guarded.hpp"

namespace roster::dns {
namespace {

// A connection's read buffer: room for many pipelined queries; grown only
// for a message larger than this.
constexpr std::size_t kReadSize = 16 * 1024;

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
  // The watchdog's timer. It is not re-armed per query (a cancel and a
  // wake-up each time); the serving loop moves `deadline` instead, and the
  // watchdog, when the timer fires, waits again until the current deadline.
  asio::steady_timer timer;
  asio::steady_timer::time_point deadline;

  explicit Connection(asio::ip::tcp::socket s)
      : socket(std::move(s)), timer(socket.get_executor()) {}

  // Runs on the connection's executor.
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
    conn->deadline = asio::steady_timer::clock_type::now() + s->options.idle_timeout;
    conn->timer.expires_at(conn->deadline);
    const auto exec = conn->socket.get_executor();
    asio::co_spawn(exec, async_watchdog(conn), asio::detached);
    asio::co_spawn(exec, async_serve(s, conn), asio::detached);
  }
}

asio::awaitable<void> TcpServer::async_serve(std::shared_ptr<State> s, std::shared_ptr<Connection> c) {
  // Every message already received is answered before the next read, and
  // their replies go out in one write: a client that pipelines queries costs
  // one read and one write per batch, not per query.
  std::vector<std::uint8_t> in(kReadSize);
  std::size_t begin = 0;  // the first unanswered byte of `in`
  std::size_t end = 0;    // the end of the bytes received
  // Replies, each with its length prefix: `used` bytes, and always room for
  // one more of the largest size after them (grown, never zero-filled again).
  std::vector<std::uint8_t> out(2 + kMaxTcpMessage);
  std::size_t used = 0;
  boost::system::error_code ec;
  const bool debug = s->log.enabled(LogLevel::Debug);
  bool open = true;
  while (open) {
    c->deadline = asio::steady_timer::clock_type::now() + s->options.idle_timeout;
    const std::size_t n = co_await c->socket.async_read_some(asio::buffer(in.data() + end, in.size() - end),
                                                             asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    end += n;
    bool refreshed = false;
    while (open && end - begin >= 2) {
      const std::size_t len = static_cast<std::size_t>(in[begin] << 8 | in[begin + 1]);
      if (len < wire::kHeaderSize) {  // cannot be a DNS message: close
        open = false;
        break;
      }
      if (end - begin < 2 + len) break;
      const std::span<const std::uint8_t> query(in.data() + begin + 2, len);
      begin += 2 + len;
      if (!refreshed) {  // one snapshot per batch: every query in it has arrived
        s->ctx.responder.refresh(s->ctx.cache);
        refreshed = true;
      }
      if (out.size() < used + 2 + kMaxTcpMessage) out.resize(used + 2 + kMaxTcpMessage);
      const Outcome o = s->ctx.responder.respond(query, Transport::Tcp, s->ctx.cache,
                                                 std::span(out.data() + used + 2, kMaxTcpMessage));
      std::size_t size = o.size;
      if (o.kind == Decision::Kind::Drop) {
        open = false;
      } else if (o.kind == Decision::Kind::Forward) {
        // The replies before it go first: forwarding may take a while.
        if (used > 0) {
          co_await asio::async_write(c->socket, asio::buffer(out.data(), used),
                                     asio::redirect_error(asio::use_awaitable, ec));
          used = 0;
          if (ec) break;
        }
        const std::vector<std::uint8_t> copy(query.begin(), query.end());
        std::vector<std::uint8_t> reply;
        if (s->ctx.forwarder) reply = co_await async_forward(*s->ctx.forwarder, copy, asio::use_awaitable);
        if (reply.empty()) reply = s->ctx.responder.forward_failed(copy);
        if (reply.empty() || reply.size() > kMaxTcpMessage || !c->socket.is_open()) {
          open = false;
          break;
        }
        size = reply.size();
        std::copy(reply.begin(), reply.end(), out.begin() + static_cast<std::ptrdiff_t>(used) + 2);
        refreshed = false;  // time has passed
      }
      if (!open) break;
      out[used] = static_cast<std::uint8_t>(size >> 8);
      out[used + 1] = static_cast<std::uint8_t>(size & 0xFF);
      if (debug)
        s->log.debug("tcp query", {{"bytes", std::to_string(len)}, {"rcode", std::to_string(out[used + 5] & 0x0F)}});
      used += 2 + size;
    }
    if (ec) break;
    if (used > 0) {
      co_await asio::async_write(c->socket, asio::buffer(out.data(), used), asio::redirect_error(asio::use_awaitable, ec));
      used = 0;
      if (ec) break;
    }
    // Keep the unanswered bytes at the front, with room for the whole
    // message they start.
    if (begin == end) {
      begin = end = 0;
    } else if (begin > 0) {
      std::memmove(in.data(), in.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    const std::size_t need = end >= 2 ? 2 + static_cast<std::size_t>(in[0] << 8 | in[1]) : 2;
    if (in.size() < need) in.resize(need);
    if (in.size() > kReadSize && end == 0) in.resize(kReadSize);  // done with a large message
    if (out.size() > 4 * (2 + kMaxTcpMessage)) out.resize(2 + kMaxTcpMessage);
  }
  c->close();
  s->connections.lock()->erase(c);
}

asio::awaitable<void> TcpServer::async_watchdog(std::shared_ptr<Connection> c) {
  for (;;) {
    boost::system::error_code ec;
    co_await c->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!c->socket.is_open()) co_return;
    if (c->deadline <= asio::steady_timer::clock_type::now()) {
      c->close();
      co_return;
    }
    c->timer.expires_at(c->deadline);
  }
}

}  // namespace roster::dns
