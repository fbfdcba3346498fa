#pragma once
// UdpServer: receives DNS queries on one UDP socket and sends the Responder's
// replies, a batch at a time (UdpBatch). I/O only; it knows nothing about DNS.
#include <atomic>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/server_context.hpp"

namespace roster::dns {

struct UdpOptions {
  // SO_REUSEPORT: several sockets (one per thread) share the address.
  bool reuse_port = false;
};

// Thread safety: start() and stop() may be called from any thread. The
// receive loop runs on the io_context, which must be run by one thread (the
// context's cache and forwarder are that thread's). The server object may be
// destroyed at any time (destruction stops it).
class UdpServer {
 public:
  // Opens and binds the socket (port 0 picks a free port). The error names
  // the endpoint and the system error.
  static Result<std::unique_ptr<UdpServer>> bind(asio::io_context& io, const asio::ip::udp::endpoint& endpoint,
                                                 ServerContext context, Logger log, UdpOptions options = {});
  ~UdpServer();
  UdpServer(const UdpServer&) = delete;
  UdpServer& operator=(const UdpServer&) = delete;

  // The bound port (the real one when 0 was asked for).
  std::uint16_t port() const { return port_; }
  // Starts serving; later calls do nothing.
  void start();
  // Closes the socket; the receive loop ends with operation_aborted.
  void stop();

 private:
  struct State;
  UdpServer(std::shared_ptr<State> state, std::uint16_t port);
  static asio::awaitable<void> async_serve(std::shared_ptr<State> s);
  static void forward(const std::shared_ptr<State>& s, std::size_t i);

  std::shared_ptr<State> state_;
  std::uint16_t port_;
  std::atomic<bool> started_{false};
};

}  // namespace roster::dns
