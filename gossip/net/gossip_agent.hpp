#pragma once
// GossipAgent: gossip in a real agent. It owns the protocol thread (one
// io_context, one thread) and everything that runs on it: the NetTransport
// (UDP + TCP on the serf LAN port), the Membership core and the Replicator.
// Keyring operations from other agents are answered here too (their requests
// share the stream transport with the replica's; keyring_query.hpp).
// The rest of the agent talks to it through the thread-safe methods below;
// each hops onto the protocol thread, so the core never sees two threads.
//
// Replica changes come out through the updates sink (called on the protocol
// thread; it must not block: hand them to another thread).
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/net.hpp"
#include "common/result.hpp"
#include "gossip/config.hpp"
#include "gossip/keyring_query.hpp"
#include "gossip/membership.hpp"
#include "gossip/net/member_tags.hpp"
#include "gossip/net/net_transport.hpp"
#include "gossip/replicator.hpp"
#include "registry/registry.hpp"

namespace roster::gossip::net {

// Consul's member Status: 1 alive, 2 leaving, 3 left, 4 failed.
int consul_status(MemberState state, bool leaving);

struct MemberInfo {
  std::string name;
  Address address;
  MemberState state = MemberState::Alive;
  int status = 1;  // consul_status()
  bool self = false;
  Tags tags;
};

struct GossipAgentOptions {
  std::string node_name;
  std::string advertise_ip;  // the IP the others use for this agent (port: the bound one)
  TransportOptions transport;
  Config config;
  Tags tags;
  std::uint64_t incarnation = 0;  // wall-clock seconds at start: a restart outranks its past
  replica::ReplicatorConfig replica;
};

class GossipAgent : private Receiver, private MemberListener {
 public:
  using Updates = std::vector<registry::Registry::RemoteUpdate>;
  using UpdatesSink = std::function<void(Updates)>;

  // Binds the sockets (errors name the port) and builds the protocol objects.
  static Result<std::unique_ptr<GossipAgent>> create(GossipAgentOptions options, const Clock& clock, Logger log);
  ~GossipAgent() override;
  GossipAgent(const GossipAgent&) = delete;
  GossipAgent& operator=(const GossipAgent&) = delete;

  // Set before start(). `joined` runs (on the protocol thread) after each successful join.
  void set_updates_sink(UpdatesSink sink) { sink_ = std::move(sink); }
  void set_join_listener(std::function<void()> joined) { joined_ = std::move(joined); }

  void start();
  // Stops the protocol thread; no graceful leave (call leave() first for that).
  void stop();
  std::uint16_t port() const { return port_; }
  const GossipAgentOptions& options() const { return options_; }

  // The registry published a new local record.
  void set_local(std::shared_ptr<const registry::NodeRecord> record);
  std::vector<MemberInfo> members() const;
  // Joins through the given addresses ("host[:port]"); returns once one of
  // them accepted us, or with the error of the attempt.
  Status join(const std::vector<std::string>& addresses);
  // Graceful leave: broadcasts it, then keeps gossiping for the profile's
  // leave_propagate time so the others hear "left" and never "failed".
  void leave();
  // Moves a member to "left" on every agent (it refutes if it is in fact
  // alive); `prune` also forgets it at once, here and, by gossip, on every
  // agent that holds it left or failed (Consul's -prune).
  Status force_leave(const std::string& node, bool prune);
  // Runs a keyring request on every other live member (after the caller
  // applied it here) and returns what they answered, counted with this
  // agent's own ring (Consul's cluster-wide keyring operations). Waits for
  // every answer or error: at most the stream timeout, plus a margin.
  Result<crypto::ClusterKeyView> keyring_query(const KeyringRequest& request);
  // Consul-style "serf_lan" stats plus Roster's counters, as strings.
  std::vector<std::pair<std::string, std::string>> stats() const;

 private:
  GossipAgent(GossipAgentOptions options, const Clock& clock, Logger log);
  class AppDelegate;

  // --- Receiver (protocol thread) ---
  void on_datagram(const Address& from, std::span<const std::uint8_t> payload) override;
  std::vector<std::uint8_t> on_stream_request(const Address& from, std::span<const std::uint8_t> request) override;
  void on_stream_response(std::uint64_t id, Result<std::vector<std::uint8_t>> response) override;
  // --- MemberListener (protocol thread) ---
  void on_member_event(const MemberEvent& event) override;

  // After every entry point: hand out replica updates, re-arm the timer.
  void after();
  void rearm();
  void on_timer();
  void freeze_cycle();
  void freeze_wait();
  void on_join_done(const Status& s);

  // Runs `f` on the protocol thread and returns its result.
  template <class F>
  auto call(F f) const -> decltype(f());

  GossipAgentOptions options_;
  const Clock& clock_;
  Logger log_;
  mutable asio::io_context io_{1};
  std::unique_ptr<NetTransport> transport_;
  std::unique_ptr<Membership> membership_;
  std::unique_ptr<replica::Replicator> replicator_;
  std::unique_ptr<KeyringQueries> keyring_;
  std::unique_ptr<AppDelegate> delegate_;
  asio::steady_timer timer_{io_};
  asio::steady_timer freeze_timer_{io_};
  asio::steady_timer local_timer_{io_};  // the paced hand-off of pending_local_
  TimePoint armed_ = TimePoint::max();
  std::uint16_t port_ = 0;
  UpdatesSink sink_;
  std::function<void()> joined_;
  std::shared_ptr<std::promise<Status>> join_promise_;
  std::vector<MemberTag> prunes_;  // heard from peers, applied in after()
  std::mutex join_mu_;            // one join at a time

  mutable std::mutex state_mu_;
  mutable std::condition_variable state_cv_;
  bool running_ = false;
  bool stopped_ = false;
  bool thread_done_ = false;  // the protocol thread has ended (or never ran)
  // The newest local record not yet handed to the replicator: a burst of
  // registrations posts one task, which encodes only the latest record.
  // Handing over a record costs O(record) on this thread (the replicator
  // encodes and hashes the whole node), so hand-offs are also paced: at most
  // one per max(kLocalInterval, kLocalPerEntry × services and checks) (1,000
  // services: one per 100 ms; ≈ 2.5 µs per entry each, so ≤ ~5 % of a core).
  std::shared_ptr<const registry::NodeRecord> pending_local_;
  TimePoint next_local_{};  // under state_mu_: when the next hand-off may run
  static constexpr Duration kLocalInterval = std::chrono::milliseconds(20);
  static constexpr Duration kLocalPerEntry = std::chrono::microseconds(50);
  void hand_off_local();  // protocol thread
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace roster::gossip::net
