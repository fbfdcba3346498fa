// UdpServer and TcpServer on 127.0.0.1 port 0, with real sockets. Waits have
// deadlines; nothing sleeps.
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "common/net.hpp"
#include "dns/tcp_server.hpp"
#include "dns/udp_server.hpp"
#include "dns_test_support.hpp"

namespace roster::dns::testing {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using asio::ip::udp;
using Bytes = std::vector<std::uint8_t>;

constexpr auto kDeadline = 5s;

// Runs the servers' io_context on its own thread; run() returns once both
// servers are stopped, which is what "stops cleanly" means.
class ServerThread {
 public:
  explicit ServerThread(asio::io_context& io) : io_(io) {
    done_ = finished_.get_future();
    thread_ = std::thread([this] {
      io_.run();
      finished_.set_value();
    });
  }
  ~ServerThread() {
    if (thread_.joinable()) {
      io_.stop();
      thread_.join();
    }
  }
  bool finishes_within(std::chrono::seconds d) {
    const bool ok = done_.wait_for(d) == std::future_status::ready;
    if (!ok) io_.stop();
    thread_.join();
    return ok;
  }

 private:
  asio::io_context& io_;
  std::promise<void> finished_;
  std::future<void> done_;
  std::thread thread_;
};

struct Servers {
  Harness harness;
  asio::io_context io;
  AnswerCache cache;
  std::unique_ptr<UdpServer> udp;
  std::unique_ptr<TcpServer> tcp;

  explicit Servers(TcpOptions opts = {}) {
    const auto loopback = asio::ip::make_address("127.0.0.1");
    auto u = UdpServer::bind(io, {loopback, 0}, harness.responder(), nullptr, null_logger());
    auto t = TcpServer::bind(io, {loopback, 0}, context(), null_logger(), opts);
    if (!u || !t) throw std::runtime_error("bind failed");
    udp = std::move(u.value());
    tcp = std::move(t.value());
    udp->start();
    tcp->start();
  }
  ServerContext context() { return {harness.responder(), cache, nullptr}; }
};

// Runs `io` until `done` is true or the deadline passes.
template <typename Pred>
bool run_until(asio::io_context& io, Pred done) {
  const auto end = std::chrono::steady_clock::now() + kDeadline;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(50ms);
  }
  return done();
}

Bytes udp_exchange(std::uint16_t port, const Bytes& query) {
  asio::io_context io;
  udp::socket sock(io, udp::endpoint(udp::v4(), 0));
  sock.send_to(asio::buffer(query), {asio::ip::make_address("127.0.0.1"), port});
  Bytes reply(65535);
  bool got = false;
  udp::endpoint from;
  sock.async_receive_from(asio::buffer(reply), from, [&](boost::system::error_code ec, std::size_t n) {
    if (!ec) reply.resize(n);
    got = !ec;
  });
  EXPECT_TRUE(run_until(io, [&] { return got; }));
  if (!got) return {};
  return reply;
}

Bytes framed(const Bytes& msg) {
  Bytes out(2 + msg.size());
  out[0] = static_cast<std::uint8_t>(msg.size() >> 8);
  out[1] = static_cast<std::uint8_t>(msg.size());
  std::copy(msg.begin(), msg.end(), out.begin() + 2);
  return out;
}

// Reads one length-prefixed message, with a deadline.
Bytes tcp_read_one(asio::io_context& io, tcp::socket& sock) {
  std::array<std::uint8_t, 2> len{};
  Bytes msg;
  bool done = false;
  asio::async_read(sock, asio::buffer(len), [&](boost::system::error_code ec, std::size_t) {
    if (ec) {
      done = true;
      return;
    }
    msg.resize(static_cast<std::size_t>(len[0] << 8 | len[1]));
    asio::async_read(sock, asio::buffer(msg), [&](boost::system::error_code ec2, std::size_t) {
      if (ec2) msg.clear();
      done = true;
    });
  });
  EXPECT_TRUE(run_until(io, [&] { return done; }));
  return msg;
}

