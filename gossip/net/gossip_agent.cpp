#include "gossip/net/gossip_agent.hpp"

#include <algorithm>
#include <random>

#include "common/strings.hpp"
#include "gossip/codec.hpp"
#include "gossip/net/join_address.hpp"

namespace roster::gossip::net {

using namespace std::chrono_literals;

int consul_status(MemberState state, bool leaving) {
  if (leaving) return 2;
  switch (state) {
    case MemberState::Alive:
    case MemberState::Suspect: return 1;  // Consul lists a suspect member as alive
    case MemberState::Left: return 3;
    case MemberState::Dead: return 4;
  }
  return 0;
}

namespace {

// force-leave -prune, spread as an application broadcast: 'P', version 1,
// the member's tag (name and boot), big-endian. Older agents see a rumor of
// a later format and drop it.
constexpr std::uint8_t kPruneMagic = 'P';

std::vector<std::uint8_t> encode_prune(MemberTag tag) {
  std::vector<std::uint8_t> out{kPruneMagic, 1};
  for (int i = 7; i >= 0; --i) out.push_back(std::uint8_t(tag >> (8 * i)));
  return out;
}

std::optional<MemberTag> decode_prune(std::span<const std::uint8_t> b) {
  if (b.size() != 10 || b[0] != kPruneMagic || b[1] != 1) return std::nullopt;
  MemberTag tag = 0;
  for (std::size_t i = 2; i < 10; ++i) tag = (tag << 8) | b[i];
  return tag;
}

std::string prune_key(MemberTag tag) { return "prune:" + std::to_string(tag); }

}  // namespace

// The membership core has one delegate: the replica's, but for keyring
// requests and the answers to ours, and for prunes (queued for after(): a
// delegate must not change the member table from inside the core).
class GossipAgent::AppDelegate final : public Delegate {
 public:
  AppDelegate(replica::Replicator& replica, KeyringQueries& keyring, std::vector<MemberTag>& prunes)
      : replica_(replica), keyring_(keyring), prunes_(prunes) {}
  std::optional<std::string> on_broadcast(std::span<const std::uint8_t> payload, TimePoint now) override {
    if (auto tag = decode_prune(payload)) {
      if (!seen_prunes_.insert(*tag).second) return std::nullopt;  // old news
      prunes_.push_back(*tag);
      return prune_key(*tag);
    }
    return replica_.on_broadcast(payload, now);
  }
  void seen(MemberTag tag) { seen_prunes_.insert(tag); }
  std::vector<std::uint8_t> local_state(const std::string& peer, bool join) override {
    return replica_.local_state(peer, join);
  }
  void merge_remote_state(const std::string& peer, std::span<const std::uint8_t> state, bool join,
                          TimePoint now) override {
    replica_.merge_remote_state(peer, state, join, now);
  }
  std::vector<std::uint8_t> on_request(const std::string& from, std::span<const std::uint8_t> payload,
                                       TimePoint now) override {
    if (is_keyring_payload(payload)) return keyring_.on_request(from, payload);
    return replica_.on_request(from, payload, now);
  }
  void on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response, TimePoint now) override {
    if (!keyring_.on_response(id, response)) replica_.on_response(id, response, now);
  }

 private:
  replica::Replicator& replica_;
  KeyringQueries& keyring_;
  std::vector<MemberTag>& prunes_;
  std::set<MemberTag> seen_prunes_;
};

GossipAgent::GossipAgent(GossipAgentOptions options, const Clock& clock, Logger log)
    : options_(std::move(options)), clock_(clock), log_(std::move(log)) {}

GossipAgent::~GossipAgent() { stop(); }

