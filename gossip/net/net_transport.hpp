#pragma once
// NetTransport: the gossip::Transport of a real agent. One UDP socket and one
// TCP acceptor on the serf LAN port, both served by the protocol thread's
// io_context (the caller's), so everything here runs on that one thread.
//
//  - datagrams: sealed (or, without a key, wrapped in the plaintext
//    envelope) by gossip/crypto's DatagramSealer; received ones are opened by
//    its DatagramOpener, and anything that does not open (wrong key, replay,
//    another datacenter, corrupt) is dropped unparsed and counted;
//  - streams: TCP connect, hellos both ways, a crypto session
//    (gossip/crypto/stream.hpp), then one length-prefixed request frame and
//    one response frame. Each exchange has a deadline (stream_timeout);
//    concurrent inbound and outbound exchanges are capped; frame sizes are
//    capped by the crypto layer (4 MiB).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "gossip/crypto/datagram.hpp"
#include "gossip/crypto/keyring.hpp"
#include "gossip/crypto/stream.hpp"
#include "gossip/net/fault_hook.hpp"
#include "gossip/transport.hpp"

namespace roster::gossip::net {

// What the transport hands to the protocol (all on the protocol thread).
class Receiver {
 public:
  virtual ~Receiver() = default;
  virtual void on_datagram(const Address& from, std::span<const std::uint8_t> payload) = 0;
  // Empty answer: close without a reply.
  virtual std::vector<std::uint8_t> on_stream_request(const Address& from,
                                                      std::span<const std::uint8_t> request) = 0;
  virtual void on_stream_response(std::uint64_t id, Result<std::vector<std::uint8_t>> response) = 0;
};

struct TransportOptions {
  asio::ip::address bind_address = asio::ip::address_v4::any();
  std::uint16_t port = 8301;  // 0: any free port, the same for UDP and TCP
  crypto::ClusterContext context;
  std::uint64_t boot_id = 0;
  std::shared_ptr<crypto::KeyringStore> keys;  // empty ring: plaintext envelope
  Duration stream_timeout = std::chrono::seconds(10);
  std::size_t max_inbound_streams = 16;
  std::size_t max_outbound_streams = 32;
  FaultOptions fault;
};

// Counters readable from any thread. Bytes are payload at the socket layer
// (add 28 per datagram for the IPv4 and UDP headers).
struct TransportStats {
  std::atomic<std::uint64_t> udp_sent{0}, udp_sent_bytes{0}, udp_send_errors{0};
  std::atomic<std::uint64_t> udp_received{0}, udp_received_bytes{0}, udp_rejected{0};
  std::atomic<std::uint64_t> tcp_sent_bytes{0}, tcp_received_bytes{0};
  std::atomic<std::uint64_t> streams_out{0}, streams_in{0}, streams_refused{0}, stream_errors{0};
};

class NetTransport final : public Transport {
 public:
  // Binds both sockets; errors name the address and port.
  static Result<std::unique_ptr<NetTransport>> bind(asio::io_context& io, TransportOptions options, Logger log);
  ~NetTransport() override;
  NetTransport(const NetTransport&) = delete;
  NetTransport& operator=(const NetTransport&) = delete;

  // Starts receiving; call on (or before running) the protocol thread.
  void start(Receiver& receiver);
  // Closes the sockets; pending exchanges fail. Protocol thread only.
  void stop();
  std::uint16_t port() const { return port_; }

  // --- gossip::Transport (protocol thread) ---
  void send_datagram(const Address& to, std::span<const std::uint8_t> packet) override;
  void send_stream(const Address& to, std::uint64_t id, std::vector<std::uint8_t> request) override;

  const TransportStats& stats() const { return stats_; }
  crypto::OpenCounters open_counters() const { return opener_.counters(); }
  std::uint64_t fault_dropped() const { return fault_.dropped(); }
  std::size_t envelope_overhead() const { return sealer_.overhead(); }

 private:
  NetTransport(asio::io_context& io, TransportOptions options, Logger log);
  void receive();
  void on_received(std::size_t n);
  void accept();
  asio::awaitable<void> outbound(Address to, std::uint64_t id, std::vector<std::uint8_t> request);
  asio::awaitable<Result<std::vector<std::uint8_t>>> exchange(asio::ip::tcp::socket& socket, Address to,
                                                              const std::vector<std::uint8_t>& request);
  asio::awaitable<void> inbound(asio::ip::tcp::socket accepted);
  asio::awaitable<Status> serve(asio::ip::tcp::socket& socket, Address from);
  // Logs `what` at warn at most once per 10 s per `kind` (no log floods).
  void warn_limited(const std::string& kind, std::string_view what, std::initializer_list<LogField> fields);

  asio::io_context& io_;
  TransportOptions options_;
  Logger log_;
  asio::ip::udp::socket udp_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  crypto::DatagramSealer sealer_;
  crypto::DatagramOpener opener_;
  FaultHook fault_;
  Receiver* receiver_ = nullptr;
  bool stopped_ = false;
  std::vector<std::uint8_t> rx_;
  asio::ip::udp::endpoint rx_from_;
  std::vector<std::uint8_t> tx_;
  std::size_t inbound_active_ = 0, outbound_active_ = 0;
  std::map<std::string, TimePoint> last_warned_;
  TransportStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // sessions outliving us check it
};

// Conversions between the core's Address and Asio endpoints.
Address to_address(const asio::ip::address& ip, std::uint16_t port);
asio::ip::address to_ip(const Address& a);

}  // namespace roster::gossip::net
