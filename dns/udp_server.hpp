#pragma once
// UdpServer: receives DNS queries on one UDP socket and sends the Responder's
// replies. I/O only; it knows nothing about DNS.
#include <atomic>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/responder.hpp"

namespace roster::dns {

// Thread safety: start() and stop() may be called from any thread. The
// receive loop runs on the socket's strand. The Responder must outlive the
// io_context's run; the server object itself may be destroyed at any time
// (destruction stops it).
class UdpServer {
 public:
  // Opens and binds the socket (port 0 picks a free port). The error names
  // the endpoint and the system error.
  static Result<std::unique_ptr<UdpServer>> bind(asio::io_context& io,
                                                 const asio::ip::udp::endpoint& endpoint,
                                                 const Responder& responder, Logger log);
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

  std::shared_ptr<State> state_;
  std::uint16_t port_;
  std::atomic<bool> started_{false};
};

}  // namespace roster::dns
