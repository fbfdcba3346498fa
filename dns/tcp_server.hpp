#pragma once
// TcpServer: DNS over TCP (RFC 1035 §4.2.2 / RFC 7766): 2-byte length
// framing, several queries per connection answered in order, an idle timeout
// and a cap on concurrent connections. I/O only.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/server_context.hpp"

namespace roster::dns {

struct TcpOptions {
  // A connection is closed when one query (read, answer, write) takes longer
  // than this, or when no query arrives within it.
  std::chrono::milliseconds idle_timeout{10'000};
  // Connections beyond this many are closed as soon as they are accepted.
  std::size_t max_connections = 512;
  // SO_REUSEPORT: several acceptors (one per thread) share the address.
  bool reuse_port = false;
};

// Thread safety: start() and stop() may be called from any thread. The
// acceptor and its connections run on the io_context, which must be run by
// one thread (the context's cache and forwarder are that thread's). The
// server object may be destroyed at any time (destruction stops it).
class TcpServer {
 public:
  static Result<std::unique_ptr<TcpServer>> bind(asio::io_context& io,
                                                 const asio::ip::tcp::endpoint& endpoint,
                                                 ServerContext context, Logger log,
                                                 TcpOptions options = {});
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  std::uint16_t port() const { return port_; }
  // Starts accepting; later calls do nothing.
  void start();
  // Closes the acceptor and every open connection.
  void stop();
  // Open connections right now (for tests and metrics).
  std::size_t connections() const;

 private:
  struct State;
  struct Connection;
  TcpServer(std::shared_ptr<State> state, std::uint16_t port);

  static asio::awaitable<void> async_accept_loop(std::shared_ptr<State> s);
  static asio::awaitable<void> async_serve(std::shared_ptr<State> s, std::shared_ptr<Connection> c);
  static asio::awaitable<void> async_watchdog(std::shared_ptr<Connection> c);

  std::shared_ptr<State> state_;
  std::uint16_t port_;
  std::atomic<bool> started_{false};
};

}  // namespace roster::dns
