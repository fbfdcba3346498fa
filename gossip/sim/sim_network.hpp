#pragma once
// An event-driven in-memory network with a virtual clock, running N real
// Membership instances in one process, deterministically for a given seed:
// per-datagram loss, a delay distribution around a LAN latency, partitions,
// nodes that are killed (stop silently), restarted (same name, new boot id,
// optionally a new address), leave gracefully, or are CPU-starved (frozen for
// part of every period: their inputs and timers wait for the thaw). Streams
// are delivered-or-failed exchanges with delay. Counts what each node sends.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "gossip/config.hpp"
#include "gossip/membership.hpp"

namespace roster::gossip::sim {

using namespace std::chrono_literals;

struct LinkModel {
  double loss = 0.0;                 // per datagram, and per stream direction
  Duration delay_median = 250us;     // one-way
  double delay_sigma = 0.4;          // lognormal shape (0: fixed delay)
  Duration stream_fail_after = 1s;   // an exchange with a down/unreachable peer fails after this
  Duration stream_loss_delay = 1s;   // a "lost" stream direction costs a TCP retransmit, not the data
};

struct FreezeCycle {
  Duration period = 1s;
  Duration frozen = 800ms;  // frozen during [0, frozen) of each period (from `phase`)
  Duration phase = 0ms;
};

// An application riding on one node's gossip (gossip/sim/sim_replicas: the
// registry's Replicator): it hears the node's member events and is ticked at
// its own deadlines on the node's schedule, so it freezes with the node and
// stops when the node is down.
class SimApp : public MemberListener {
 public:
  virtual void tick(TimePoint now) = 0;
  virtual TimePoint next_deadline() const = 0;
};

struct NodeCounters {
  std::uint64_t datagrams = 0, datagram_bytes = 0;  // sent, core payload only
  std::uint64_t streams = 0, stream_bytes = 0;      // stream messages sent (requests + replies)
  std::uint64_t datagrams_received = 0;
};

class SimNetwork {
 public:
  SimNetwork(std::uint64_t seed, Config config, LinkModel link = {});
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // A new node, up but knowing only itself. Returns its index.
  std::size_t add_node(std::string name);
  void join(std::size_t node, std::size_t seed);
  void join(std::size_t node, const std::vector<std::size_t>& seeds);
  // Adds n nodes "node-<i>" and joins each to one of the first few, spaced
  // `spacing` apart in virtual time (a gentle join), then runs `settle`.
  void add_cluster(std::size_t n, Duration spacing = 5ms, Duration settle = 5s);
  // Adds n nodes "ip-10-….ec2.internal" that start converged instead of
  // joining: each begins knowing every node alive at its starting
  // incarnation (Membership::restore), the steady state a joined cluster
  // reaches once its join rumors have died down; timers start as for
  // add_node. The rows share their names, so memory is ≈ 100 B × N²
  // instead of ≈ 550 B × N² for a joined cluster (N=10,000: ≈ 10 GB).
  void add_converged_cluster(std::size_t n);

  void kill(std::size_t node);  // stops silently (kill -9)
  // Same name, new boot id; a new address unless `same_address`. Not joined:
  // call join() afterwards, as a restarted agent's -retry-join would.
  void restart(std::size_t node, bool same_address = false);
  void leave(std::size_t node);  // graceful: leave(), stop after leave_propagate
  void freeze(std::size_t node, FreezeCycle cycle) { nodes_[node].freeze = cycle; }
  void unfreeze(std::size_t node) { nodes_[node].freeze.reset(); }
  // group[i] for every node: nodes in different groups cannot reach each other.
  void partition(std::vector<int> group) { groups_ = std::move(group); }
  void heal() { groups_.clear(); }
  void set_loss(double p) { link_.loss = p; }

