#include "dns/udp_server.hpp"

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

namespace roster::dns {

struct UdpServer::State {
  asio::strand<asio::io_context::executor_type> strand;
  asio::ip::udp::socket socket;
  const Responder& responder;
  Logger log;

  State(asio::io_context& io, const Responder& r, Logger l)
      : strand(asio::make_strand(io)), socket(strand), responder(r), log(std::move(l)) {}
};

namespace {

using Clock = std::chrono::steady_clock;

std::string rcode_of(const std::vector<std::uint8_t>& reply) {
  return reply.size() >= 4 ? std::to_string(reply[3] & 0x0F) : "?";
}

}  // namespace

UdpServer::UdpServer(std::shared_ptr<State> state, std::uint16_t port)
    : state_(std::move(state)), port_(port) {}

UdpServer::~UdpServer() { stop(); }

Result<std::unique_ptr<UdpServer>> UdpServer::bind(asio::io_context& io,
                                                   const asio::ip::udp::endpoint& endpoint,
                                                   const Responder& responder, Logger log) {
  auto state = std::make_shared<State>(io, responder, std::move(log));
  boost::system::error_code ec;
  const auto fail = [&](const char* what) {
    std::ostringstream where;
    where << endpoint;
    return internal(std::string("dns: cannot ") + what + " UDP " + where.str() + ": " + ec.message());
  };
  state->socket.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  state->socket.bind(endpoint, ec);
  if (ec) return fail("bind");
  const auto local = state->socket.local_endpoint(ec);
  if (ec) return fail("read the address of");
  return std::unique_ptr<UdpServer>(new UdpServer(std::move(state), local.port()));
}

void UdpServer::start() {
  if (started_.exchange(true)) return;
  auto serve = [](std::shared_ptr<State> s) -> asio::awaitable<void> {
    std::vector<std::uint8_t> buf(65535);
    asio::ip::udp::endpoint peer;
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await s->socket.async_receive_from(
          asio::buffer(buf), peer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !s->socket.is_open()) co_return;
      if (ec) continue;  // e.g. an ICMP error from an earlier send
      const auto begin = Clock::now();
      Decision d = s->responder.respond({buf.data(), n}, Transport::Udp);
      if (d.kind == Decision::Kind::Answer) {
        co_await s->socket.async_send_to(asio::buffer(d.bytes), peer,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted) co_return;
      }
      if (s->log.enabled(LogLevel::Debug)) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - begin);
        s->log.debug("udp query", {{"peer", peer.address().to_string()},
                                   {"bytes", std::to_string(n)},
                                   {"rcode", d.kind == Decision::Kind::Drop ? "drop" : rcode_of(d.bytes)},
                                   {"latency_us", std::to_string(us.count())}});
      }
    }
  };
  asio::co_spawn(state_->strand, serve(state_), asio::detached);
}

void UdpServer::stop() {
  asio::post(state_->strand, [s = state_] {
    boost::system::error_code ec;
    s->socket.close(ec);
  });
}

}  // namespace roster::dns
