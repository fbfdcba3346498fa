#include "dns/udp_server.hpp"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dns/answer_cache.hpp"
#include "dns/udp_batch.hpp"

namespace roster::dns {

struct UdpServer::State {
  int fd;
  asio::io_context& io;  // the forwarder's thread
  const Responder& responder;
  Forwarder* forwarder;
  Logger log;
  AnswerCache cache;  // the server thread's
  UdpBatch batch;
  GatherPolicy gather;
  std::atomic<bool> stopping{false};
  std::thread thread;

  State(int f, asio::io_context& i, const Responder& r, Forwarder* fw, Logger l, GatherPolicy::Options g)
      : fd(f), io(i), responder(r), forwarder(fw), log(std::move(l)), gather(g) {}
  ~State() { ::close(fd); }
};

namespace {

// Room for bursts: the default (~208 KiB) holds only a few hundred queued
// datagrams. The kernel caps this at net.core.rmem_max; failure is harmless.
constexpr int kSocketBuffer = 4 << 20;

}  // namespace

UdpServer::UdpServer(std::shared_ptr<State> state, std::uint16_t port) : state_(std::move(state)), port_(port) {}

UdpServer::~UdpServer() { stop(); }

Result<std::unique_ptr<UdpServer>> UdpServer::bind(asio::io_context& io, const asio::ip::udp::endpoint& endpoint,
                                                   const Responder& responder, Forwarder* forwarder, Logger log,
                                                   UdpOptions options) {
  asio::ip::udp::socket sock(io);
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
  sock.set_option(asio::socket_base::receive_buffer_size(kSocketBuffer), ec);
  sock.set_option(asio::socket_base::send_buffer_size(kSocketBuffer), ec);
  ec.clear();
  sock.bind(endpoint, ec);
  if (ec) return fail("bind");
  sock.non_blocking(false, ec);
  if (ec) return fail("configure");
  const auto local = sock.local_endpoint(ec);
  if (ec) return fail("read the address of");
  // Out of asio's hands, so out of its epoll set (see the header).
  const int fd = sock.release(ec);
  if (ec) return fail("configure");
  auto state = std::make_shared<State>(fd, io, responder, forwarder, std::move(log), options.gather);
  return std::unique_ptr<UdpServer>(new UdpServer(std::move(state), local.port()));
}

void UdpServer::start() {
  if (started_.exchange(true)) return;
  state_->thread = std::thread([s = state_] { serve(s); });
}

void UdpServer::stop() {
  // Wakes the thread from recvmmsg(); every later call returns at once. On
  // an unconnected UDP socket shutdown() also says ENOTCONN, harmlessly.
  if (!state_->stopping.exchange(true)) ::shutdown(state_->fd, SHUT_RDWR);
  if (state_->thread.joinable()) state_->thread.join();
}

void UdpServer::serve(const std::shared_ptr<State>& state) {
  State& s = *state;
  UdpBatch& batch = s.batch;
  const bool debug = s.log.enabled(LogLevel::Debug);
  // The gathering wait is short: ask the kernel to keep it so (the default
  // slack is 50 µs).
  if (s.gather.options().wait.count() > 0) ::prctl(PR_SET_TIMERSLACK, 1000UL);
  while (!s.stopping.load(std::memory_order_relaxed)) {
    std::size_t n = batch.receive(s.fd);
    if (s.gather.should_wait(GatherPolicy::Clock::now(), n)) {
      // Sleep, not spin: polling the socket would fight the client's CPU
      // for its receive-queue lock.
      std::this_thread::sleep_for(s.gather.options().wait);
      const std::size_t before = n;
      n = batch.receive_more(s.fd, n);
      s.gather.add(n - before);
    }
    if (n == 0) {
      const int e = batch.last_error();
      if ((e == EBADF || e == ENOTSOCK || e == EFAULT || e == EINVAL) && !s.stopping.load()) {
        s.log.error("dns: UDP receive failed; the listener stops", {{"error", std::strerror(e)}});
        return;
      }
      continue;  // interrupted, or a passing error (e.g. ENOMEM)
    }
    // One snapshot per batch: every query in it arrived before it was taken.
    s.responder.refresh(s.cache);
    for (std::size_t i = 0; i < n; ++i) {
      const Outcome o = s.responder.respond(batch.query(i), Transport::Udp, s.cache, batch.reply_buffer(i));
      if (o.kind == Decision::Kind::Answer) batch.set_reply(i, o.size);
      else if (o.kind == Decision::Kind::Forward) forward(state, i);
      if (debug)
        s.log.debug("udp query", {{"peer", batch.peer(i).address().to_string()},
                                  {"bytes", std::to_string(batch.query(i).size())},
                                  {"outcome", o.kind == Decision::Kind::Answer
                                                  ? "rcode " + std::to_string(batch.reply_buffer(i)[3] & 0x0F)
                                                  : o.kind == Decision::Kind::Forward ? "forward" : "drop"}});
    }
    batch.send(s.fd);
  }
}

// On the server's thread. Without recursors the refusal goes out at once;
// otherwise the forwarder's thread gets a copy of the query and sends the
// reply (or SERVFAIL) itself, without blocking: a full socket buffer drops
// it, as it would drop a query.
void UdpServer::forward(const std::shared_ptr<State>& s, std::size_t i) {
  std::vector<std::uint8_t> query(s->batch.query(i).begin(), s->batch.query(i).end());
  auto send = [s, peer = s->batch.peer(i), query](std::vector<std::uint8_t> reply) {
    if (reply.empty()) reply = s->responder.forward_failed(query);
    if (reply.empty() || s->stopping.load()) return;
    ::sendto(s->fd, reply.data(), reply.size(), MSG_DONTWAIT, peer.data(), static_cast<socklen_t>(peer.size()));
  };
  if (!s->forwarder) return send({});
  asio::post(s->io, [s, query = std::move(query), send = std::move(send)]() mutable {
    s->forwarder->forward(query, Transport::Udp, std::move(send));
  });
}

}  // namespace roster::dns
