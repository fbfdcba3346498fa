// Two NetTransports on loopback, driven by one io_context: datagrams and
// streams go through real sockets and the crypto envelope.
#include "gossip/net/net_transport.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "gossip/crypto/datagram.hpp"

namespace roster::gossip::net {
namespace {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

struct Recorder : Receiver {
  std::vector<Bytes> datagrams;
  std::vector<Bytes> requests;
  std::optional<Result<Bytes>> response;
  Bytes answer{'o', 'k'};
  void on_datagram(const Address&, std::span<const std::uint8_t> p) override { datagrams.emplace_back(p.begin(), p.end()); }
  Bytes on_stream_request(const Address&, std::span<const std::uint8_t> r) override {
    requests.emplace_back(r.begin(), r.end());
    return answer;
  }
  void on_stream_response(std::uint64_t, Result<Bytes> r) override { response = std::move(r); }
};

std::shared_ptr<crypto::KeyringStore> ring(std::optional<std::string> key) {
  if (!key) return std::make_shared<crypto::KeyringStore>();
  return std::make_shared<crypto::KeyringStore>(*crypto::Keyring::from_keys({*crypto::Key::parse(*key)}));
}

const std::string kKeyA = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=";
const std::string kKeyB = "H1dVvtI2w5RiH8TBEH0e1/IbHUnqhGSdfpMc2Jy6FYU=";

class NetTransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<NetTransport> make(std::optional<std::string> key, Recorder& r, FaultOptions fault = {}) {
    TransportOptions o;
    o.bind_address = asio::ip::make_address("127.0.0.1");
    o.port = 0;
    o.boot_id = crypto::new_boot_id();
    o.keys = ring(std::move(key));
    o.stream_timeout = 2s;
    o.fault = fault;
    auto t = NetTransport::bind(io, o, null_logger());
    EXPECT_TRUE(t) << t.error().message;
    (*t)->start(r);
    return std::move(*t);
  }
  Address addr(const NetTransport& t) { return Address::v4(127, 0, 0, 1, t.port()); }
  void run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) io.run_one_for(50ms);
  }
  asio::io_context io;
};

TEST_F(NetTransportTest, DatagramsAndStreamsArriveSealed) {
  Recorder ra, rb;
  auto a = make(kKeyA, ra);
  auto b = make(kKeyA, rb);
  const Bytes ping{1, 2, 3};
  a->send_datagram(addr(*b), ping);
  run_until([&] { return !rb.datagrams.empty(); });
  ASSERT_EQ(rb.datagrams.size(), 1u);
  EXPECT_EQ(rb.datagrams[0], ping);
  EXPECT_GT(a->stats().udp_sent_bytes.load(), ping.size() + 16);  // the envelope

  a->send_stream(addr(*b), 7, Bytes{'h', 'i'});
  run_until([&] { return ra.response.has_value(); });
  ASSERT_TRUE(ra.response && *ra.response) << ra.response->error().message;
  EXPECT_EQ(**ra.response, (Bytes{'o', 'k'}));
  EXPECT_EQ(rb.requests.at(0), (Bytes{'h', 'i'}));
}

TEST_F(NetTransportTest, WrongKeyAndMissingKeyAreDroppedAndExplained) {
  Recorder ra, rb, rc;
  auto a = make(kKeyA, ra);
  auto b = make(kKeyB, rb);
  auto c = make(std::nullopt, rc);
  a->send_datagram(addr(*b), Bytes{9});
  a->send_datagram(addr(*c), Bytes{9});
  run_until([&] { return b->stats().udp_rejected.load() == 1 && c->stats().udp_rejected.load() == 1; });
  EXPECT_TRUE(rb.datagrams.empty());
  EXPECT_TRUE(rc.datagrams.empty());

  a->send_stream(addr(*b), 1, Bytes{1});
  run_until([&] { return ra.response.has_value(); });
  ASSERT_TRUE(ra.response && !*ra.response);
  EXPECT_NE(ra.response->error().message.find("no gossip key in common"), std::string::npos)
      << ra.response->error().message;
  c->send_stream(addr(*a), 2, Bytes{1});
  run_until([&] { return rc.response.has_value(); });
  ASSERT_TRUE(rc.response && !*rc.response);
  EXPECT_NE(rc.response->error().message.find("has no gossip encryption key"), std::string::npos);
  EXPECT_TRUE(ra.requests.empty());
}

TEST_F(NetTransportTest, UnreachablePeerFailsTheStreamAndFaultHookDrops) {
  Recorder ra, rb;
  auto a = make(std::nullopt, ra, FaultOptions{1.0, Duration::zero(), 1});
  auto b = make(std::nullopt, rb);
  a->send_datagram(addr(*b), Bytes{1});
  EXPECT_EQ(a->fault_dropped(), 1u);
  EXPECT_EQ(a->stats().udp_sent.load(), 0u);
  const std::uint16_t closed = b->port();
  b->stop();
  b.reset();
  a->send_stream(Address::v4(127, 0, 0, 1, closed), 3, Bytes{1});
  run_until([&] { return ra.response.has_value(); });
  ASSERT_TRUE(ra.response && !*ra.response);
  EXPECT_NE(ra.response->error().message.find("127.0.0.1"), std::string::npos);
}

TEST_F(NetTransportTest, JunkOnTheStreamPortIsRefused) {
  Recorder ra;
  auto a = make(std::nullopt, ra);
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), a->port()});
  const std::string junk = "GET / HTTP/1.1\r\n\r\n";
  asio::write(s, asio::buffer(junk));
  run_until([&] { return a->stats().stream_errors.load() == 1; });
  EXPECT_EQ(a->stats().stream_errors.load(), 1u);
  EXPECT_TRUE(ra.requests.empty());
}

}  // namespace
}  // namespace roster::gossip::net
