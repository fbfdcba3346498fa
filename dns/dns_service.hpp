#pragma once
// DnsService: the agent's DNS listeners. `threads` workers, each with its own
// UDP socket and TCP acceptor on the same address and port (SO_REUSEPORT: the
// kernel spreads queries and connections over them) and two threads: one
// blocks on the UDP socket (UdpServer), one runs an io_context for TCP and
// the worker's forwarder. Each thread has its own answer cache. Nothing is
// shared between the threads but the immutable Responder and the registry
// snapshots.
#include <cstdint>
#include <memory>
#include <vector>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/responder.hpp"

namespace roster::dns {

// Thread safety: create(), start(), stop() and the destructor from one
// thread (the composition root's); port() from any.
class DnsService {
 public:
  // Binds every socket on `address`:`port` (0: a free port, the same for UDP
  // and TCP) with responder.config().threads threads (0: one per core), and
  // starts c-ares for the recursors. Fails with a clear message when a port
  // is taken, a recursor is invalid, or a recursor is this listener itself.
  static Result<std::unique_ptr<DnsService>> create(const Responder& responder, const asio::ip::address& address,
                                                    std::uint16_t port, Logger log);
  ~DnsService();
  DnsService(const DnsService&) = delete;
  DnsService& operator=(const DnsService&) = delete;

  std::uint16_t port() const { return port_; }
  std::size_t threads() const { return workers_.size(); }
  // Starts the threads; later calls do nothing.
  void start();
  // Closes every socket and joins the threads.
  void stop();

 private:
  struct Worker;
  DnsService() = default;

  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace roster::dns