Result<std::unique_ptr<GossipAgent>> GossipAgent::create(GossipAgentOptions options, const Clock& clock,
                                                         Logger log) {
  std::unique_ptr<GossipAgent> g(new GossipAgent(std::move(options), clock, std::move(log)));
  GossipAgentOptions& o = g->options_;
  auto transport = NetTransport::bind(g->io_, o.transport, g->log_.named("gossip.net"));
  if (!transport) return transport.error();
  g->transport_ = std::move(*transport);
  g->port_ = g->transport_->port();

  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(o.advertise_ip, ec);
  if (ec) return invalid("invalid advertise address \"" + o.advertise_ip + "\" for gossip");
  Identity self;
  self.name = o.node_name;
  self.boot_id = o.transport.boot_id;
  self.address = to_address(ip, g->port_);
  self.incarnation = o.incarnation;
  auto meta = encode_tags(o.tags);
  if (!meta) return meta.error();
  self.meta = std::move(*meta);
  // The envelope the transport adds must fit the packet budget.
  o.config.envelope_overhead = std::max(o.config.envelope_overhead, g->transport_->envelope_overhead());
  const TimePoint now = clock.now();
  g->membership_ = std::make_unique<Membership>(o.config, self, *g->transport_, g->log_.named("gossip"),
                                                std::random_device{}() ^ o.transport.boot_id, now);
  g->replicator_ = std::make_unique<replica::Replicator>(o.replica, *g->membership_, g->log_.named("replica"));
  auto keys = o.transport.keys ? o.transport.keys : std::make_shared<crypto::KeyringStore>();
  g->keyring_ = std::make_unique<KeyringQueries>(std::move(keys), *g->membership_);
  g->delegate_ = std::make_unique<AppDelegate>(*g->replicator_, *g->keyring_, g->prunes_);
  g->membership_->set_delegate(g->delegate_.get());
  g->membership_->set_listener(g.get());
  g->membership_->set_join_callback([raw = g.get()](const Status& s) { raw->on_join_done(s); });
  return g;
}

// --- the protocol thread -----------------------------------------------------------

