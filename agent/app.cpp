#include "agent/app.hpp"

#include <csignal>
#include <iostream>
#include <optional>

#include "agent/node_identity.hpp"
#include "agent/ready_file.hpp"
#include "agent/ttl_timer.hpp"
#include "agent/version.hpp"
#include "common/net.hpp"
#include "dns/responder.hpp"
#include "dns/tcp_server.hpp"
#include "dns/udp_server.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "registry/registry.hpp"

namespace roster::agent {
namespace {

struct DnsListeners {
  std::unique_ptr<dns::UdpServer> udp;
  std::unique_ptr<dns::TcpServer> tcp;
};

// Binds UDP and TCP DNS on the same port. With port 0 the kernel picks the UDP
// port; if TCP cannot have the same one, try again with another.
Result<DnsListeners> bind_dns(asio::io_context& io, const asio::ip::address& addr, int port,
                              const dns::Responder& responder, const Logger& log) {
  const int attempts = port == 0 ? 16 : 1;
  std::string last_error;
  for (int i = 0; i < attempts; ++i) {
    auto udp = dns::UdpServer::bind(io, {addr, static_cast<std::uint16_t>(port)}, responder, log);
    if (!udp) return udp.error();
    auto tcp = dns::TcpServer::bind(io, {addr, (*udp)->port()}, responder, log);
    if (tcp) return DnsListeners{std::move(*udp), std::move(*tcp)};
    last_error = tcp.error().message;
  }
  return internal(last_error);
}

dns::DnsConfig dns_config(const AgentConfig& c, const registry::LocalNode& node) {
  dns::DnsConfig d;
  d.domain = c.domain;
  d.datacenter = c.datacenter;
  d.ns_node = node.name;
  d.ns_address = node.address;
  return d;
}

http::AgentInfo agent_info(const AgentConfig& c, const registry::LocalNode& node) {
  http::AgentInfo info;
  info.node_name = node.name;
  info.node_id = node.id;
  info.datacenter = node.datacenter;
  info.address = node.address;
  info.version = kVersion;
  info.revision = kRevision;
  info.pretty_by_default = c.dev;
  return info;
}

}  // namespace

int run_agent(const AgentConfig& config) {
  auto sink = std::make_shared<LogSink>(std::cerr, config.log_level);
  const Logger log(sink, "agent");
  const SteadyClock clock;

  auto node = resolve_identity(config);
  if (!node) {
    log.error("cannot start", {{"error", node.error().message}});
    return 1;
  }
  boost::system::error_code ec;
  const auto client = asio::ip::make_address(config.client_addr, ec);
  if (ec) {
    log.error("cannot start", {{"error", "invalid -client address \"" + config.client_addr + "\""}});
    return 1;
  }

  registry::Registry registry(*node, clock.now());
  for (const auto& svc : config.services) {
    auto r = registry.register_service(svc, clock.now());
    if (!r) {
      log.error("invalid service in config", {{"service", svc.service.name}, {"error", r.error().message}});
      return 1;
    }
  }

  asio::io_context io(1);
  TtlTimer ttl_timer(io, registry, clock);
  registry.subscribe([&ttl_timer](const registry::Catalog&) { ttl_timer.reschedule(); });
  ttl_timer.reschedule();

  std::optional<dns::Responder> responder;
  try {
    responder.emplace(registry, dns_config(config, *node), clock);
  } catch (const std::exception& e) {
    log.error("cannot start", {{"error", std::string("invalid -domain: ") + e.what()}});
    return 1;
  }
  auto dns = bind_dns(io, client, config.dns_port, *responder, log.named("dns"));
  if (!dns) {
    log.error("cannot start", {{"error", dns.error().message}});
    return 1;
  }
  const http::Api api(http::ApiContext{registry, clock, agent_info(config, *node)});
  auto http = http::HttpServer::bind(io, {client, static_cast<std::uint16_t>(config.http_port)}, api,
                                     http::HttpLimits{}, log.named("http"));
  if (!http) {
    log.error("cannot start", {{"error", http.error().message}});
    return 1;
  }

  dns->udp->start();
  dns->tcp->start();
  (*http)->start();

  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& e, int sig) {
        if (e) return;
        if (sig == SIGHUP) {
          log.warn("SIGHUP received: configuration reload is not implemented yet; ignoring");
          signals.async_wait(on_signal);
          return;
        }
        log.info("shutting down", {{"signal", std::to_string(sig)}});
        (*http)->stop();
        dns->udp->stop();
        dns->tcp->stop();
        ttl_timer.stop();
        io.stop();
      };
  signals.async_wait(on_signal);

  const std::string client_text = client.to_string();
  log.info("roster agent running",
           {{"version", kVersion}, {"node", node->name}, {"datacenter", node->datacenter},
            {"address", node->address}, {"http", client_text + ":" + std::to_string((*http)->port())},
            {"dns", client_text + ":" + std::to_string(dns->udp->port())}});
  if (!config.ready_file.empty()) {
    auto st = write_ready_file(config.ready_file,
                               {node->name, client_text, (*http)->port(), dns->udp->port()});
    if (!st) {
      log.error("cannot start", {{"error", st.error().message}});
      return 1;
    }
  }

  io.run();
  log.info("stopped");
  return 0;
}

}  // namespace roster::agent
