#pragma once
// GossipWiring: connects gossip (gossip/net/gossip_agent.hpp) to the rest of
// the agent. It
//  - builds the keyring (-encrypt, or the data dir's persisted local.keyring,
//    which it writes after the first successful join) and the GossipAgent,
//    bound to the serf LAN port;
//  - feeds the registry's local node record to the replicator on every
//    change (GossipAgent::set_local paces bursts), and applies the replicator's updates with
//    Registry::apply_remote on a thread of its own (the commit path wakes
//    blocking queries; the protocol thread never waits for the registry);
//  - runs -join at start (failure stops the agent) and -retry-join in the
//    background (retry_interval, retry_max);
//  - is the http::Cluster behind /v1/agent/members, join and force-leave;
//  - makes the keyring operations cluster-wide (keyring_hooks).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/agent_config.hpp"
#include "common/log.hpp"
#include "common/net.hpp"
#include "gossip/crypto/keyring_ops.hpp"
#include "gossip/net/gossip_agent.hpp"
#include "http/api_context.hpp"
#include "registry/registry.hpp"

namespace roster::agent {

class GossipWiring final : public http::Cluster {
 public:
  // Binds the serf port and builds everything; nothing runs yet.
  static Result<std::unique_ptr<GossipWiring>> create(const AgentConfig& config, const registry::LocalNode& node,
                                                      registry::Registry& registry, const Clock& clock, Logger log);
  ~GossipWiring() override;

  // Starts gossip and the registry feed, then runs -join (its error means
  // the agent must not start) and starts -retry-join. `fail` asks the agent
  // to stop when -retry-join gives up.
  Status start(std::function<void(const std::string&)> fail);
  // Graceful leave (waits the profile's leave_propagate), then stop().
  void leave_and_stop();
  void stop();

  std::uint16_t port() const { return gossip_->port(); }
  std::shared_ptr<gossip::crypto::KeyringService> keyring() const { return keyring_; }
  // 1 when -retry-join gave up, else 0.
  int exit_code() const { return exit_code_.load(); }

  // --- http::Cluster ---
  std::vector<http::ClusterMember> members() const override;
  Status join(const std::string& address) override;
  Status force_leave(const std::string& node, bool prune) override;
  std::vector<std::pair<std::string, std::string>> stats() const override;

 private:
  GossipWiring(const AgentConfig& config, registry::Registry& registry, Logger log);
  void retry_join_loop(std::function<void(const std::string&)> fail);
  void on_joined();
  static gossip::crypto::KeyringHooks keyring_hooks(gossip::net::GossipAgent& gossip);

  GossipSettings settings_;
  std::string keyring_path_;  // empty: no data dir, never persisted
  registry::Registry& registry_;
  Logger log_;
  std::shared_ptr<gossip::crypto::KeyringStore> keys_;
  std::shared_ptr<gossip::crypto::KeyringService> keyring_;
  std::unique_ptr<gossip::net::GossipAgent> gossip_;
  // The registry listener outlives us inside the registry: it reaches us
  // through this cell, emptied on stop().
  struct Feed {
    std::mutex mu;
    gossip::net::GossipAgent* target = nullptr;
    std::shared_ptr<const registry::NodeRecord> last;
  };
  std::shared_ptr<Feed> feed_ = std::make_shared<Feed>();
  // The applier thread: Registry::apply_remote, keyring file writes.
  asio::io_context applier_{1};
  asio::executor_work_guard<asio::io_context::executor_type> applier_work_ = asio::make_work_guard(applier_);
  std::thread applier_thread_;
  std::thread retry_thread_;
  std::mutex retry_mu_;
  std::condition_variable retry_cv_;
  bool stopping_ = false;
  bool persisted_ = false;  // the keyring file is written (applier thread)
  std::atomic<int> exit_code_{0};
};

}  // namespace roster::agent
