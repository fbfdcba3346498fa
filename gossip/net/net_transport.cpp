#include "gossip/net/net_transport.hpp"

#include <algorithm>
#include <cstring>

namespace roster::gossip::net {

using asio::redirect_error;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::size_t kMaxHelloBody = 1024;
constexpr std::size_t kReceiveBuffer = 64 * 1024;
constexpr int kSocketBuffer = 2 * 1024 * 1024;  // as memberlist asks
constexpr auto kWarnEvery = std::chrono::seconds(10);

// Reads one `u32 length | body` frame. `hello`: the unsealed hello, with its
// own small cap; otherwise the crypto layer's frame cap applies.
asio::awaitable<Result<Bytes>> read_frame(tcp::socket& socket, bool hello, bool encrypted,
                                          std::atomic<std::uint64_t>& counter) {
  std::uint8_t prefix[4];
  boost::system::error_code ec;
  co_await asio::async_read(socket, asio::buffer(prefix), redirect_error(use_awaitable, ec));
  if (ec == asio::error::eof) co_return Error{ErrorCode::Internal, "the peer closed the connection"};
  if (ec) co_return Error{ErrorCode::Internal, ec.message()};
  std::uint32_t length = 0;
  if (hello) {
    length = static_cast<std::uint32_t>(crypto::get_be(prefix, 4));
    if (length == 0 || length > kMaxHelloBody) co_return invalid("not a gossip stream (bad hello length)");
  } else {
    auto parsed = crypto::parse_frame_length(crypto::ByteView(prefix, 4), encrypted);
    if (!parsed) co_return parsed.error();
    length = *parsed;
  }
  Bytes body(length);
  co_await asio::async_read(socket, asio::buffer(body), redirect_error(use_awaitable, ec));
  if (ec) co_return Error{ErrorCode::Internal, ec == asio::error::eof ? "the peer closed the connection" : ec.message()};
  counter.fetch_add(4 + length, std::memory_order_relaxed);
  co_return body;
}

asio::awaitable<Status> write_all(tcp::socket& socket, const Bytes& bytes, std::atomic<std::uint64_t>& counter) {
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(bytes), redirect_error(use_awaitable, ec));
  if (ec) co_return Error{ErrorCode::Internal, ec.message()};
  counter.fetch_add(bytes.size(), std::memory_order_relaxed);
  co_return ok();
}

}  // namespace

Address to_address(const asio::ip::address& ip, std::uint16_t port) {
  Address a;
  a.port = port;
  asio::ip::address addr = ip;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  if (addr.is_v4()) {
    const auto b = addr.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
    a.family = 4;
  } else {
    const auto b = addr.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
    a.family = 6;
  }
  return a;
}

asio::ip::address to_ip(const Address& a) {
  if (a.family == 6) {
    asio::ip::address_v6::bytes_type b;
    std::copy_n(a.ip.begin(), 16, b.begin());
    return asio::ip::address_v6(b);
  }
  asio::ip::address_v4::bytes_type b;
  std::copy_n(a.ip.begin(), 4, b.begin());
  return asio::ip::address_v4(b);
}

NetTransport::NetTransport(asio::io_context& io, TransportOptions options, Logger log)
    : io_(io),
      options_(std::move(options)),
      log_(std::move(log)),
      udp_(io),
      acceptor_(io),
      sealer_(options_.keys, crypto::SealerOptions{options_.context, options_.boot_id, true}),
      opener_(options_.keys, crypto::OpenerOptions{options_.context}),
      fault_(options_.fault),
      rx_(kReceiveBuffer) {}

NetTransport::~NetTransport() { *alive_ = false; }