  void run_until(TimePoint t);
  void run_for(Duration d) { run_until(now_ + d); }
  // Runs until pred() holds (checked every `step`) or `limit` passes; true if it held.
  bool run_until_true(const std::function<bool()>& pred, Duration limit, Duration step = 10ms);
  TimePoint now() const { return now_; }

  std::size_t size() const { return nodes_.size(); }
  bool up(std::size_t node) const { return nodes_[node].m != nullptr; }
  Membership& node(std::size_t i) { return *nodes_[i].m; }
  const std::string& name(std::size_t i) const { return nodes_[i].name; }
  const Address& address(std::size_t i) const { return nodes_[i].address; }
  const NodeCounters& counters(std::size_t i) const { return nodes_[i].counters; }
  void reset_counters();
  const Config& config() const { return config_; }

  // Every member event of every node, with the observer's index.
  void set_event_hook(std::function<void(std::size_t, const MemberEvent&)> hook) {
    hook_ = std::move(hook);
  }
  // Every stream message sent: a request from `from` to `to`, or (reply)
  // `from`'s answer to `to`. Bytes as the core produced them (no framing).
  using StreamHook = std::function<void(std::size_t from, std::size_t to, bool reply,
                                        std::span<const std::uint8_t> bytes)>;
  void set_stream_hook(StreamHook hook) { stream_hook_ = std::move(hook); }
  // Attached to the node now and to its future restarts.
  void set_delegate(std::size_t node, Delegate* d);
  // Attached to the node now and to its future restarts; null detaches.
  void set_app(std::size_t node, SimApp* app);
  // The node's app changed its deadline from outside a network event.
  void wake(std::size_t node) { reschedule(node); }
  // True if every up node lists every other up node as alive (and nothing else alive).
  bool converged() const;
  // The state `observer` holds for `subject`'s name, if any.
  std::optional<MemberState> state_of(std::size_t observer, std::size_t subject) const;

 private:
  class NodeTransport;
  class NodeListener;
  struct Node {
    std::string name;
    Address address;
    std::uint32_t generation = 0;
    std::unique_ptr<NodeTransport> transport;
    std::unique_ptr<NodeListener> listener;
    std::unique_ptr<Membership> m;
    Delegate* delegate = nullptr;
    SimApp* app = nullptr;
    std::optional<FreezeCycle> freeze;
    TimePoint tick_at = TimePoint::max();
    NodeCounters counters;
  };
  enum class Kind : std::uint8_t { Datagram, StreamRequest, StreamResponse, Tick, Stop };
  struct Event {
    TimePoint at;
    std::uint64_t seq = 0;
    Kind kind = Kind::Tick;
    std::uint32_t node = 0;        // destination (Tick/Stop/StreamResponse) or source
    std::uint32_t generation = 0;  // of `node` when scheduled
    Address to, from;
    std::vector<std::uint8_t> bytes;
    std::uint64_t stream_id = 0;
    bool ok = true;
    TimePoint orig_at;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };

  void start(std::size_t node, BootId boot);
  void push(Event e);
  void process(Event& e);
  void reschedule(std::size_t node);
  Duration delay();
  bool lost();
  bool reachable(std::size_t a, std::size_t b) const;
  std::optional<std::size_t> node_at(const Address& a) const;
  std::optional<TimePoint> thaw_time(const Node& n, TimePoint t) const;
  void send_datagram(std::size_t from, const Address& to, std::span<const std::uint8_t> bytes);
  void send_stream(std::size_t from, const Address& to, std::uint64_t id,
                   std::vector<std::uint8_t> bytes);

  Config config_;
  LinkModel link_;
  std::mt19937_64 rng_;
  TimePoint now_;
  std::uint64_t seq_ = 0;
  std::uint32_t next_address_ = 0;
  std::vector<Node> nodes_;
  std::unordered_map<Address, std::size_t, AddressHash> by_address_;
  std::vector<int> groups_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::function<void(std::size_t, const MemberEvent&)> hook_;
  StreamHook stream_hook_;
};

}  // namespace roster::gossip::sim