void GossipAgent::start() {
  std::lock_guard lk(state_mu_);
  if (running_ || stopped_) return;
  transport_->start(*this);
  if (options_.transport.fault.freeze > Duration::zero()) {
    log_.warn("TEST-ONLY fault injection: the gossip thread freezes every second",
              {{"freeze_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               options_.transport.fault.freeze).count())}});
    freeze_cycle();
  }
  if (options_.transport.fault.drop > 0)
    log_.warn("TEST-ONLY fault injection: dropping outgoing gossip datagrams",
              {{"probability", std::to_string(options_.transport.fault.drop)}});
  asio::post(io_, [this] { after(); });
  running_ = true;
  thread_ = std::thread([this] { io_.run(); });
  thread_id_ = thread_.get_id();
}

void GossipAgent::stop() {
  {
    std::lock_guard lk(state_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (!running_) {
      thread_done_ = true;
      return;
    }
    running_ = false;
  }
  asio::post(io_, [this] {
    transport_->stop();
    timer_.cancel();
    freeze_timer_.cancel();
    local_timer_.cancel();
    if (join_promise_) {
      join_promise_->set_value(Error{ErrorCode::Internal, "the agent is shutting down"});
      join_promise_.reset();
    }
    io_.stop();
  });
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(state_mu_);
  thread_done_ = true;
  state_cv_.notify_all();
}

template <class F>
auto GossipAgent::call(F f) const -> decltype(f()) {
  using R = decltype(f());
  std::unique_lock lk(state_mu_);
  if (std::this_thread::get_id() == thread_id_) {
    lk.unlock();
    return f();
  }
  if (!running_) {
    // Not started, or stopped: once the protocol thread is gone, run here
    // (under the lock, so callers take turns).
    state_cv_.wait(lk, [this] { return !stopped_ || thread_done_; });
    return f();
  }
  auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
  auto result = task->get_future();
  asio::post(io_, [task] { (*task)(); });
  lk.unlock();
  return result.get();
}

void GossipAgent::after() {
  if (!prunes_.empty()) {
    const auto tags = std::exchange(prunes_, {});
    for (const MemberTag tag : tags)
      if (membership_->prune(tag, clock_.now())) log_.info("member pruned (force-leave -prune on another agent)");
  }
  if (sink_) {
    auto updates = replicator_->take_updates();
    if (!updates.empty()) sink_(std::move(updates));
  }
  rearm();
}

void GossipAgent::rearm() {
  const TimePoint now = clock_.now();
  // The replicator also wants a tick "now and then" (tombstone expiry).
  const TimePoint next = std::min({membership_->next_deadline(), replicator_->next_deadline(), now + 1s});
  // Already armed no later than needed: an early wake-up only recomputes.
  if (armed_ != TimePoint::max() && armed_ <= next) return;
  armed_ = next;
  timer_.expires_at(next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    on_timer();
  });
}

void GossipAgent::on_timer() {
  armed_ = TimePoint::max();
  const TimePoint now = clock_.now();
  membership_->tick(now);
  replicator_->tick(now);
  after();
}

// TEST-ONLY (fault_hook.hpp): blocks the protocol thread for `freeze` of
// every second, as a CPU-starved agent would be. The freezes start on a 1 s
// grid (re-arming after the sleep, relative to its end, made the cycle
// 1 s + freeze: 800 ms in every 1.8 s).
void GossipAgent::freeze_cycle() {
  freeze_timer_.expires_after(1s);
  freeze_wait();
}

void GossipAgent::freeze_wait() {
  freeze_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    freeze_timer_.expires_at(freeze_timer_.expiry() + 1s);
    std::this_thread::sleep_for(options_.transport.fault.freeze);
    freeze_wait();
  });
}

void GossipAgent::on_datagram(const Address& from, std::span<const std::uint8_t> payload) {
  membership_->on_datagram(from, payload, clock_.now());
  after();
}

std::vector<std::uint8_t> GossipAgent::on_stream_request(const Address& from,
                                                         std::span<const std::uint8_t> request) {
  auto answer = membership_->on_stream_request(from, request, clock_.now());
  after();
  return answer;
}

void GossipAgent::on_stream_response(std::uint64_t id, Result<std::vector<std::uint8_t>> response) {
  membership_->on_stream_response(id, std::move(response), clock_.now());
  after();
}

void GossipAgent::on_member_event(const MemberEvent& ev) {
  replicator_->on_member_event(ev);
  const auto level = ev.kind == MemberEventKind::Updated || ev.kind == MemberEventKind::Suspect ? LogLevel::Debug
                                                                                               : LogLevel::Info;
  if (log_.enabled(level))
    log_.log(level, "member " + std::string(to_string(ev.kind)),
             {{"member", ev.member.name}, {"address", ev.member.address.to_string()}});
}

void GossipAgent::on_join_done(const Status& s) {
  if (join_promise_) {
    join_promise_->set_value(s);
    join_promise_.reset();
  }
  if (s && joined_) joined_();
}

// --- operations ----------------------------------------------------------------

void GossipAgent::set_local(std::shared_ptr<const registry::NodeRecord> record) {
  if (!record) return;
  std::unique_lock lk(state_mu_);
  if (!running_) {
    if (!stopped_) replicator_->set_local(*record, clock_.now());  // before start: no other thread yet
    return;
  }
  const bool posted = pending_local_ != nullptr;
  pending_local_ = std::move(record);
  if (posted) return;
  const Duration wait = std::max(Duration::zero(), next_local_ - clock_.now());
  asio::post(io_, [this, wait] {
    if (wait == Duration::zero()) return hand_off_local();
    local_timer_.expires_after(wait);
    local_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) hand_off_local();
    });
  });
}

void GossipAgent::hand_off_local() {
  std::shared_ptr<const registry::NodeRecord> latest;
  {
    std::lock_guard lk(state_mu_);
    latest = std::move(pending_local_);
    if (!latest) return;
    const auto entries = static_cast<long>(latest->services.size() + latest->checks.size());
    next_local_ = clock_.now() + std::max(kLocalInterval, entries * kLocalPerEntry);
  }
  replicator_->set_local(*latest, clock_.now());
  after();
}

