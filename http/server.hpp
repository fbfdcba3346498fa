#pragma once
// HttpServer: Beast over Asio coroutines. It only moves bytes and enforces
// limits (body size, read timeout, connections per client); Api does the rest.
// Blocking reads wait here, as a timer and a ChangeNotifier entry per request:
// no thread per request, and idle watchers cost a few kilobytes each.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>

#include "common/guarded.hpp"
#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "http/api.hpp"
#include "http/change_notifier.hpp"
#include "http/client_limits.hpp"

namespace roster::http {

struct HttpLimits {
  std::size_t body_limit = 1024 * 1024;            // larger bodies get 413
  std::chrono::seconds read_timeout{30};           // idle or slow clients are closed
  std::size_t max_connections = 1 << 20;           // beyond this: 503 and close (fds limit first)
  std::size_t max_conns_per_client = 200;          // beyond this: 429 and close; 0 = no limit
};

// Thread safety: start()/stop() from the owning thread; sessions run on
// per-connection strands of the io_context.
class HttpServer {
 public:
  // `notifier` null: blocking reads answer at once.
  static Result<std::unique_ptr<HttpServer>> bind(asio::io_context& io,
                                                  const asio::ip::tcp::endpoint& endpoint,
                                                  const Api& api, ChangeNotifier* notifier,
                                                  HttpLimits limits, Logger log);
  std::uint16_t port() const { return port_; }
  void start();
  void stop();

 private:
  enum class WaitOutcome { Woken, Timeout, PeerGone };

  HttpServer(asio::io_context& io, asio::ip::tcp::acceptor acceptor, const Api& api,
             ChangeNotifier* notifier, HttpLimits limits, Logger log);
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(asio::ip::tcp::socket socket);
  // Waits as `wait` says and answers `req` again; null when the client left.
  // Suspends this session (no thread held) until write `commit` is committed.
  asio::awaitable<Status> await_commit(asio::ip::tcp::socket& socket, std::uint64_t commit);
  asio::awaitable<std::shared_ptr<const Response>> block(asio::ip::tcp::socket& socket, Request& req, WaitSpec wait);
  asio::awaitable<WaitOutcome> await_change(asio::ip::tcp::socket& socket, const WaitSpec::Changed& changed,
                                            std::chrono::steady_clock::time_point deadline, bool watch_peer);
  double jitter();

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  const Api& api_;
  ChangeNotifier* notifier_;
  HttpLimits limits_;
  ClientLimits per_client_;
  Logger log_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> active_{0};
  Guarded<std::minstd_rand> rng_;
};

}  // namespace roster::http
