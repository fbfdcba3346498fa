// UdpBatch on real loopback sockets (datagrams sent on loopback are queued
// at the receiver before send returns, so nothing here waits), and the
// GatherPolicy that decides when a short batch waits for company.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "dns/gather_policy.hpp"
#include "dns/udp_batch.hpp"

namespace roster::dns::testing {
namespace {

using namespace std::chrono_literals;

// A bound blocking UDP socket on 127.0.0.1, closed at the end of the scope.
class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof addr_;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr_), &len);
    timeval tv{5, 0};  // a reply that never comes fails the test, not hangs it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Socket() { ::close(fd_); }
  int fd() const { return fd_; }
  std::uint16_t port() const { return ntohs(addr_.sin_port); }
  void send_to(const Socket& to, const std::string& text) const {
    ASSERT_EQ(::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&to.addr_), sizeof to.addr_),
              static_cast<ssize_t>(text.size()));
  }
  std::string receive() const {
    char buf[512];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? "" : std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  int fd_;
  sockaddr_in addr_{};
};

std::string text(std::span<const std::uint8_t> b) { return {b.begin(), b.end()}; }

// Writes "re:<query>" as reply i.
void reply(UdpBatch& batch, std::size_t i) {
  const std::string r = "re:" + text(batch.query(i));
  std::memcpy(batch.reply_buffer(i).data(), r.data(), r.size());
  batch.set_reply(i, r.size());
}

TEST(UdpBatch, ReceivesWhatIsWaitingAddsLaterArrivalsAndRepliesToEachSender) {
  Socket server, a, b;
  UdpBatch batch;
  a.send_to(server, "q1");
  b.send_to(server, "q2");
  ASSERT_EQ(batch.receive(server.fd()), 2u);
  EXPECT_EQ(text(batch.query(0)), "q1");
  EXPECT_EQ(batch.peer(1).port(), b.port());

  EXPECT_EQ(batch.receive_more(server.fd(), 2), 2u);  // nothing new: no wait
  a.send_to(server, "q3");
  b.send_to(server, "q4");
  ASSERT_EQ(batch.receive_more(server.fd(), 2), 4u);
  EXPECT_EQ(text(batch.query(2)), "q3");
  EXPECT_EQ(text(batch.query(3)), "q4");
  EXPECT_EQ(batch.peer(3).port(), b.port());

  for (std::size_t i = 0; i < 4; ++i)
    if (i != 1) reply(batch, i);  // a dropped query gets no reply
  batch.send(server.fd());
  EXPECT_EQ(a.receive(), "re:q1");
  EXPECT_EQ(a.receive(), "re:q3");
  EXPECT_EQ(b.receive(), "re:q4");
}

TEST(UdpBatch, ABatchHoldsAtMostKSize) {
  Socket server, client;
  UdpBatch batch;
  for (std::size_t i = 0; i < UdpBatch::kSize + 3; ++i) client.send_to(server, "q" + std::to_string(i));
  ASSERT_EQ(batch.receive(server.fd()), UdpBatch::kSize);
  EXPECT_EQ(batch.receive_more(server.fd(), UdpBatch::kSize), UdpBatch::kSize);
  ASSERT_EQ(batch.receive(server.fd()), 3u);  // the rest, in the next batch
  EXPECT_EQ(text(batch.query(2)), "q" + std::to_string(UdpBatch::kSize + 2));
}

TEST(UdpBatch, ReceiveReturnsAtOnceOnceTheSocketIsShutDown) {
  Socket server;  // nothing queued: without the shutdown this would block
  UdpBatch batch;
  ::shutdown(server.fd(), SHUT_RDWR);
  for (int i = 0; i < 2; ++i) {
    const std::size_t n = batch.receive(server.fd());
    ASSERT_LE(n, 1u);
    if (n == 1) {
      EXPECT_TRUE(batch.query(0).empty());
    }
    EXPECT_EQ(batch.last_error(), 0);
  }
}

// Feeds `per_batch`-query batches every `gap` for `span`; returns the last
// decision.
bool feed(GatherPolicy& p, GatherPolicy::Clock::time_point& now, std::chrono::microseconds gap,
          std::chrono::microseconds span, std::size_t per_batch) {
  bool last = false;
  for (auto t = 0us; t < span; t += gap) {
    last = p.should_wait(now, per_batch);
    now += gap;
  }
  return last;
}

TEST(GatherPolicy, WaitsOnlyForShortBatchesAtHeavyLoad) {
  GatherPolicy p;  // 100k q/s over 1 ms windows, fill to 8, 20 µs
  auto now = GatherPolicy::Clock::time_point{} + 1h;
  EXPECT_FALSE(p.should_wait(now, 1));  // a first query: at once

  // 20k q/s in batches of 2 (moderate load, as the benchmark's fixed rate): never.
  EXPECT_FALSE(feed(p, now, 100us, 5ms, 2));
  // 400k q/s in batches of 4: from the first full window on.
  EXPECT_TRUE(feed(p, now, 10us, 3ms, 4));
  EXPECT_FALSE(p.should_wait(now, 8));   // full enough: out at once
  EXPECT_FALSE(p.should_wait(now, 0));   // nothing received
  EXPECT_TRUE(p.should_wait(now, 7));

  // Load falls to 10k q/s: the next window says so.
  EXPECT_FALSE(feed(p, now, 100us, 3ms, 1));
  // After a quiet second, the first query is answered at once.
  now += 1s;
  EXPECT_FALSE(p.should_wait(now, 1));
}

TEST(GatherPolicy, CountsTheQueriesAWaitGathered) {
  GatherPolicy p;
  auto now = GatherPolicy::Clock::time_point{} + 1h;
  // 1 query per 20 µs is 50k q/s: not heavy...
  feed(p, now, 20us, 2ms, 1);
  EXPECT_FALSE(p.should_wait(now, 1));
  // ...but with 2 more joining each batch during its wait it is 150k q/s.
  for (auto t = 0us; t < 2ms; t += 20us) {
    p.should_wait(now, 1);
    p.add(2);
    now += 20us;
  }
  EXPECT_TRUE(p.should_wait(now, 1));
}

TEST(GatherPolicy, AZeroWaitNeverWaits) {
  GatherPolicy::Options o;
  o.wait = 0us;
  GatherPolicy p(o);
  auto now = GatherPolicy::Clock::time_point{} + 1h;
  EXPECT_FALSE(feed(p, now, 10us, 3ms, 4));
}

}  // namespace
}  // namespace roster::dns::testing
