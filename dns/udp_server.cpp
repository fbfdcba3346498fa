#include "dns/udp_server.hpp"

#include <sys/socket.h>

#include <sstream>
#include <string>
#include <vector>

#include "dns/udp_batch.hpp"

namespace roster::dns {

struct UdpServer::State {
  asio::ip::udp::socket socket;
  ServerContext ctx;
  Logger log;
  UdpBatch batch;

  State(asio::io_context& io, ServerContext c, Logger l) : socket(io), ctx(c), log(std::move(l)) {}
};

namespace {

// Batches read in a row before the loop yields to other work on the thread.
// The loop reads again as long as queries keep arriving, even after a short
// batch: under load, more have come in while the last ones were answered, and
// reading them now is far cheaper than a trip through epoll and the
// scheduler (asio re-arms the descriptor with epoll_ctl on every wait).
constexpr int kBatchesPerWakeup = 16;
constexpr int kSocketBuffer = 4 << 20;

}  // namespace

UdpServer::UdpServer(std::shared_ptr<State> state, std::uint16_t port) : state_(std::move(state)), port_(port) {}

UdpServer::~UdpServer() { stop(); }

Result<std::unique_ptr<UdpServer>> UdpServer::bind(asio::io_context& io, const asio::ip::udp::endpoint& endpoint,
                                                   ServerContext context, Logger log, UdpOptions options) {
  auto state = std::make_shared<State>(io, context, std::move(log));
  auto& sock = state->socket;
  boost::system::error_code ec;
  const auto fail = [&](const char* what) {
    std::ostringstream where;
    where << endpoint;
    return internal(std::string("dns: cannot ") + what + " UDP " + where.str() + ": " + ec.message());
  };
  sock.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  if (options.reuse_port) {
    const int one = 1;
    if (::setsockopt(sock.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec.assign(errno, boost::system::system_category());
      return fail("configure");
    }
  }
  // Room for bursts: the default (~208 KiB) holds only a few hundred queued
  // datagrams. The kernel caps this at net.core.rmem_max; failure is harmless.
  sock.set_option(asio::socket_base::receive_buffer_size(kSocketBuffer), ec);
  sock.set_option(asio::socket_base::send_buffer_size(kSocketBuffer), ec);
  ec.clear();
  sock.bind(endpoint, ec);
  if (ec) return fail("bind");
  sock.non_blocking(true, ec);
  if (ec) return fail("configure");
  const auto local = sock.local_endpoint(ec);
  if (ec) return fail("read the address of");
  return std::unique_ptr<UdpServer>(new UdpServer(std::move(state), local.port()));
}

void UdpServer::start() {
  if (started_.exchange(true)) return;
  asio::co_spawn(state_->socket.get_executor(), async_serve(state_), asio::detached);
}

void UdpServer::stop() {
  asio::post(state_->socket.get_executor(), [s = state_] {
    boost::system::error_code ec;
    s->socket.close(ec);
  });
}

asio::awaitable<void> UdpServer::async_serve(std::shared_ptr<State> s) {
  UdpBatch& batch = s->batch;
  const bool debug = s->log.enabled(LogLevel::Debug);
  for (;;) {
    boost::system::error_code ec;
    co_await s->socket.async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !s->socket.is_open()) co_return;
    for (int round = 0; round < kBatchesPerWakeup; ++round) {
      const int fd = s->socket.native_handle();
      const std::size_t n = batch.receive(fd);
      if (n == 0) break;
      // One snapshot per batch: every query in it arrived before it was taken.
      s->ctx.responder.refresh(s->ctx.cache);
      for (std::size_t i = 0; i < n; ++i) {
        const Outcome o = s->ctx.responder.respond(batch.query(i), Transport::Udp, s->ctx.cache, batch.reply_buffer(i));
        if (o.kind == Decision::Kind::Answer) batch.set_reply(i, o.size);
        else if (o.kind == Decision::Kind::Forward) forward(s, i);
        if (debug)
          s->log.debug("udp query", {{"peer", batch.peer(i).address().to_string()},
                                     {"bytes", std::to_string(batch.query(i).size())},
                                     {"outcome", o.kind == Decision::Kind::Answer
                                                     ? "rcode " + std::to_string(batch.reply_buffer(i)[3] & 0x0F)
                                                     : o.kind == Decision::Kind::Forward ? "forward" : "drop"}});
      }
      while (!batch.send(fd)) {
        co_await s->socket.async_wait(asio::socket_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !s->socket.is_open()) co_return;
      }
    }
  }
}

void UdpServer::forward(const std::shared_ptr<State>& s, std::size_t i) {
  std::vector<std::uint8_t> query(s->batch.query(i).begin(), s->batch.query(i).end());
  const auto peer = s->batch.peer(i);
  auto send = [s, peer, query](std::vector<std::uint8_t> reply) {
    if (reply.empty()) reply = s->ctx.responder.forward_failed(query);
    if (reply.empty() || !s->socket.is_open()) return;
    boost::system::error_code ec;
    s->socket.send_to(asio::buffer(reply), peer, 0, ec);  // non-blocking: a full buffer drops it
  };
  if (!s->ctx.forwarder) return send({});
  s->ctx.forwarder->forward(query, Transport::Udp, [s, send](std::vector<std::uint8_t> reply) {
    asio::post(s->socket.get_executor(), [send, r = std::move(reply)]() mutable { send(std::move(r)); });
  });
}

}  // namespace roster::dns
