// HttpClient against a one-shot raw HTTP server on 127.0.0.1 port 0.
#include "client/http_client.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace roster::client {
namespace {

// Accepts one connection, records the request head, answers `reply`.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), reply_(std::move(reply)) {
    thread_ = std::thread([this] {
      asio::ip::tcp::socket s(io_);
      acceptor_.accept(s);
      asio::streambuf buf;
      asio::read_until(s, buf, "\r\n\r\n");
      request_.assign(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
      asio::write(s, asio::buffer(reply_));
    });
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // The request head it received (waits for the server thread to finish).
  std::string take_request() {
    thread_.join();
    return request_;
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::string reply_;
  std::string request_;
  std::thread thread_;
};

}  // namespace

TEST(HttpClient, ReturnsStatusHeadersAndBodyAndSendsTheToken) {
  {
    OneShotServer server(
        "HTTP/1.1 200 OK\r\nX-Consul-Index: 42\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]");
    HttpClientConfig config;
    config.port = server.port();
    config.token = "secret";
    auto r = request_blocking(config, {"GET", "/v1/catalog/services?index=3", ""}, std::chrono::seconds(5));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("x-consul-index"), "42");
    EXPECT_EQ(r->body, "[]");
    const std::string head = server.take_request();
    EXPECT_EQ(head.rfind("GET /v1/catalog/services?index=3 HTTP/1.1\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("X-Consul-Token: secret\r\n"), std::string::npos) << head;
  }
}

TEST(HttpClient, ATransportFailureIsAnError) {
  std::uint16_t port;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  HttpClientConfig config;
  config.port = port;
  auto r = request_blocking(config, {"GET", "/", ""}, std::chrono::seconds(2));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("connect"), std::string::npos);
}

}  // namespace roster::client
