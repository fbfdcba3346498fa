#include "gossip/sim/sim_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace roster::gossip::sim {

class SimNetwork::NodeTransport final : public Transport {
 public:
  NodeTransport(SimNetwork& net, std::size_t node) : net_(net), node_(node) {}
  void send_datagram(const Address& to, std::span<const std::uint8_t> packet) override {
    net_.send_datagram(node_, to, packet);
  }
  void send_stream(const Address& to, std::uint64_t id, std::vector<std::uint8_t> req) override {
    net_.send_stream(node_, to, id, std::move(req));
  }

 private:
  SimNetwork& net_;
  std::size_t node_;
};

class SimNetwork::NodeListener final : public MemberListener {
 public:
  NodeListener(SimNetwork& net, std::size_t node) : net_(net), node_(node) {}
  void on_member_event(const MemberEvent& e) override {
    if (net_.hook_) net_.hook_(node_, e);
    if (SimApp* app = net_.nodes_[node_].app) app->on_member_event(e);
  }

 private:
  SimNetwork& net_;
  std::size_t node_;
};

SimNetwork::SimNetwork(std::uint64_t seed, Config config, LinkModel link)
    : config_(std::move(config)),
      link_(link),
      rng_(seed),
      now_(TimePoint(std::chrono::hours(1))) {}

SimNetwork::~SimNetwork() = default;

std::size_t SimNetwork::add_node(std::string name) {
  const std::size_t idx = nodes_.size();
  nodes_.emplace_back();
  Node& n = nodes_.back();
  n.name = std::move(name);
  const std::uint32_t a = next_address_++;
  // 10.x.y.z: realistic addresses, unique per node and per restart.
  n.address = Address::v4(10, std::uint8_t(a >> 16), std::uint8_t(a >> 8), std::uint8_t(a), 8301);
  by_address_[n.address] = idx;
  start(idx, rng_());
  return idx;
}

void SimNetwork::start(std::size_t idx, BootId boot) {
  Node& n = nodes_[idx];
  ++n.generation;
  n.transport = std::make_unique<NodeTransport>(*this, idx);
  n.listener = std::make_unique<NodeListener>(*this, idx);
  Identity id;
  id.name = n.name;
  id.boot_id = boot;
  id.address = n.address;
  // Incarnations start from the (virtual) wall clock in milliseconds, so a
  // restart outranks its previous life without a refutation round.
  id.incarnation = std::uint64_t(
      std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count());
  n.m = std::make_unique<Membership>(config_, std::move(id), *n.transport, Logger(nullptr, "gossip"),
                                     rng_(), now_);
  n.m->set_listener(n.listener.get());
  n.m->set_delegate(n.delegate);
  n.tick_at = TimePoint::max();
  reschedule(idx);
}

void SimNetwork::set_delegate(std::size_t node, Delegate* d) {
  nodes_[node].delegate = d;
  if (nodes_[node].m) nodes_[node].m->set_delegate(d);
}

void SimNetwork::set_app(std::size_t node, SimApp* app) {
  nodes_[node].app = app;
  reschedule(node);
}

void SimNetwork::join(std::size_t node, std::size_t seed) {
  join(node, std::vector<std::size_t>{seed});
}

void SimNetwork::join(std::size_t node, const std::vector<std::size_t>& seeds) {
  std::vector<Address> addrs;
  for (std::size_t s : seeds) addrs.push_back(nodes_[s].address);
  nodes_[node].m->join(addrs, now_);
  reschedule(node);
}

namespace {
std::string cluster_node_name(std::size_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "ip-10-%u-%u-%u.ec2.internal", unsigned(i >> 16) & 255,
                unsigned(i >> 8) & 255, unsigned(i) & 255);
  return buf;
}
}  // namespace

void SimNetwork::add_cluster(std::size_t n, Duration spacing, Duration settle) {
  const std::size_t base = nodes_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = add_node(cluster_node_name(base + i));
    if (i > 0) {
      join(idx, base + (i % std::min<std::size_t>(3, i)));
      run_for(spacing);
    }
  }
  run_for(settle);
}

void SimNetwork::add_converged_cluster(std::size_t n) {
  const std::size_t base = nodes_.size();
  nodes_.reserve(base + n);
  std::vector<Member> rows;
  rows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = add_node(cluster_node_name(base + i));
    rows.push_back(nodes_[idx].m->self());
  }
  for (std::size_t i = base; i < nodes_.size(); ++i) {
    nodes_[i].m->restore(rows, now_);
    reschedule(i);
  }
}

