#include "agent/gossip_wiring.hpp"

#include <filesystem>

#include "agent/version.hpp"
#include "common/duration.hpp"
#include "gossip/crypto/datagram.hpp"
#include "gossip/crypto/keyring_file.hpp"
#include "gossip/net/join_address.hpp"
#include "gossip/replica_store.hpp"

namespace roster::agent {
namespace crypto = gossip::crypto;
namespace gnet = gossip::net;

GossipWiring::GossipWiring(const AgentConfig& config, registry::Registry& registry, Logger log)
    : settings_(config.gossip), registry_(registry), log_(std::move(log)) {}

Result<std::unique_ptr<GossipWiring>> GossipWiring::create(const AgentConfig& config, const registry::LocalNode& node,
                                                           registry::Registry& registry, const Clock& clock,
                                                           Logger log) {
  std::unique_ptr<GossipWiring> w(new GossipWiring(config, registry, log));
  const GossipSettings& g = config.gossip;

  // Keys: -encrypt, unless the data dir holds the keyring of an earlier run.
  std::optional<crypto::Key> encrypt;
  if (!g.encrypt.empty()) {
    auto key = crypto::Key::parse(g.encrypt);
    if (!key) return invalid("-encrypt: " + key.error().message);
    encrypt = *key;
  }
  std::optional<crypto::Keyring> persisted;
  if (!config.dev && !config.data_dir.empty()) {
    w->keyring_path_ = (std::filesystem::path(config.data_dir) / crypto::kKeyringFileName).string();
    auto loaded = crypto::load_keyring_file(w->keyring_path_);
    if (!loaded) return loaded.error();
    persisted = *loaded;
  }
  const auto startup = crypto::choose_startup_keyring(encrypt, persisted, w->keyring_path_);
  if (!startup.message.empty()) log.log(startup.level, startup.message);
  w->keys_ = std::make_shared<crypto::KeyringStore>(startup.ring);
  w->keyring_ = std::make_shared<crypto::KeyringService>(w->keys_, node.datacenter);

  gnet::GossipAgentOptions o;
  o.node_name = node.name;
  o.advertise_ip = node.address;
  if (!gossip::Config::from_profile(g.profile, o.config)) return invalid("unknown gossip profile \"" + g.profile + "\"");
  const std::string bind = !config.bind_addr.empty() ? config.bind_addr : config.dev ? "127.0.0.1" : "0.0.0.0";
  boost::system::error_code ec;
  o.transport.bind_address = asio::ip::make_address(bind, ec);
  if (ec) return invalid("invalid -bind address \"" + bind + "\"");
  o.transport.port = static_cast<std::uint16_t>(g.serf_lan_port < 0 ? gnet::kDefaultSerfLanPort : g.serf_lan_port);
  o.transport.context = crypto::ClusterContext{node.datacenter, ""};
  o.transport.boot_id = crypto::new_boot_id();
  o.transport.keys = w->keys_;
  o.transport.stream_timeout = o.config.stream_timeout;
  o.transport.fault.drop = g.fault_drop;
  o.transport.fault.freeze = std::chrono::milliseconds(g.fault_freeze_ms);
  o.tags = {{"dc", node.datacenter}, {"role", "node"}, {"id", node.id},
            {"build", std::string(kVersion) + ":" + kRevision}, {"vsn", "2"}, {"vsn_min", "2"}, {"vsn_max", "3"},
            {"segment", ""}};
  const auto wall = clock.wall_now();
  o.incarnation = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count());
  o.replica.self = node.name;
  o.replica.boot = gossip::replica::boot_epoch(wall);
  o.replica.steady_origin = clock.now();
  o.replica.wall_origin = wall;

  auto agent = gnet::GossipAgent::create(o, clock, log.named("gossip"));
  if (!agent && config.dev && g.serf_lan_port < 0) {
    // -dev on a machine where 8301 is taken (another agent): any free port.
    log.warn("the gossip port is busy; -dev uses a free one instead",
             {{"port", std::to_string(o.transport.port)}, {"error", agent.error().message}});
    o.transport.port = 0;
    agent = gnet::GossipAgent::create(o, clock, log.named("gossip"));
  }
  if (!agent) return agent.error();
  w->gossip_ = std::move(*agent);
  w->keyring_->set_hooks(keyring_hooks(*w->gossip_));
  return w;
}

// Keyring operations reach every live member (Consul's are cluster-wide): the
// list counts every agent's keys, and a change made here is made everywhere,
// failing (with each node's reason) if any member refused it or did not answer.
crypto::KeyringHooks GossipWiring::keyring_hooks(gnet::GossipAgent& gossip) {
  crypto::KeyringHooks hooks;
  hooks.cluster_view = [&gossip]() -> std::optional<crypto::ClusterKeyView> {
    auto view = gossip.keyring_query(gossip::KeyringRequest{gossip::KeyringQueryOp::List, std::nullopt});
    if (!view) return std::nullopt;  // this agent's own ring, then
    return std::move(*view);
  };
  hooks.broadcast = [&gossip](crypto::KeyringOp op, const crypto::Key& key) -> Status {
    auto view = gossip.keyring_query(gossip::KeyringRequest{gossip::to_query_op(op), key});
    if (!view) return view.error();
    if (view->messages.empty()) return ok();
    std::string text = std::to_string(view->messages.size()) + "/" + std::to_string(view->num_nodes) +
                       " nodes reported failure:";
    for (const auto& [node, why] : view->messages) text += " " + node + ": " + why + ";";
    text.pop_back();
    return internal(std::move(text));
  };
  return hooks;
}

