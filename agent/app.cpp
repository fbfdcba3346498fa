#include "agent/app.hpp"

#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "agent/agent_flags.hpp"
#include "agent/config_reloader.hpp"
#include "agent/gossip_wiring.hpp"
#include "agent/node_identity.hpp"
#include "agent/ready_file.hpp"
#include "agent/ttl_timer.hpp"
#include "agent/version.hpp"
#include "checks/check_runner.hpp"
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
  registry.set_script_checks(script_checks(config));
  if (index_file)
    registry.subscribe([&index_file, &log](const registry::Catalog& c) {
      if (auto st = index_file->observe(c.index()); !st) log.warn("cannot persist the index", {{"error", st.error().message}});
    });
  raise_fd_limit();
  // Config-file services, registered now and on every reload (SIGHUP, PUT
  // /v1/agent/reload): the files are read again with the flags on top.
  auto acl = std::make_shared<http::AclSettings>(config.acl);
  ConfigReloader reloader(
      registry, clock, log.named("reload"), config, node->name,
      [&config]() -> Result<AgentConfig> {
        auto parsed = parse_agent_flags(config.flags);
        if (!parsed) return parsed.error();
        return std::move(parsed->config);
      },
      [&sink, &acl, &log](const AgentConfig& next) {
        sink->set_level(next.log_level);
        acl->set(next.acl);
        log.info("live settings applied", {{"acl", next.acl.enabled ? "enabled" : "disabled"},
                                           {"acl_default_policy", std::string(http::default_policy_name(next.acl))}});
      });
  if (auto st = reloader.register_initial(); !st) {
    log.error("invalid service in config", {{"error", st.error().message}});
    return 1;
  }
  if (config.acl.enabled && config.acl.management_token.empty())
    log.warn("ACLs are enabled without acl.tokens.initial_management: every write will be refused");
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
  // (Registry::DeferredCommit). Internal writers commit inline on threads of
  // their own: TTL expiry (TtlTimer), check results (the runner's writer).
  // HTTP, TCP and script checks run on the runner's own thread (docs/checks.md).
  // Built before the committer thread, so it outlives any commit's listeners.
  checks::CheckRunner check_runner(registry, clock, log.named("checks"),
                                   checks::RunnerOptions{node->name, 64, config.check_reap_interval});
  registry.subscribe([&check_runner](const registry::Catalog&) { check_runner.changed(); });
  check_runner.start();

  const unsigned io_threads = persist ? kPersistentIoThreads : 1;
  asio::io_context io(static_cast<int>(io_threads));
  CommitThread committer;
  if (persist) registry.set_commit_executor(committer.start());
  TtlTimer ttl_timer(registry, clock);
  registry.subscribe([&ttl_timer](const registry::Catalog&) { ttl_timer.reschedule(); });
  ttl_timer.start();
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
  // Gossip (docs/cluster.md): binds the serf LAN port now, starts below.
  auto gossip = GossipWiring::create(config, *node, registry, clock, log.named("agent.gossip"));
  if (!gossip) {
    log.error("cannot start", {{"error", gossip.error().message}});
    return 1;
  }
  http::ApiContext api_context{registry, clock, agent_info(config, *node), leave,
                               [&reloader] { return reloader.reload(); }, acl};
  api_context.cluster = gossip->get();
  api_context.keyring = (*gossip)->keyring();
  const http::Api api(std::move(api_context));
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
          log.info("SIGHUP received: reloading the configuration");
          (void)reloader.reload();  // failures are logged; the agent keeps its running config
          signals.async_wait(on_signal);
          return;
        }
        shutdown("signal " + std::to_string(sig));
      };
  shutdown = [&](const std::string& why) {
    log.info("shutting down", {{"reason", why}});
    (*gossip)->leave_and_stop();  // graceful: the others see "left", never "failed"
    (*http)->stop();
    (*dns)->stop();
    ttl_timer.stop();
    check_runner.stop();
    io.stop();
  };
  signals.async_wait(on_signal);

  // -join must work before the agent reports ready; -retry-join runs on.
  if (auto st = (*gossip)->start([&](const std::string& why) { asio::post(io, [&shutdown, why] { shutdown(why); }); });
      !st) {
    log.error("cannot start", {{"error", st.error().message}});
    return 1;
  }
  const std::string client_text = client.to_string();
  log.info("roster agent running",
           {{"version", kVersion}, {"node", node->name}, {"datacenter", node->datacenter},
            {"address", node->address}, {"http", client_text + ":" + std::to_string((*http)->port())},
            {"dns", client_text + ":" + std::to_string((*dns)->port())},
            {"serf_lan", std::to_string((*gossip)->port())}});
  if (!config.ready_file.empty()) {
    auto st = write_ready_file(config.ready_file,
                               {node->name, client_text, (*http)->port(), (*dns)->port(), (*gossip)->port()});
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
  return (*gossip)->exit_code();
}

}  // namespace roster::agent
