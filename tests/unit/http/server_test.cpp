// HttpServer on port 0: blocking reads wait on the notifier (no thread each),
// a client that leaves frees its watcher, and the per-client limit answers 429.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>

#include "common/clock.hpp"

namespace roster::http {
namespace {
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

// Polls `pred` until it holds or 10 s pass.
template <typename Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);  // the poll interval of a deadline-bounded wait
  }
  return true;
}

class ServerTest : public ::testing::Test {
 protected:
  SteadyClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id-1", "127.0.0.1", "dc1", {}}, clock.now()};
  ChangeNotifier notifier{reg.snapshot()};
  Api api{ApiContext{reg, clock, AgentInfo{"node1", "id-1", "dc1", "127.0.0.1", "0.1.0", "abc"}}};
  asio::io_context io;
  std::unique_ptr<HttpServer> server;
  std::thread runner;
  asio::io_context client_io;

  void start(HttpLimits limits) {
    reg.subscribe([this](const registry::Catalog&) { notifier.publish(reg.snapshot()); });
    auto s = HttpServer::bind(io, {asio::ip::make_address("127.0.0.1"), 0}, api, &notifier, limits,
                              Logger(std::make_shared<LogSink>(std::cerr, LogLevel::Warn), "http"));
    ASSERT_TRUE(s);
    server = std::move(*s);
    server->start();
    runner = std::thread([this] { io.run(); });
  }
  void TearDown() override {
    if (server) asio::post(io, [this] { server->stop(); });
    io.stop();
    if (runner.joinable()) runner.join();
  }

  tcp::socket connect() {
    tcp::socket s(client_io);
    s.connect({asio::ip::make_address("127.0.0.1"), server->port()});
    return s;
  }
  static void send(tcp::socket& s, const std::string& method, const std::string& target, const std::string& body = "") {
    const std::string req = method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::write(s, asio::buffer(req));
  }
  static bhttp::response<bhttp::string_body> receive(tcp::socket& s) {
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    return res;
  }
  bhttp::response<bhttp::string_body> request(const std::string& method, const std::string& target,
                                              const std::string& body = "") {
    auto s = connect();
    send(s, method, target, body);
    return receive(s);
  }
};

}  // namespace

TEST_F(ServerTest, ABlockingReadIsAnsweredByAChangeToItsServiceOnly) {
  start({});
  ASSERT_EQ(request("PUT", "/v1/agent/service/register", R"({"Name":"a"})").result_int(), 200);
  ASSERT_EQ(request("PUT", "/v1/agent/service/register", R"({"Name":"b"})").result_int(), 200);
  const std::string index(request("GET", "/v1/health/service/b")["X-Consul-Index"]);

  auto watcher = connect();
  send(watcher, "GET", "/v1/health/service/b?index=" + index + "&wait=60s");
  ASSERT_TRUE(eventually([&] { return notifier.watchers() == 1; }));

  ASSERT_EQ(request("PUT", "/v1/agent/service/register", R"({"Name":"a","Port":9})").result_int(), 200);
  // The change to `a` has been published (the write answered) and offered to the watcher.
  EXPECT_EQ(notifier.watchers(), 1u);
  EXPECT_EQ(watcher.available(), 0u);

  ASSERT_EQ(request("PUT", "/v1/agent/service/register", R"({"Name":"b","Port":9})").result_int(), 200);
  const auto res = receive(watcher);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_GT(std::stoull(std::string(res["X-Consul-Index"])), std::stoull(index));
  EXPECT_NE(res.body().find("\"Port\":9"), std::string::npos);
  EXPECT_EQ(notifier.watchers(), 0u);
}

TEST_F(ServerTest, AWatcherThatHangsUpIsForgotten) {
  start({});
  const std::string index(request("GET", "/v1/catalog/services")["X-Consul-Index"]);
  {
    auto watcher = connect();
    send(watcher, "GET", "/v1/catalog/services?index=" + index);
    ASSERT_TRUE(eventually([&] { return notifier.watchers() == 1; }));
  }  // closed
  EXPECT_TRUE(eventually([&] { return notifier.watchers() == 0; }));
  EXPECT_EQ(request("GET", "/v1/status/leader").result_int(), 200);
}