GossipWiring::~GossipWiring() { stop(); }

Status GossipWiring::start(std::function<void(const std::string&)> fail) {
  applier_thread_ = std::thread([this] { applier_.run(); });
  gossip_->set_updates_sink([this](gnet::GossipAgent::Updates updates) {
    asio::post(applier_, [this, updates = std::move(updates)] {
      if (auto r = registry_.apply_remote(updates); !r)
        log_.warn("cannot apply replicated nodes", {{"error", r.error().message}});
    });
  });
  gossip_->set_join_listener([this] { asio::post(applier_, [this] { on_joined(); }); });
  {
    std::lock_guard lk(feed_->mu);
    feed_->target = gossip_.get();
    feed_->last = registry_.local_record();
    gossip_->set_local(feed_->last);
  }
  registry_.subscribe([feed = feed_, &registry = registry_](const registry::Catalog&) {
    std::lock_guard lk(feed->mu);
    if (!feed->target) return;
    auto record = registry.local_record();
    if (record == feed->last) return;  // a remote node changed, not ours
    feed->last = record;
    feed->target->set_local(std::move(record));
  });
  gossip_->start();
  log_.info("gossip running", {{"port", std::to_string(gossip_->port())},
                               {"profile", settings_.profile},
                               {"encrypted", keys_->snapshot()->empty() ? "false" : "true"}});

  if (!settings_.start_join.empty()) {
    if (auto st = gossip_->join(settings_.start_join); !st) return invalid("Failed to join: " + st.error().message);
  }
  if (!settings_.retry_join.empty())
    retry_thread_ = std::thread([this, fail = std::move(fail)] { retry_join_loop(fail); });
  return ok();
}

void GossipWiring::retry_join_loop(std::function<void(const std::string&)> fail) {
  for (int attempt = 1;; ++attempt) {
    {
      std::lock_guard lk(retry_mu_);
      if (stopping_) return;
    }
    const Status st = gossip_->join(settings_.retry_join);
    if (st) {
      log_.info("retry-join succeeded", {{"attempts", std::to_string(attempt)}});
      return;
    }
    if (settings_.retry_max > 0 && attempt >= settings_.retry_max) {
      log_.error("retry-join gave up", {{"attempts", std::to_string(attempt)}, {"error", st.error().message}});
      exit_code_ = 1;
      fail("-retry-join failed after " + std::to_string(attempt) + " attempts");
      return;
    }
    log_.warn("retry-join failed; retrying",
              {{"error", st.error().message}, {"in", format_duration(settings_.retry_interval)}});
    std::unique_lock lk(retry_mu_);
    retry_cv_.wait_for(lk, settings_.retry_interval, [this] { return stopping_; });
  }
}

// After the first successful join the keyring is known to work: persist it
// (gossip.md §3 item 3), and every later change with it.
void GossipWiring::on_joined() {
  if (persisted_ || keyring_path_.empty() || keys_->snapshot()->empty()) return;
  if (auto st = crypto::save_keyring_file(keyring_path_, *keys_->snapshot()); !st) {
    log_.warn("cannot persist the gossip keyring", {{"error", st.error().message}});
    return;
  }
  persisted_ = true;
  keys_->set_persist([path = keyring_path_](const crypto::Keyring& ring) { return crypto::save_keyring_file(path, ring); });
}

void GossipWiring::leave_and_stop() {
  if (gossip_) gossip_->leave();
  stop();
}

void GossipWiring::stop() {
  {
    std::lock_guard lk(retry_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (keyring_) keyring_->set_hooks({});  // this agent's ring only from now on
  retry_cv_.notify_all();
  {
    std::lock_guard lk(feed_->mu);
    feed_->target = nullptr;
  }
  if (gossip_) gossip_->stop();  // fails a join in flight
  if (retry_thread_.joinable()) retry_thread_.join();
  applier_work_.reset();
  if (applier_thread_.joinable()) applier_thread_.join();
}

// --- http::Cluster ------------------------------------------------------------------

std::vector<http::ClusterMember> GossipWiring::members() const {
  std::vector<http::ClusterMember> out;
  for (auto& m : gossip_->members()) {
    http::ClusterMember c;
    c.name = m.name;
    c.addr = gnet::to_ip(m.address).to_string();
    c.port = m.address.port;
    c.tags = std::move(m.tags);
    c.status = m.status;
    out.push_back(std::move(c));
  }
  return out;
}

Status GossipWiring::join(const std::string& address) { return gossip_->join({address}); }

Status GossipWiring::force_leave(const std::string& node, bool prune) { return gossip_->force_leave(node, prune); }

std::vector<std::pair<std::string, std::string>> GossipWiring::stats() const { return gossip_->stats(); }

}  // namespace roster::agent