std::vector<MemberInfo> GossipAgent::members() const {
  return call([this] {
    std::vector<MemberInfo> out;
    const Member& me = membership_->self();
    for (const Member& m : membership_->members()) {
      MemberInfo i;
      i.name = m.name;
      i.address = m.address;
      i.state = m.state;
      i.self = m.tag == me.tag;
      i.status = consul_status(m.state, i.self && membership_->leaving());
      i.tags = decode_tags(m.meta);
      out.push_back(std::move(i));
    }
    std::sort(out.begin(), out.end(), [](const MemberInfo& a, const MemberInfo& b) { return a.name < b.name; });
    return out;
  });
}

Result<crypto::ClusterKeyView> GossipAgent::keyring_query(const KeyringRequest& request) {
  auto promise = std::make_shared<std::promise<crypto::ClusterKeyView>>();
  auto answer = promise->get_future();
  call([&] {
    std::vector<std::string> others;
    for (const Member& m : membership_->members())
      if (m.name != membership_->self().name && is_live(m.state)) others.push_back(m.name);
    keyring_->start(request, others, [promise](crypto::ClusterKeyView v) { promise->set_value(std::move(v)); });
    after();
  });
  if (answer.wait_for(options_.config.stream_timeout + 5s) != std::future_status::ready)
    return internal("timed out waiting for the other agents' keyring answers");
  return answer.get();
}

Status GossipAgent::join(const std::vector<std::string>& addresses) {
  std::lock_guard serial(join_mu_);
  std::vector<Address> seeds;
  std::string errors;
  for (const auto& text : addresses) {
    auto resolved = resolve_join_address(text, kDefaultSerfLanPort);
    if (!resolved) {
      errors += (errors.empty() ? "" : "; ") + resolved.error().message;
      continue;
    }
    seeds.insert(seeds.end(), resolved->begin(), resolved->end());
  }
  if (seeds.empty()) return invalid(errors.empty() ? "no address to join" : errors);
  auto promise = std::make_shared<std::promise<Status>>();
  auto outcome = promise->get_future();
  const bool started = call([&] {
    if (membership_->leaving()) return false;
    join_promise_ = promise;
    membership_->join(seeds, clock_.now());
    after();
    return true;
  });
  if (!started) return conflict("this agent is leaving the cluster");
  const Config& c = options_.config;
  const Duration limit = c.stream_timeout + (c.probe_interval + c.probe_timeout) * c.join_attempts + 1s;
  if (outcome.wait_for(limit) != std::future_status::ready) {
    call([&] { join_promise_.reset(); });
    return internal("timed out joining " + addresses.front());
  }
  Status s = outcome.get();
  if (!s && !errors.empty()) return Error{s.error().code, s.error().message + "; " + errors};
  return s;
}

void GossipAgent::leave() {
  {
    std::lock_guard lk(state_mu_);
    if (!running_) return;
  }
  const bool others = call([this] {
    if (membership_->leaving()) return false;
    const bool alone = membership_->num_live() <= 1;  // self included
    membership_->leave(clock_.now());
    after();
    return !alone;
  });
  if (!others) return;  // nobody to tell
  // Keep answering probes and gossiping while the leave spreads (Consul
  // waits its leave_propagate_delay the same way).
  std::this_thread::sleep_for(options_.config.leave_propagate);
}