Result<std::unique_ptr<NetTransport>> NetTransport::bind(asio::io_context& io, TransportOptions options,
                                                         Logger log) {
  std::unique_ptr<NetTransport> t(new NetTransport(io, options, std::move(log)));
  const std::string where = options.bind_address.to_string();
  std::string last_error;
  // Port 0: the kernel picks the UDP port; TCP must get the same one, which
  // another process may hold, so try a few.
  for (int attempt = 0; attempt < (options.port == 0 ? 16 : 1); ++attempt) {
    boost::system::error_code ec;
    udp::socket u(io);
    tcp::acceptor a(io);
    u.open(options.bind_address.is_v6() ? udp::v6() : udp::v4(), ec);
    if (!ec) u.bind({options.bind_address, options.port}, ec);
    if (ec) {
      last_error = "gossip: cannot bind UDP " + where + ":" + std::to_string(options.port) + ": " + ec.message();
      continue;
    }
    const std::uint16_t port = u.local_endpoint().port();
    a.open(options.bind_address.is_v6() ? tcp::v6() : tcp::v4(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind({options.bind_address, port}, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      last_error = "gossip: cannot bind TCP " + where + ":" + std::to_string(port) + ": " + ec.message();
      continue;
    }
    boost::system::error_code ignored;
    u.set_option(asio::socket_base::receive_buffer_size(kSocketBuffer), ignored);
    u.non_blocking(true, ignored);
    t->udp_ = std::move(u);
    t->acceptor_ = std::move(a);
    t->port_ = port;
    return t;
  }
  return invalid(last_error);
}

void NetTransport::start(Receiver& receiver) {
  receiver_ = &receiver;
  receive();
  accept();
}

void NetTransport::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  udp_.close(ignored);
  acceptor_.close(ignored);
}

void NetTransport::warn_limited(const std::string& kind, std::string_view what,
                                std::initializer_list<LogField> fields) {
  const TimePoint now = SteadyClockType::now();
  auto it = last_warned_.find(kind);
  if (it != last_warned_.end() && now - it->second < kWarnEvery) return;
  last_warned_[kind] = now;
  log_.warn(what, fields);
}

// --- datagrams ----------------------------------------------------------------

void NetTransport::send_datagram(const Address& to, std::span<const std::uint8_t> packet) {
  if (stopped_) return;
  if (fault_.drop_datagram()) return;  // test-only loss (fault_hook.hpp)
  tx_.clear();
  if (auto st = sealer_.seal(crypto::ByteView(packet.data(), packet.size()), tx_); !st) {
    warn_limited("seal", "cannot seal a gossip packet", {{"error", st.error().message}});
    return;
  }
  boost::system::error_code ec;
  udp_.send_to(asio::buffer(tx_), udp::endpoint(to_ip(to), to.port), 0, ec);
  if (ec) {
    stats_.udp_send_errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stats_.udp_sent.fetch_add(1, std::memory_order_relaxed);
  stats_.udp_sent_bytes.fetch_add(tx_.size(), std::memory_order_relaxed);
}

void NetTransport::receive() {
  udp_.async_receive_from(asio::buffer(rx_), rx_from_, [this, alive = alive_](const boost::system::error_code& ec,
                                                                              std::size_t n) {
    if (!*alive || stopped_ || ec == asio::error::operation_aborted) return;
    if (!ec) on_received(n);
    receive();
  });
}

void NetTransport::on_received(std::size_t n) {
  stats_.udp_received.fetch_add(1, std::memory_order_relaxed);
  stats_.udp_received_bytes.fetch_add(n, std::memory_order_relaxed);
  Bytes payload;
  crypto::PacketInfo info;
  const auto status = opener_.open(crypto::ByteView(rx_.data(), n), payload, &info);
  const Address from = to_address(rx_from_.address(), rx_from_.port());
  if (status != crypto::OpenStatus::Ok) {
    stats_.udp_rejected.fetch_add(1, std::memory_order_relaxed);
    warn_limited(std::string(crypto::to_string(status)), "dropped a gossip packet that does not open",
                 {{"from", from.to_string()}, {"reason", std::string(crypto::to_string(status))},
                  {"detail", opener_.explain(status, info)}});
    return;
  }
  receiver_->on_datagram(from, payload);
}

// --- outbound streams -----------------------------------------------------------

void NetTransport::send_stream(const Address& to, std::uint64_t id, std::vector<std::uint8_t> request) {
  if (stopped_ || outbound_active_ >= options_.max_outbound_streams) {
    stats_.streams_refused.fetch_add(1, std::memory_order_relaxed);
    // Never answer inside the caller's entry point: post the failure.
    asio::post(io_, [this, alive = alive_, id] {
      if (*alive && !stopped_)
        receiver_->on_stream_response(id, Error{ErrorCode::Internal, "too many gossip streams in flight"});
    });
    return;
  }
  ++outbound_active_;
  stats_.streams_out.fetch_add(1, std::memory_order_relaxed);
  asio::co_spawn(io_, outbound(to, id, std::move(request)), asio::detached);
}

asio::awaitable<void> NetTransport::outbound(Address to, std::uint64_t id, std::vector<std::uint8_t> request) {
  auto alive = alive_;
  auto socket = std::make_shared<tcp::socket>(io_);
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer guard(io_, SteadyClockType::now() + options_.stream_timeout);
  guard.async_wait([socket, timed_out](const boost::system::error_code& e) {
    if (e) return;
    *timed_out = true;
    boost::system::error_code ignored;
    socket->close(ignored);
  });
  auto result = co_await exchange(*socket, to, request);
  guard.cancel();
  boost::system::error_code ignored;
  socket->close(ignored);
  if (!*alive) co_return;
  --outbound_active_;
  if (*timed_out) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.stream_timeout).count();
    result = Error{ErrorCode::Internal, "i/o timeout after " + std::to_string(ms) + "ms"};
  }
  if (!result) {
    stats_.stream_errors.fetch_add(1, std::memory_order_relaxed);
    result = Error{result.error().code, "tcp " + to.to_string() + ": " + result.error().message};
  }
  if (!stopped_) receiver_->on_stream_response(id, std::move(result));
}