void SimNetwork::kill(std::size_t node) {
  Node& n = nodes_[node];
  n.m.reset();
  ++n.generation;
  n.tick_at = TimePoint::max();
}

void SimNetwork::restart(std::size_t node, bool same_address) {
  kill(node);
  Node& n = nodes_[node];
  if (!same_address) {
    by_address_.erase(n.address);
    const std::uint32_t a = next_address_++;
    n.address =
        Address::v4(10, std::uint8_t(a >> 16), std::uint8_t(a >> 8), std::uint8_t(a), 8301);
    by_address_[n.address] = node;
  }
  start(node, rng_());
}

void SimNetwork::leave(std::size_t node) {
  Node& n = nodes_[node];
  if (!n.m) return;
  n.m->leave(now_);
  reschedule(node);
  Event e;
  e.at = now_ + config_.leave_propagate;
  e.kind = Kind::Stop;
  e.node = std::uint32_t(node);
  e.generation = n.generation;
  push(std::move(e));
}

void SimNetwork::reset_counters() {
  for (auto& n : nodes_) n.counters = NodeCounters{};
}

void SimNetwork::push(Event e) {
  e.seq = seq_++;
  if (e.orig_at == TimePoint{}) e.orig_at = e.at;
  queue_.push(std::move(e));
}

Duration SimNetwork::delay() {
  if (link_.delay_sigma <= 0) return link_.delay_median;
  std::normal_distribution<double> z(0.0, 1.0);
  const double f = std::exp(link_.delay_sigma * z(rng_));
  return Duration(Duration::rep(double(link_.delay_median.count()) * f));
}

