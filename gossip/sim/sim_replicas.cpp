#include "gossip/sim/sim_replicas.hpp"

#include <cstdio>

namespace roster::gossip::sim {

registry::NodeRecord sim_record(const std::string& node, std::size_t index, int services) {
  registry::NodeRecord r;
  const std::string address = "10." + std::to_string((index >> 16) & 255) + "." +
                              std::to_string((index >> 8) & 255) + "." + std::to_string(index & 255);
  r.node.name = node;
  char id[40];
  std::snprintf(id, sizeof id, "0b3f1c7e-5d2a-4c11-9e0f-%012zx", index);
  r.node.id = id;
  r.node.address = address;
  r.node.datacenter = "dc1";
  r.node.meta = {{"rack", "r" + std::to_string(index % 8)}};
  const registry::Check serf = registry::serf_alive_check();
  r.checks.set(serf.id, serf);
  for (int i = 0; i < services; ++i) {
    registry::Service s;
    s.id = "web-" + std::to_string(i);
    s.name = "web";
    s.port = 8080 + i;
    s.tags = {"v2", "primary"};
    s.meta = {{"version", "2.4.1"}};
    r.services.set(s.id, s);
    registry::Check c;
    c.id = "service:" + s.id;
    c.name = "Service 'web' check";
    c.status = registry::HealthStatus::Passing;
    c.output = "HTTP GET http://" + address + ":" + std::to_string(s.port) + "/health: 200 OK";
    c.service_id = s.id;
    c.service_name = s.name;
    c.service_tags = s.tags;
    c.type = registry::CheckType::Http;
    c.spec.http = "http://" + address + ":" + std::to_string(s.port) + "/health";
    c.spec.interval = std::chrono::seconds(10);
    r.checks.set(c.id, c);
  }
  return r;
}

// One node's Replicator, fed and ticked by the network like the agent's
// gossip thread would. Registry updates are taken and dropped: the store is
// the replica.
class SimReplicas::Node final : public SimApp {
 public:
  Node(SimNetwork& net, std::size_t idx, replica::ReplicatorConfig cfg)
      : rep(std::move(cfg), net.node(idx), Logger(nullptr, "replica")) {}
  void on_member_event(const MemberEvent& e) override { rep.on_member_event(e); }
  void tick(TimePoint now) override {
    rep.tick(now);
    (void)rep.take_updates();
  }
  TimePoint next_deadline() const override { return rep.next_deadline(); }

  replica::Replicator rep;
};

SimReplicas::SimReplicas(SimNetwork& net,
                         const std::function<registry::NodeRecord(std::size_t)>& record)
    : net_(net) {
  const replica::WallTime wall0 = replica::WallTime(std::chrono::seconds(1'750'000'000));
  nodes_.resize(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (!net.up(i)) continue;
    replica::ReplicatorConfig cfg;
    cfg.self = net.name(i);
    cfg.boot = 1 + i;
    cfg.steady_origin = net.now();
    cfg.wall_origin = wall0;
    nodes_[i] = std::make_unique<Node>(net, i, std::move(cfg));
    Node& n = *nodes_[i];
    net.set_delegate(i, &n.rep);
    net.set_app(i, &n);
    for (const Member& m : net.node(i).members()) {
      if (m.name == net.name(i)) continue;
      MemberEvent ev;
      ev.kind = m.state == MemberState::Alive || m.state == MemberState::Suspect
                    ? MemberEventKind::Joined
                    : (m.state == MemberState::Left ? MemberEventKind::Left : MemberEventKind::Failed);
      ev.member = m;
      ev.at = net.now();
      n.rep.on_member_event(ev);
    }
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i]) set_local(i, record(i));
}

SimReplicas::~SimReplicas() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]) continue;
    net_.set_delegate(i, nullptr);
    net_.set_app(i, nullptr);
  }
}

void SimReplicas::set_local(std::size_t i, const registry::NodeRecord& record) {
  nodes_[i]->rep.set_local(record, net_.now());
  net_.wake(i);
}

const replica::Replicator& SimReplicas::at(std::size_t i) const { return nodes_[i]->rep; }

std::optional<replica::Stamp> SimReplicas::stamp_of(std::size_t observer, std::size_t owner) const {
  const replica::Replica* r = nodes_[observer]->rep.store().find(net_.name(owner));
  if (!r) return std::nullopt;
  return r->stamp;
}

bool SimReplicas::identical() const {
  const replica::Summary* first = nullptr;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i] || !net_.up(i)) continue;
    const replica::Summary& s = nodes_[i]->rep.store().summary();
    if (!first) first = &s;
    else if (s != *first) return false;
  }
  return true;
}

replica::ReplicatorStats SimReplicas::total_stats() const {
  replica::ReplicatorStats t;
  for (const auto& n : nodes_) {
    if (!n) continue;
    const auto& s = n->rep.stats();
    t.rumors += s.rumors, t.rumors_malformed += s.rumors_malformed, t.rumors_news += s.rumors_news;
    t.rumors_sent += s.rumors_sent, t.reannounced += s.reannounced, t.fetches += s.fetches, t.fetch_failures += s.fetch_failures;
    t.fetches_abandoned += s.fetches_abandoned, t.fetches_hedged += s.fetches_hedged, t.syncs += s.syncs, t.syncs_agreed += s.syncs_agreed;
    t.sync_bytes_sent += s.sync_bytes_sent, t.records_applied += s.records_applied;
    t.records_removed += s.records_removed, t.requests_malformed += s.requests_malformed;
  }
  return t;
}

}  // namespace roster::gossip::sim
