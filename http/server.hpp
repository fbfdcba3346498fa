#pragma once
// HttpServer: Beast over Asio coroutines. It only moves bytes and enforces
// limits (body size, read timeout, connection count); Api does the rest.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "http/api.hpp"

namespace roster::http {

struct HttpLimits {
  std::size_t body_limit = 1024 * 1024;            // larger bodies get 413
  std::chrono::seconds read_timeout{30};           // idle or slow clients are closed
  std::size_t max_connections = 4096;              // beyond this: 503 and close
};

// Thread safety: start()/stop() from the owning thread; sessions run on
// per-connection strands of the io_context.
class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> bind(asio::io_context& io,
                                                  const asio::ip::tcp::endpoint& endpoint,
                                                  const Api& api, HttpLimits limits, Logger log);
  std::uint16_t port() const { return port_; }
  void start();
  void stop();

 private:
  HttpServer(asio::io_context& io, asio::ip::tcp::acceptor acceptor, const Api& api,
             HttpLimits limits, Logger log);
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(asio::ip::tcp::socket socket);

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  const Api& api_;
  HttpLimits limits_;
  Logger log_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> active_{0};
};

}  // namespace roster::http
