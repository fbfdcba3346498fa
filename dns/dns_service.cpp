#include "dns/dns_service.hpp"

#include <optional>
#include <sstream>
#include <thread>

#include "common/interfaces.hpp"
#include "dns/recursors.hpp"
#include "dns/tcp_server.hpp"
#include "dns/udp_server.hpp"

namespace roster::dns {

struct DnsService::Worker {
  asio::io_context io{1};  // TCP and the forwarder
  AnswerCache cache;       // TCP's (the UDP server has its own thread and cache)
  std::unique_ptr<Forwarder> forwarder;
  std::unique_ptr<UdpServer> udp;
  std::unique_ptr<TcpServer> tcp;
  std::thread thread;
};

namespace {

// Is `port` free for UDP and TCP on `address`? Binds plain (not shared)
// sockets, so a port held by anyone, with SO_REUSEPORT or not, is refused;
// returns the port the kernel picked when `port` is 0.
Result<std::uint16_t> probe(const asio::ip::address& address, std::uint16_t port) {
  asio::io_context io;
  boost::system::error_code ec;
  std::ostringstream where;
  where << address << ':' << port;
  asio::ip::udp::socket udp(io);
  udp.open(address.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6(), ec);
  if (!ec) udp.bind({address, port}, ec);
  if (ec) return internal("dns: cannot bind UDP " + where.str() + ": " + ec.message());
  const std::uint16_t chosen = udp.local_endpoint(ec).port();
  asio::ip::tcp::acceptor tcp(io);
  tcp.open(address.is_v4() ? asio::ip::tcp::v4() : asio::ip::tcp::v6(), ec);
  if (!ec) tcp.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) tcp.bind({address, chosen}, ec);
  if (ec) return internal("dns: cannot bind TCP " + address.to_string() + ":" + std::to_string(chosen) + ": " +
                          ec.message());
  return chosen;
}

}  // namespace

Result<std::unique_ptr<DnsService>> DnsService::create(const Responder& responder, const asio::ip::address& address,
                                                       std::uint16_t port, Logger log) {
  const DnsConfig& cfg = responder.config();
  auto upstreams = parse_recursors(cfg.recursors.addresses);
  if (!upstreams) return upstreams.error();
  std::size_t threads = cfg.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  // Listening on every address: any of the host's own is this agent too.
  std::vector<asio::ip::address> host;
  if (address.is_unspecified() && !upstreams->empty())
    for (const auto& i : list_interface_addresses()) host.push_back(i.address);
  std::string last_error;
  for (int attempt = 0; attempt < (port == 0 ? 16 : 1); ++attempt) {
    auto chosen = probe(address, port);
    if (!chosen) {
      last_error = chosen.error().message;
      continue;
    }
    for (const auto& u : *upstreams)
      if (points_at_listener(u, address, *chosen, host))
        return invalid("dns: recursor " + u.address.to_string() + ":" + std::to_string(u.port) +
                       " is this agent's own DNS listener (" + address.to_string() + ":" +
                       std::to_string(*chosen) + "): queries would loop");
    std::unique_ptr<DnsService> svc(new DnsService());
    svc->port_ = *chosen;
    bool bound = true;
    TcpOptions tcp_opts;
    tcp_opts.reuse_port = true;
    tcp_opts.max_connections = std::max<std::size_t>(1, tcp_opts.max_connections / threads);
    for (std::size_t i = 0; i < threads && bound; ++i) {
      auto w = std::make_unique<Worker>();
      if (!cfg.recursors.addresses.empty()) {
        auto f = Forwarder::create(w->io, cfg.recursors);
        if (!f) return f.error();
        w->forwarder = std::move(*f);
      }
      const ServerContext ctx{responder, w->cache, w->forwarder.get()};
      UdpOptions udp_opts;
      udp_opts.reuse_port = true;
      auto udp = UdpServer::bind(w->io, {address, *chosen}, responder, w->forwarder.get(), log, udp_opts);
      auto tcp = udp ? TcpServer::bind(w->io, {address, *chosen}, ctx, log, tcp_opts)
                     : Result<std::unique_ptr<TcpServer>>(udp.error());
      if (!udp || !tcp) {
        last_error = !udp ? udp.error().message : tcp.error().message;
        bound = false;
        break;
      }
      w->udp = std::move(*udp);
      w->tcp = std::move(*tcp);
      svc->workers_.push_back(std::move(w));
    }
    if (bound) return svc;
  }
  return internal(last_error);
}

DnsService::~DnsService() { stop(); }

void DnsService::start() {
  if (started_) return;
  started_ = true;
  for (auto& w : workers_) {
    w->udp->start();
    w->tcp->start();
    Worker* raw = w.get();
    w->thread = std::thread([raw] {
      auto guard = asio::make_work_guard(raw->io);
      raw->io.run();
    });
  }
}

void DnsService::stop() {
  for (auto& w : workers_) {
    if (w->udp) w->udp->stop();
    if (w->tcp) w->tcp->stop();
    w->io.stop();
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

}  // namespace roster::dns
