#pragma once
// UdpServer: receives DNS queries on one UDP socket and sends the Responder's
// replies, a batch at a time (UdpBatch), on a thread of its own that blocks
// in recvmmsg(). I/O only; it knows nothing about DNS.
//
// Why a thread that blocks rather than the io_context's epoll: a socket in an
// epoll set runs epoll's callback (a lock, and a wake-up when the thread
// sleeps) for every datagram, on the sender's CPU. On loopback that sender is
// the client, so the callback's cost lands on the client's core; a socket
// read by a blocked or busy thread has no callback, and costs the sender
// nothing while the thread is busy (docs/performance.md, DNS).
#include <atomic>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/forwarder.hpp"
#include "dns/responder.hpp"
#include "dns/gather_policy.hpp"

namespace roster::dns {

struct UdpOptions {
  // SO_REUSEPORT: several sockets (one per thread) share the address.
  bool reuse_port = false;
  // When a short batch waits for more queries (a zero wait: never).
  GatherPolicy::Options gather;
};

// Thread safety: start() and stop() from one thread (the owner's). The
// server's thread answers with its own answer cache. Queries to forward are
// posted to `io`, the thread of `forwarder`, which sends their replies; `io`
// must be run by one thread. The Responder and the forwarder must outlive the
// server; the server may be destroyed at any time (destruction stops it).
class UdpServer {
 public:
  // Opens and binds the socket (port 0 picks a free port). The error names
  // the endpoint and the system error. `forwarder` null: no recursors
  // (Forward decisions are refused).
  static Result<std::unique_ptr<UdpServer>> bind(asio::io_context& io, const asio::ip::udp::endpoint& endpoint,
                                                 const Responder& responder, Forwarder* forwarder, Logger log,
                                                 UdpOptions options = {});
  ~UdpServer();
  UdpServer(const UdpServer&) = delete;
  UdpServer& operator=(const UdpServer&) = delete;

  // The bound port (the real one when 0 was asked for).
  std::uint16_t port() const { return port_; }
  // Starts the thread; later calls do nothing.
  void start();
  // Shuts the socket down and joins the thread. Replies to forwarded queries
  // that come back later are dropped.
  void stop();

 private:
  struct State;
  UdpServer(std::shared_ptr<State> state, std::uint16_t port);
  static void serve(const std::shared_ptr<State>& s);
  static void forward(const std::shared_ptr<State>& s, std::size_t i);

  std::shared_ptr<State> state_;
  std::uint16_t port_;
  std::atomic<bool> started_{false};
};

}  // namespace roster::dns