asio::awaitable<Result<Bytes>> NetTransport::exchange(tcp::socket& socket, Address to, const Bytes& request) {
  boost::system::error_code ec;
  const tcp::endpoint endpoint(to_ip(to), to.port);
  co_await socket.async_connect(endpoint, redirect_error(use_awaitable, ec));
  if (ec) co_return Error{ErrorCode::Internal, ec.message()};
  socket.set_option(tcp::no_delay(true), ec);

  const auto ring = options_.keys->snapshot();
  const crypto::StreamHello mine = crypto::make_hello(*ring, options_.context, options_.boot_id, !ring->empty());
  const Bytes hello = crypto::encode_hello_frame(mine);
  if (auto st = co_await write_all(socket, hello, stats_.tcp_sent_bytes); !st) co_return st.error();
  auto body = co_await read_frame(socket, true, false, stats_.tcp_received_bytes);
  if (!body) co_return body.error();
  auto peer = crypto::decode_hello(*body);
  if (!peer) co_return invalid("not a roster gossip peer: " + peer.error().message);
  if (peer->encrypted && ring->empty())
    co_return invalid("the peer encrypts gossip and this agent has no gossip encryption key: start it "
                      "with -encrypt and the cluster's key");
  const crypto::StreamPolicy policy{options_.context, true};
  auto session = crypto::establish_session(*ring, policy, crypto::StreamRole::Client, mine, *peer);
  if (!session) co_return invalid("gossip encryption: " + session.error().message);

  Bytes frame;
  if (auto st = session->sealer.seal(crypto::ByteView(request.data(), request.size()), frame); !st)
    co_return st.error();
  if (auto st = co_await write_all(socket, frame, stats_.tcp_sent_bytes); !st) co_return st.error();
  auto reply = co_await read_frame(socket, false, session->encrypted, stats_.tcp_received_bytes);
  if (!reply) co_return reply.error();
  Bytes payload;
  if (auto st = session->opener.open(crypto::ByteView(reply->data(), reply->size()), payload); !st)
    co_return invalid("gossip reply does not authenticate: " + st.error().message);
  co_return payload;
}

// --- inbound streams --------------------------------------------------------------

void NetTransport::accept() {
  acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec, tcp::socket socket) {
    if (!*alive || stopped_ || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (inbound_active_ >= options_.max_inbound_streams) {
        stats_.streams_refused.fetch_add(1, std::memory_order_relaxed);
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        ++inbound_active_;
        stats_.streams_in.fetch_add(1, std::memory_order_relaxed);
        asio::co_spawn(io_, inbound(std::move(socket)), asio::detached);
      }
    }
    accept();
  });
}

asio::awaitable<void> NetTransport::inbound(tcp::socket accepted) {
  auto alive = alive_;
  auto held = std::make_shared<tcp::socket>(std::move(accepted));
  tcp::socket& socket = *held;
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const Address from = ec ? Address{} : to_address(remote.address(), remote.port());
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer guard(io_, SteadyClockType::now() + options_.stream_timeout);
  guard.async_wait([held, timed_out](const boost::system::error_code& e) {
    if (e) return;
    *timed_out = true;
    boost::system::error_code ignored;
    held->cancel(ignored);
  });
  const Status st = co_await serve(socket, from);
  guard.cancel();
  boost::system::error_code ignored;
  socket.close(ignored);
  if (!*alive) co_return;
  --inbound_active_;
  if (!st) {
    stats_.stream_errors.fetch_add(1, std::memory_order_relaxed);
    warn_limited("stream:" + st.error().message.substr(0, 40), "gossip stream failed",
                 {{"from", from.to_string()}, {"error", *timed_out ? "i/o timeout" : st.error().message}});
  }
}

asio::awaitable<Status> NetTransport::serve(tcp::socket& socket, Address from) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto body = co_await read_frame(socket, true, false, stats_.tcp_received_bytes);
  if (!body) co_return body.error();
  auto peer = crypto::decode_hello(*body);
  if (!peer) co_return invalid("not a roster gossip peer: " + peer.error().message);
  // Our hello goes out before we judge theirs, so the client can tell
  // precisely why a session fails (e.g. it has no key and we encrypt).
  const auto ring = options_.keys->snapshot();
  const crypto::StreamHello mine = crypto::make_hello(*ring, options_.context, options_.boot_id, !ring->empty());
  const Bytes hello = crypto::encode_hello_frame(mine);
  if (auto st = co_await write_all(socket, hello, stats_.tcp_sent_bytes); !st) co_return st;
  const crypto::StreamPolicy policy{options_.context, true};
  auto session = crypto::establish_session(*ring, policy, crypto::StreamRole::Server, mine, *peer);
  if (!session) co_return invalid("refused a gossip stream: " + session.error().message);
  auto request = co_await read_frame(socket, false, session->encrypted, stats_.tcp_received_bytes);
  if (!request) co_return request.error();
  Bytes payload;
  if (auto st = session->opener.open(crypto::ByteView(request->data(), request->size()), payload); !st)
    co_return invalid("gossip request does not authenticate: " + st.error().message);
  if (stopped_) co_return ok();
  const Bytes answer = receiver_->on_stream_request(from, payload);
  if (answer.empty()) co_return ok();
  Bytes frame;
  if (auto st = session->sealer.seal(crypto::ByteView(answer.data(), answer.size()), frame); !st) co_return st;
  const Status sent = co_await write_all(socket, frame, stats_.tcp_sent_bytes);
  co_return sent;
}

}  // namespace roster::gossip::net