Status GossipAgent::force_leave(const std::string& node, bool prune) {
  return call([&]() -> Status {
    const Member* m = membership_->find(node);
    if (!m) {
      for (const Member& row : membership_->members())
        if (iequals(row.name, node)) m = membership_->find(row.name);
    }
    if (!m) return not_found("agent: No node found with name '" + node + "'");
    if (m->tag == membership_->self().tag) return invalid("cannot force-leave this agent itself: use leave");
    const std::string name = m->name;
    if (m->state != MemberState::Left) {
      // A "dead" claim whose accuser is the subject is a leave (gossip.md
      // §1.1): fed to our own core, it turns the row "left" and spreads.
      PacketBuilder packet(options_.config.payload_budget());
      packet.add(Dead{m->tag, m->incarnation, m->tag});
      membership_->on_datagram(membership_->self().address, packet.bytes(), clock_.now());
    }
    if (prune) {
      // Spread first (the row, and with it the tag, is gone once pruned).
      const MemberTag tag = m->tag;
      delegate_->seen(tag);
      if (auto st = membership_->broadcast(prune_key(tag), encode_prune(tag)); !st) return st;
      membership_->prune(tag, clock_.now());
    }
    log_.info("forced a member to leave", {{"member", node}, {"prune", prune ? "true" : "false"}});
    after();
    return ok();
  });
}

std::vector<std::pair<std::string, std::string>> GossipAgent::stats() const {
  auto out = call([this] {
    std::vector<std::pair<std::string, std::string>> s;
    std::size_t alive = 0, failed = 0, left = 0;
    for (const Member& m : membership_->members()) {
      if (is_live(m.state)) ++alive;
      else if (m.state == MemberState::Dead) ++failed;
      else ++left;
    }
    const MembershipStats& ms = membership_->stats();
    const auto& rs = replicator_->stats();
    auto n = [](auto v) { return std::to_string(v); };
    s = {{"members", n(alive + failed + left)}, {"alive", n(alive)}, {"failed", n(failed)}, {"left", n(left)},
         {"health_score", n(membership_->health_score())},
         {"incarnation", n(membership_->self().incarnation)},
         {"probes", n(ms.probes)}, {"probes_failed", n(ms.probes_failed)},
         {"suspicions_raised", n(ms.suspicions_raised)}, {"failures_declared", n(ms.failures_declared)},
         {"refutations", n(ms.refutations)}, {"name_conflicts", n(ms.name_conflicts)},
         {"malformed_packets", n(ms.malformed_packets)}, {"push_pulls", n(ms.push_pulls)},
         {"queued_broadcasts", n(membership_->queued_broadcasts())},
         {"replica_records_applied", n(rs.records_applied)}, {"replica_fetches", n(rs.fetches)},
         {"replica_fetch_failures", n(rs.fetch_failures)}, {"replica_syncs", n(rs.syncs)},
         {"replica_pending_fetches", n(replicator_->pending_fetches())}};
    return s;
  });
  const TransportStats& t = transport_->stats();
  auto n = [](const std::atomic<std::uint64_t>& v) { return std::to_string(v.load(std::memory_order_relaxed)); };
  const auto ring = options_.transport.keys->snapshot();
  out.insert(out.end(), {{"encrypted", ring->empty() ? "false" : "true"},
                         {"port", std::to_string(port_)},
                         {"udp_sent", n(t.udp_sent)}, {"udp_sent_bytes", n(t.udp_sent_bytes)},
                         {"udp_received", n(t.udp_received)}, {"udp_received_bytes", n(t.udp_received_bytes)},
                         {"udp_rejected", n(t.udp_rejected)}, {"udp_send_errors", n(t.udp_send_errors)},
                         {"tcp_sent_bytes", n(t.tcp_sent_bytes)}, {"tcp_received_bytes", n(t.tcp_received_bytes)},
                         {"streams_out", n(t.streams_out)}, {"streams_in", n(t.streams_in)},
                         {"streams_refused", n(t.streams_refused)}, {"stream_errors", n(t.stream_errors)},
                         {"fault_dropped", std::to_string(transport_->fault_dropped())}});
  const auto counters = transport_->open_counters();
  for (std::size_t i = 0; i < counters.size(); ++i)
    if (counters[i] && i != static_cast<std::size_t>(crypto::OpenStatus::Ok))
      out.emplace_back("udp_rejected_" + std::string(crypto::to_string(static_cast<crypto::OpenStatus>(i))),
                       std::to_string(counters[i]));
  return out;
}

}  // namespace roster::gossip::net