bool SimNetwork::lost() {
  if (link_.loss <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < link_.loss;
}

bool SimNetwork::reachable(std::size_t a, std::size_t b) const {
  if (groups_.empty()) return true;
  const int ga = a < groups_.size() ? groups_[a] : -1;
  const int gb = b < groups_.size() ? groups_[b] : -1;
  return ga == gb;
}

std::optional<std::size_t> SimNetwork::node_at(const Address& a) const {
  auto it = by_address_.find(a);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

std::optional<TimePoint> SimNetwork::thaw_time(const Node& n, TimePoint t) const {
  if (!n.freeze) return std::nullopt;
  const auto& f = *n.freeze;
  const Duration since = (t.time_since_epoch() - f.phase) % f.period;
  const Duration pos = since < Duration::zero() ? since + f.period : since;
  if (pos >= f.frozen) return std::nullopt;
  return t + (f.frozen - pos);
}

void SimNetwork::send_datagram(std::size_t from, const Address& to,
                               std::span<const std::uint8_t> bytes) {
  Node& n = nodes_[from];
  ++n.counters.datagrams;
  n.counters.datagram_bytes += bytes.size();
  if (lost()) return;
  Event e;
  e.at = now_ + delay();
  e.kind = Kind::Datagram;
  e.node = std::uint32_t(from);
  e.to = to;
  e.from = n.address;
  e.bytes.assign(bytes.begin(), bytes.end());
  push(std::move(e));
}

void SimNetwork::send_stream(std::size_t from, const Address& to, std::uint64_t id,
                             std::vector<std::uint8_t> bytes) {
  Node& n = nodes_[from];
  ++n.counters.streams;
  n.counters.stream_bytes += bytes.size();
  Event e;
  e.node = std::uint32_t(from);
  e.generation = n.generation;
  e.stream_id = id;
  e.from = n.address;
  e.to = to;
  auto dest = node_at(to);
  if (stream_hook_ && dest) stream_hook_(from, *dest, false, bytes);
  if (!dest || !nodes_[*dest].m || !reachable(from, *dest)) {
    e.kind = Kind::StreamResponse;
    e.ok = false;
    e.at = now_ + link_.stream_fail_after;
    push(std::move(e));
    return;
  }
  e.kind = Kind::StreamRequest;
  e.bytes = std::move(bytes);
  e.at = now_ + 2 * delay() + (lost() ? link_.stream_loss_delay : Duration::zero());
  push(std::move(e));
}

void SimNetwork::run_until(TimePoint t) {
  while (!queue_.empty() && queue_.top().at <= t) {
    Event e = std::move(const_cast<Event&>(queue_.top()));
    queue_.pop();
    now_ = e.at;
    process(e);
  }
  now_ = std::max(now_, t);
}

bool SimNetwork::run_until_true(const std::function<bool()>& pred, Duration limit, Duration step) {
  const TimePoint end = now_ + limit;
  while (now_ < end) {
    if (pred()) return true;
    run_until(std::min(end, now_ + step));
  }
  return pred();
}

void SimNetwork::process(Event& e) {
  // Which node handles this event, and is it frozen right now?
  std::optional<std::size_t> target;
  switch (e.kind) {
    case Kind::Datagram:
    case Kind::StreamRequest:
      target = node_at(e.to);
      break;
    default:
      target = e.node;
  }
  if (!target) return;
  Node& n = nodes_[*target];
  if (n.m) {
    if (auto thaw = thaw_time(n, now_)) {
      e.at = *thaw;  // keeps orig_at, so a postponed tick is still recognised
      push(std::move(e));
      return;
    }
  }
  switch (e.kind) {
    case Kind::Tick:
      if (e.generation != n.generation || !n.m || e.orig_at != n.tick_at) return;
      n.tick_at = TimePoint::max();
      n.m->tick(now_);
      if (n.app && n.m && n.app->next_deadline() <= now_) n.app->tick(now_);
      break;
    case Kind::Stop:
      if (e.generation == n.generation) kill(*target);
      return;
    case Kind::Datagram:
      if (!n.m || !reachable(e.node, *target)) return;
      ++n.counters.datagrams_received;
      n.m->on_datagram(e.from, e.bytes, now_);
      break;
    case Kind::StreamRequest: {
      Event reply;
      reply.kind = Kind::StreamResponse;
      reply.node = e.node;
      reply.generation = e.generation;
      reply.stream_id = e.stream_id;
      if (!n.m || !reachable(e.node, *target)) {
        reply.ok = false;
        reply.at = now_ + link_.stream_fail_after;
        push(std::move(reply));
        return;
      }
      reply.bytes = n.m->on_stream_request(e.from, e.bytes, now_);
      if (stream_hook_) stream_hook_(*target, e.node, true, reply.bytes);
      ++n.counters.streams;
      n.counters.stream_bytes += reply.bytes.size();
      reply.ok = !reply.bytes.empty();
      reply.at = now_ + delay() + (lost() ? link_.stream_loss_delay : Duration::zero());
      push(std::move(reply));
      break;
    }
    case Kind::StreamResponse:
      if (e.generation != n.generation || !n.m) return;
      if (e.ok) {
        n.m->on_stream_response(e.stream_id, std::move(e.bytes), now_);
      } else {
        n.m->on_stream_response(e.stream_id, Result<std::vector<std::uint8_t>>(
                                                 internal("connection failed")), now_);
      }
      break;
  }
  reschedule(*target);
}

void SimNetwork::reschedule(std::size_t idx) {
  Node& n = nodes_[idx];
  if (!n.m) return;
  TimePoint d = n.m->next_deadline();
  if (n.app) d = std::min(d, n.app->next_deadline());
  d = std::max(d, now_);
  if (d >= n.tick_at) return;
  n.tick_at = d;
  Event e;
  e.at = d;
  e.kind = Kind::Tick;
  e.node = std::uint32_t(idx);
  e.generation = n.generation;
  push(std::move(e));
}

bool SimNetwork::converged() const {
  std::size_t live = 0;
  for (const auto& n : nodes_)
    if (n.m) ++live;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const auto& n = nodes_[i];
    if (!n.m) continue;
    std::size_t alive = 0;
    for (const auto& row : n.m->members()) {
      if (row.state != MemberState::Alive) continue;
      auto at = node_at(row.address);
      if (!at || !nodes_[*at].m || nodes_[*at].name != row.name) return false;
      ++alive;
    }
    if (alive != live) return false;
  }
  return true;
}

std::optional<MemberState> SimNetwork::state_of(std::size_t observer, std::size_t subject) const {
  if (!nodes_[observer].m) return std::nullopt;
  const Member* m = nodes_[observer].m->find(nodes_[subject].name);
  if (!m) return std::nullopt;
  return m->state;
}

}  // namespace roster::gossip::sim