TEST(Servers, UdpAndTcpAnswerAndStopCleanly) {
  Servers s;
  EXPECT_NE(s.udp->port(), 0);
  EXPECT_NE(s.tcp->port(), 0);
  ServerThread thread(s.io);

  const Bytes q1 = make_query("web.service.consul.", LDNS_RR_TYPE_A);
  const Reply udp_reply = parse_reply(udp_exchange(s.udp->port(), q1));
  ASSERT_TRUE(udp_reply.pkt);
  EXPECT_EQ(udp_reply.answer().size(), 2u);

  // TCP: two queries written back to back on one connection.
  asio::io_context cio;
  tcp::socket sock(cio);
  sock.connect({asio::ip::make_address("127.0.0.1"), s.tcp->port()});
  QueryOptions second;
  second.id = 7;
  Bytes both = framed(q1);
  const Bytes f2 = framed(make_query("node1.node.consul.", LDNS_RR_TYPE_A, second));
  both.insert(both.end(), f2.begin(), f2.end());
  asio::write(sock, asio::buffer(both));
  const Reply r1 = parse_reply(tcp_read_one(cio, sock));
  const Reply r2 = parse_reply(tcp_read_one(cio, sock));
  ASSERT_TRUE(r1.pkt);
  ASSERT_TRUE(r2.pkt);
  EXPECT_EQ(ldns_pkt_id(r1.pkt.get()), 4242);
  EXPECT_EQ(ldns_pkt_id(r2.pkt.get()), 7);
  EXPECT_EQ(r2.answer().size(), 1u);

  // A bad length (shorter than a header) closes the connection.
  const Bytes bad{0, 3, 1, 2, 3};
  asio::write(sock, asio::buffer(bad));
  EXPECT_TRUE(tcp_read_one(cio, sock).empty());

  s.udp->stop();
  s.tcp->stop();
  EXPECT_TRUE(thread.finishes_within(kDeadline));
}

TEST(Servers, UdpRefusesNamesOutsideTheDomainWithoutRecursors) {
  Servers s;
  ServerThread thread(s.io);
  // A Forward decision with no forwarder: the UDP thread refuses it itself.
  const Reply r = parse_reply(udp_exchange(s.udp->port(), make_query("example.com.", LDNS_RR_TYPE_A)));
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED);
  s.udp->stop();
  s.tcp->stop();
  EXPECT_TRUE(thread.finishes_within(kDeadline));
}

TEST(Servers, UdpStopsBeforeStartAndOnlyOnce) {
  Harness harness;
  asio::io_context io;
  auto u = UdpServer::bind(io, {asio::ip::make_address("127.0.0.1"), 0}, harness.responder(), nullptr, null_logger());
  ASSERT_TRUE(u);
  auto& udp = *u.value();
  udp.stop();
  udp.start();  // after stop: the thread finds it stopped and ends
  udp.stop();   // joins it
  udp.stop();
}

TEST(Servers, TcpClosesIdleConnectionsAndStopsWithOpenOnes) {
  TcpOptions opts;
  opts.idle_timeout = 100ms;
  Servers s(opts);
  ServerThread thread(s.io);
  asio::io_context cio;
  tcp::socket idle(cio);
  idle.connect({asio::ip::make_address("127.0.0.1"), s.tcp->port()});
  EXPECT_TRUE(tcp_read_one(cio, idle).empty());  // EOF once the idle timeout fires

  tcp::socket open(cio);
  open.connect({asio::ip::make_address("127.0.0.1"), s.tcp->port()});
  EXPECT_TRUE(run_until(cio, [&] { return s.tcp->connections() >= 1; }));
  s.udp->stop();
  s.tcp->stop();
  EXPECT_TRUE(thread.finishes_within(kDeadline));
}

TEST(Servers, TcpRefusesConnectionsOverTheCap) {
  TcpOptions opts;
  opts.max_connections = 1;
  Servers s(opts);
  ServerThread thread(s.io);
  asio::io_context cio;
  tcp::socket first(cio);
  first.connect({asio::ip::make_address("127.0.0.1"), s.tcp->port()});
  EXPECT_TRUE(run_until(cio, [&] { return s.tcp->connections() == 1; }));
  tcp::socket second(cio);
  second.connect({asio::ip::make_address("127.0.0.1"), s.tcp->port()});
  EXPECT_TRUE(tcp_read_one(cio, second).empty());  // closed straight away
  asio::write(first, asio::buffer(framed(make_query("web.service.consul.", LDNS_RR_TYPE_A))));
  EXPECT_FALSE(tcp_read_one(cio, first).empty());
  s.udp->stop();
  s.tcp->stop();
  EXPECT_TRUE(thread.finishes_within(kDeadline));
}

TEST(Servers, BindFailureIsAnError) {
  Servers s;
  const auto loopback = asio::ip::make_address("127.0.0.1");
  auto again = UdpServer::bind(s.io, {loopback, s.udp->port()}, s.harness.responder(), nullptr, null_logger());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("bind"), std::string::npos);
  auto tcp_again = TcpServer::bind(s.io, {loopback, s.tcp->port()}, s.context(), null_logger());
  EXPECT_FALSE(tcp_again);
  s.udp->stop();
  s.tcp->stop();
  s.io.run_for(1s);
}

}  // namespace
}  // namespace roster::dns::testing