TEST_F(ServerTest, AClientOverItsConnectionLimitGets429AndOthersAreServed) {
  HttpLimits limits;
  limits.max_conns_per_client = 2;
  start(limits);
  auto c1 = connect();
  auto c2 = connect();
  for (auto* c : {&c1, &c2}) {  // a full exchange each, so both hold their slot
    send(*c, "GET", "/v1/status/leader");
    ASSERT_EQ(receive(*c).result_int(), 200);
  }
  const auto over = request("GET", "/v1/status/leader");
  EXPECT_EQ(over.result_int(), 429);
  EXPECT_NE(over.body().find("too many concurrent connections"), std::string::npos);
  EXPECT_NE(over.body().find("http_max_conns_per_client"), std::string::npos);
  c1.close();
  EXPECT_TRUE(eventually([&] { return request("GET", "/v1/status/leader").result_int() == 200; }));
}

TEST_F(ServerTest, ResponsesKeepTheirHeadersForGetHeadAndHttp10) {
  start({});
  ASSERT_EQ(request("PUT", "/v1/agent/service/register", R"({"Name":"web"})").result_int(), 200);
  auto s = connect();
  // Two reads on one connection (the second from the cache), then HEAD.
  send(s, "GET", "/v1/health/service/web");
  const auto first = receive(s);
  send(s, "GET", "/v1/health/service/web");
  const auto second = receive(s);
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(first.body(), second.body());
  EXPECT_EQ(first["Content-Type"], "application/json");
  EXPECT_EQ(first["Server"], "roster");
  EXPECT_EQ(first["X-Consul-KnownLeader"], "true");
  EXPECT_EQ(first["X-Consul-Effective-Consistency"], "leader");
  EXPECT_EQ(first["X-Consul-Index"], second["X-Consul-Index"]);
  EXPECT_EQ(first[bhttp::field::content_length], std::to_string(first.body().size()));
  EXPECT_TRUE(first.keep_alive());

  asio::write(s, asio::buffer(std::string("HEAD /v1/health/service/web HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buf;
  bhttp::response_parser<bhttp::empty_body> head;
  head.skip(true);  // a HEAD answer has a Content-Length but no body
  bhttp::read(s, buf, head);
  EXPECT_EQ(head.get()[bhttp::field::content_length], std::to_string(first.body().size()));
  send(s, "GET", "/v1/status/leader");  // nothing stray was sent after the HEAD answer
  EXPECT_EQ(receive(s).result_int(), 200);

  auto old = connect();
  asio::write(old, asio::buffer(std::string("GET /v1/status/leader HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")));
  const auto kept = receive(old);
  EXPECT_EQ(kept.version(), 10);
  EXPECT_EQ(kept[bhttp::field::connection], "keep-alive");
  auto closing = connect();
  asio::write(closing, asio::buffer(std::string("GET /v1/status/leader HTTP/1.1\r\nConnection: close\r\n\r\n")));
  EXPECT_EQ(receive(closing)[bhttp::field::connection], "close");
}

TEST_F(ServerTest, AnIdleConnectionIsClosedAfterTheReadTimeout) {
  HttpLimits limits;
  limits.read_timeout = std::chrono::seconds(1);
  start(limits);
  auto s = connect();
  send(s, "GET", "/v1/status/leader");
  ASSERT_EQ(receive(s).result_int(), 200);
  const auto t0 = std::chrono::steady_clock::now();
  char byte;
  boost::system::error_code ec;
  s.read_some(asio::buffer(&byte, 1), ec);  // returns when the agent closes
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

// The read timeout bounds the whole request, not each read: a client that
// trickles its headers a byte at a time is cut off too.
TEST_F(ServerTest, AClientTricklingItsRequestIsClosedAtTheReadTimeout) {
  HttpLimits limits;
  limits.read_timeout = std::chrono::seconds(1);
  start(limits);
  auto s = connect();
  const timeval limit{10, 0};  // never hang the test: a read that sees no close fails
  ASSERT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit), 0);
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;
  std::atomic<int> sent{0};
  std::thread trickle([&] {
    const std::string head = "GET /v1/status/leader HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
    for (char c : head) {  // never the final CRLF CRLF: the request is never complete
      boost::system::error_code ec;
      asio::write(s, asio::buffer(&c, 1), ec);
      if (ec) return;
      ++sent;
      // One byte every 50 ms, until the agent has closed the connection.
      std::unique_lock lk(mu);
      if (cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return closed; })) return;
    }
  });
  char byte;
  boost::system::error_code ec;
  s.read_some(asio::buffer(&byte, 1), ec);  // returns when the agent closes
  {
    std::lock_guard lk(mu);
    closed = true;
  }
  cv.notify_all();
  trickle.join();
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_GT(sent.load(), 0);
}

}  // namespace roster::http
