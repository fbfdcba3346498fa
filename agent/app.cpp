#include "agent/app.hpp"

#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "agent/node_identity.hpp"
#include "agent/ready_file.hpp"
#include "agent/ttl_timer.hpp"
#include "agent/version.hpp"
#include "common/net.hpp"
#include "dns/dns_service.hpp"
#include "dns/responder.hpp"
#include "http/api.hpp"
#include "http/change_notifier.hpp"
#include "http/server.hpp"
#include "registry/file_journal.hpp"
#include "registry/index_file.hpp"
#include "registry/registry.hpp"

namespace roster::agent {
namespace {

constexpr unsigned kPersistentIoThreads = 2;

dns::DnsConfig dns_config(const AgentConfig& c, const registry::LocalNode& node) {
  dns::DnsConfig d = c.dns;
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

// Idle blocking queries hold a connection each: lift the soft fd limit to the
// hard one, as Go (and so Consul) does at start.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// The thread that commits deferred writes (Registry::set_commit_executor).
// Stopping it finishes the groups in flight first.
class CommitThread {
 public:
  registry::Registry::CommitExecutor start() {
    thread_ = std::thread([this] { io_.run(); });
    return [this](std::function<void()> task) { asio::post(io_, std::move(task)); };
  }
  ~CommitThread() {
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
};

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

  // X-Consul-Index never goes backwards across restarts: a high-water mark in
  // the data dir, or in -dev (no data dir) a wall-clock seed (index_file.hpp).
  std::unique_ptr<registry::IndexFile> index_file;
  registry::Index first_index = registry::wall_clock_seed(clock.wall_now());
  if (!config.data_dir.empty()) {
    auto opened = registry::IndexFile::open(config.data_dir);
    if (!opened) {
      log.error("cannot start", {{"error", opened.error().message}});
      return 1;
    }
    index_file = std::move(*opened);
    first_index = index_file->start();
  }
  registry::Registry registry(*node, clock.now(), first_index);
  if (index_file)
    registry.subscribe([&index_file, &log](const registry::Catalog& c) {
      if (auto st = index_file->observe(c.index()); !st) log.warn("cannot persist the index", {{"error", st.error().message}});
    });
  raise_fd_limit();
  for (const auto& svc : config.services) {
    auto r = registry.register_service(svc, clock.now(), registry::Origin::Config);
    if (!r) {
      log.error("invalid service in config", {{"service", svc.service.name}, {"error", r.error().message}});
      return 1;
    }
  }
  // Outside -dev, API-registered services and checks live in the data dir's
  // state log (registry/journal.hpp): replay it (config services win), then
  // rewrite it compacted and journal every later write before acknowledging it.
  const bool persist = !config.dev && !config.data_dir.empty();
  if (persist) {
    auto opened = registry::FileJournal::open(config.data_dir);
    if (!opened) {
      log.error("cannot start", {{"error", opened.error().message}});
      return 1;
    }
    const auto& replayed = opened->replayed;
    if (replayed.corrupt > 0 || replayed.torn_tail)
      log.warn("agent state log damaged; dropped unreadable records",
               {{"path", opened->journal->path()}, {"corrupt_records", std::to_string(replayed.corrupt)},
                {"torn_tail", replayed.torn_tail ? "true" : "false"}});
    const auto restored = registry.restore(replayed.state, clock.now(), clock.wall_now());
    log.info("agent state restored", {{"services", std::to_string(restored)},
                                      {"checks", std::to_string(replayed.state.checks.size())}});
    if (auto st = registry.attach_journal(std::move(opened->journal), clock); !st) {
      log.error("cannot start", {{"error", st.error().message}});
      return 1;
    }
  }

  // With persistence, HTTP writes are acknowledged only once durable, but no
  // I/O thread waits for an fsync: a committer thread writes each group of
  // applied writes with one fsync and then wakes their sessions
  // (Registry::DeferredCommit). Internal writers (TTL expiry) still commit
  // inline, so a second I/O thread keeps HTTP going meanwhile.
  const unsigned io_threads = persist ? kPersistentIoThreads : 1;
  asio::io_context io(static_cast<int>(io_threads));
  CommitThread committer;
  if (persist) registry.set_commit_executor(committer.start());
  TtlTimer ttl_timer(io, registry, clock);
  registry.subscribe([&ttl_timer](const registry::Catalog&) { ttl_timer.reschedule(); });
  ttl_timer.reschedule();

  std::optional<dns::Responder> responder;
  try {
    responder.emplace(registry, dns_config(config, *node), clock);
  } catch (const std::exception& e) {
    log.error("cannot start", {{"error", std::string("invalid DNS configuration: ") + e.what()}});
    return 1;
  }
  auto dns = dns::DnsService::create(*responder, client, static_cast<std::uint16_t>(config.dns_port),
                                     log.named("dns"));
  if (!dns) {
    log.error("cannot start", {{"error", dns.error().message}});
    return 1;
  }
  http::ChangeNotifier notifier(registry.snapshot());
  registry.subscribe([&](const registry::Catalog&) { notifier.publish(registry.snapshot()); });
  // PUT /v1/agent/leave: shut down like SIGTERM, once the 200 has had time to go out.
  std::function<void(const std::string&)> shutdown;
  asio::steady_timer leave_timer(io);
  auto leave = [&] {
    asio::post(io, [&] {
      leave_timer.expires_after(std::chrono::milliseconds(200));
      leave_timer.async_wait([&](const boost::system::error_code& e) {
        if (!e) shutdown("leave requested over HTTP");
      });
    });
  };
  const http::Api api(http::ApiContext{registry, clock, agent_info(config, *node), leave});
  http::HttpLimits limits;
  limits.max_conns_per_client = static_cast<std::size_t>(config.http_max_conns_per_client);
  auto http = http::HttpServer::bind(io, {client, static_cast<std::uint16_t>(config.http_port)}, api,
                                     &notifier, limits, log.named("http"));
  if (!http) {
    log.error("cannot start", {{"error", http.error().message}});
    return 1;
  }

  (*dns)->start();
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
        shutdown("signal " + std::to_string(sig));
      };
  shutdown = [&](const std::string& why) {
    log.info("shutting down", {{"reason", why}});
    (*http)->stop();
    (*dns)->stop();
    ttl_timer.stop();
    io.stop();
  };
  signals.async_wait(on_signal);

  const std::string client_text = client.to_string();
  log.info("roster agent running",
           {{"version", kVersion}, {"node", node->name}, {"datacenter", node->datacenter},
            {"address", node->address}, {"http", client_text + ":" + std::to_string((*http)->port())},
            {"dns", client_text + ":" + std::to_string((*dns)->port())}});
  if (!config.ready_file.empty()) {
    auto st = write_ready_file(config.ready_file,
                               {node->name, client_text, (*http)->port(), (*dns)->port()});
    if (!st) {
      log.error("cannot start", {{"error", st.error().message}});
      return 1;
    }
  }

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < io_threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& w : workers) w.join();
  log.info("stopped");
  return 0;
}

}  // namespace roster::agent
