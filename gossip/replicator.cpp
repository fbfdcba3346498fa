#include "gossip/replicator.hpp"

#include <algorithm>

#include "common/strings.hpp"

namespace roster::gossip::replica {
namespace {

// The broadcast queue is keyed per subject; ours must not collide with the
// membership core's own keys, hence the prefix.
std::string rumor_key(std::string_view name) { return "reg:" + to_lower(name); }

}  // namespace

Replicator::Replicator(ReplicatorConfig config, Broadcaster& gossip, Logger log)
    : cfg_(std::move(config)),
      gossip_(gossip),
      log_(std::move(log)),
      store_(cfg_.self, cfg_.boot, cfg_.tombstone_ttl),
      self_tag_(tag_of(cfg_.self)) {}

WallTime Replicator::wall(TimePoint now) const {
  return cfg_.wall_origin + std::chrono::duration_cast<WallTime::duration>(now - cfg_.steady_origin);
}

// --- local changes --------------------------------------------------------------

void Replicator::set_local(const registry::NodeRecord& record, TimePoint) {
  const auto change = store_.set_local(record);
  if (!change) return;
  if (change->quiet && !cfg_.gossip_output_changes) return;  // anti-entropy carries it
  announce_local();
}

void Replicator::announce_local() {
  const Rumor r = store_.local_rumor();
  if (gossip_.broadcast(rumor_key(cfg_.self), encode_rumor(r))) ++stats_.rumors_sent;
}

void Replicator::member_returned(const std::string& name, TimePoint now) {
  last_returned_ = name;
  if (!first_return_) first_return_ = now;
  reannounce_at_ = std::min(now + cfg_.reannounce_quiet, *first_return_ + cfg_.reannounce_within);
}

void Replicator::announce(const Replica& rep) {
  Rumor r;
  r.owner = tag_of(rep.name);
  r.holder = self_tag_;
  r.stamp = rep.stamp;
  r.digest = rep.digest;
  if (gossip_.broadcast(rumor_key(rep.name), encode_rumor(r))) ++stats_.rumors_sent;
}

// --- what the registry sees ---------------------------------------------------------

std::shared_ptr<const registry::NodeRecord> Replicator::effective(std::string_view name) const {
  const Replica* r = store_.find(name);
  if (!r || r->removed() || iequals(name, cfg_.self)) return nullptr;
  if (member_state(name) != MemberState::Dead) return r->record;
  // Failed: every instance of the node turns critical through its serfHealth check.
  auto copy = std::make_shared<registry::NodeRecord>(*r->record);
  const std::string id(registry::kSerfCheckId);
  registry::Check serf;
  if (const registry::Check* c = copy->checks.get(id)) serf = *c;
  serf.id = id;
  if (serf.name.empty()) serf.name = registry::kSerfCheckName;
  serf.type = registry::CheckType::Serf;
  serf.service_id.clear();
  serf.status = registry::HealthStatus::Critical;
  serf.output = kSerfFailedOutput;
  copy->checks.set(id, std::move(serf));
  return copy;
}

void Replicator::queue_update(const std::string& name) {
  if (iequals(name, cfg_.self)) return;
  updates_[to_lower(name)] = Update{name, effective(name)};
}

std::vector<Replicator::Update> Replicator::take_updates() {
  std::vector<Update> out;
  out.reserve(updates_.size());
  for (auto& [key, u] : updates_) out.push_back(std::move(u));
  updates_.clear();
  return out;
}

// --- membership ---------------------------------------------------------------------

MemberState Replicator::member_state(std::string_view name) const {
  const auto it = members_.find(to_lower(name));
  return it == members_.end() ? MemberState::Alive : it->second.second;
}

bool Replicator::is_member(std::string_view name) const { return members_.count(to_lower(name)) > 0; }

std::string Replicator::name_of_tag(std::uint64_t tag) const {
  const auto held = store_.find_tag(tag);
  if (held.size() == 1) return held.front()->name;
  const auto range = member_tags_.equal_range(tag);
  if (range.first != range.second && std::next(range.first) == range.second)
    return members_.at(range.first->second).first;
  return {};  // unknown, or two names share the tag: anti-entropy will sort it out
}

void Replicator::on_member_event(const MemberEvent& ev) {
  const std::string& name = ev.member.name;
  if (name.empty() || iequals(name, cfg_.self)) return;
  const std::string key = to_lower(name);
  const MemberState before = member_state(name);
  const bool known = is_member(name);
  const auto remember = [&](MemberState s) {
    if (!known) member_tags_.emplace(tag_of(key), key);
    members_[key] = {name, s};
  };
  switch (ev.kind) {
    case MemberEventKind::Joined:
    case MemberEventKind::Updated: {
      remember(MemberState::Alive);
      const Replica* r = store_.find(name);
      if (r && r->removed()) {
        // Alive again after we removed it (a refuted leave, or a new boot):
        // its own record is the truth; ask it.
        store_.forget_tombstone(name);
        Pending& p = pending_[tag_of(key)];
        p.candidates = {name};
        p.next = 0;
        p.due = ev.at;
        pump(ev.at);
      } else if (before == MemberState::Dead) {
        queue_update(name);  // serfHealth back to what the owner says
      }
      if (known && before == MemberState::Dead) member_returned(name, ev.at);
      break;
    }
    case MemberEventKind::Suspect:
      remember(MemberState::Suspect);  // still up: nothing changes for readers
      break;
    case MemberEventKind::Failed:
      remember(MemberState::Dead);
      if (before != MemberState::Dead) queue_update(name);
      break;
    case MemberEventKind::Left:
      remember(MemberState::Left);
      if (store_.remove(name, wall(ev.at))) {
        ++stats_.records_removed;
        queue_update(name);
      }
      break;
    case MemberEventKind::Reaped: {
      if (store_.remove(name, wall(ev.at))) {
        ++stats_.records_removed;
        queue_update(name);
      }
      members_.erase(key);
      const auto range = member_tags_.equal_range(tag_of(key));
      for (auto t = range.first; t != range.second; ++t)
        if (t->second == key) {
          member_tags_.erase(t);
          break;
        }
      break;
    }
  }
}

// --- merging ------------------------------------------------------------------------

Merge Replicator::take(const Shipped& item, TimePoint now) {
  // A removal shipped by a peer is taken even if membership still shows the
  // node: were it wrong (a refuted leave), the owner hears of the tombstone
  // at its next anti-entropy round and outranks it with a new version.
  const MemberState state = member_state(item.name);
  Shipped gated;
  const Shipped* in = &item;
  if (!item.removed && state == MemberState::Left && is_member(item.name)) {
    // A record of a node that left: keep only the fact that it is gone.
    gated = Shipped{item.name, item.stamp, true, std::chrono::duration_cast<std::chrono::seconds>(
                                                     wall(now).time_since_epoch()).count(), nullptr};
    in = &gated;
  }
  const Merge m = store_.merge(*in, wall(now));
  switch (m) {
    case Merge::Applied:
    case Merge::ConflictWon:
      ++stats_.records_applied;
      queue_update(item.name);
      break;
    case Merge::Removed:
      ++stats_.records_removed;
      queue_update(item.name);
      break;
    case Merge::OwnNewer:
      log_.info("a peer held a newer state of this node; version raised past it", {{"peer_stamp", std::to_string(item.stamp.version)}});
      announce_local();
      break;
    case Merge::ConflictLost:
      log_.debug("same version, different record; kept the higher digest", {{"node", item.name}});
      break;
    case Merge::Invalid:
      log_.debug("undecodable record ignored", {{"node", item.name}});
      break;
    default:
      break;
  }
  return m;
}

// --- rumors and fetches -----------------------------------------------------------------

std::optional<std::string> Replicator::on_broadcast(std::span<const std::uint8_t> payload, TimePoint now) {
  const auto rumor = decode_rumor(payload);
  if (!rumor) {
    // A later format is not an error; anything else undecodable is counted.
    if (payload.size() < 2 || payload[0] <= kFormat) ++stats_.rumors_malformed;
    return std::nullopt;
  }
  ++stats_.rumors;
  if (rumor->owner == self_tag_) {
    if (store_.outrank(rumor->stamp, rumor->digest)) announce_local();
    return std::nullopt;
  }
  const auto held = store_.find_tag(rumor->owner);
  if (!held.empty() && std::none_of(held.begin(), held.end(), [&](const Replica* r) {
        return store_.would_take(r->name, rumor->stamp, rumor->digest);
      }))
    return std::nullopt;  // old news
  const std::string holder = name_of_tag(rumor->holder);
  const std::string owner = name_of_tag(rumor->owner);
  auto it = pending_.find(rumor->owner);
  if (it != pending_.end() && it->second.stamp >= rumor->stamp) {
    // Already fetching this (or newer): one more node to ask if need be.
    if (!holder.empty() &&
        std::find(it->second.candidates.begin(), it->second.candidates.end(), holder) == it->second.candidates.end())
      it->second.candidates.push_back(holder);
    return std::nullopt;
  }
  std::vector<std::string> candidates;
  for (const auto& c : {holder, owner})
    if (!c.empty() && !iequals(c, cfg_.self) && std::find(candidates.begin(), candidates.end(), c) == candidates.end())
      candidates.push_back(c);
  if (candidates.empty()) return std::nullopt;  // nobody we know: anti-entropy will bring it
  ++stats_.rumors_news;
  Pending& p = pending_[rumor->owner];
  if (p.in_flight()) {
    // A fetch for an older stamp is in flight: its answer may not satisfy
    // this one; the new stamp is checked when it returns.
    p.stamp = rumor->stamp;
    p.digest = rumor->digest;
    for (const auto& c : candidates)
      if (std::find(p.candidates.begin(), p.candidates.end(), c) == p.candidates.end()) p.candidates.push_back(c);
    return std::nullopt;
  }
  p = Pending{rumor->stamp, rumor->digest, std::move(candidates), 0, 0, now, {}, {}, 0};
  pump(now);
  // Not re-broadcast as is: we announce it ourselves, as holder, once we have it.
  return std::nullopt;
}

std::optional<std::uint64_t> Replicator::send(RequestKind kind, const std::string& peer, Bytes payload,
                                              std::vector<std::uint64_t> tags, bool more) {
  if (kind != RequestKind::Fetch) stats_.sync_bytes_sent += payload.size();
  const auto id = gossip_.request(peer, std::move(payload));
  if (!id) {
    log_.debug("replica request not sent", {{"peer", peer}, {"error", id.error().message}});
    return std::nullopt;
  }
  requests_[*id] = Request{kind, peer, std::move(tags), more};
  ++inflight_[peer];
  return *id;
}

const std::string* Replicator::hedge_peer(const Pending& p) const {
  if (p.out.empty() || p.hedges >= cfg_.max_hedges || p.candidates.size() < p.hedges + 2) return nullptr;
  return &p.candidates[(p.next + p.hedges + 1) % p.candidates.size()];
}

void Replicator::pump(TimePoint now) {
  // Due fetches, one request per holder carrying all its tags; and hedges of
  // fetches unanswered for hedge_after, to the next holder.
  std::map<std::string, std::vector<std::uint64_t>> by_peer, hedges;
  std::vector<std::uint64_t> abandoned;
  for (auto& [tag, p] : pending_) {
    if (p.in_flight()) {
      if (now >= p.sent_at + cfg_.hedge_after)
        if (const std::string* peer = hedge_peer(p); peer && inflight_[*peer] < cfg_.max_requests_per_peer)
          hedges[*peer].push_back(tag);
      continue;
    }
    if (p.due > now) continue;
    if (p.candidates.empty() || p.attempts >= cfg_.fetch_attempts) {
      abandoned.push_back(tag);
      continue;
    }
    const std::string& peer = p.candidates[p.next % p.candidates.size()];
    if (inflight_[peer] >= cfg_.max_requests_per_peer) continue;
    by_peer[peer].push_back(tag);
  }
  for (const auto tag : abandoned) {
    pending_.erase(tag);
    ++stats_.fetches_abandoned;
  }
  // One fetch request per peer for all its tags; `each(pending, id)` records it.
  const auto fetch = [&](const std::map<std::string, std::vector<std::uint64_t>>& plan, std::uint64_t& counter,
                         const auto& each) {
    for (const auto& [peer, tags] : plan) {
      RecordsMsg want;
      want.want_tags = tags;
      ++counter;
      const auto id = send(RequestKind::Fetch, peer, encode_records(want), tags);
      for (const auto tag : tags) each(pending_.at(tag), id);
    }
  };
  fetch(by_peer, stats_.fetches, [&](Pending& p, const std::optional<std::uint64_t>& id) {
    ++p.attempts;
    p.hedges = 0;
    if (id) {
      p.out.push_back(*id);
      p.sent_at = now;
    } else {
      ++stats_.fetch_failures;
      ++p.next;
      p.due = now + cfg_.fetch_retry;
    }
  });
  fetch(hedges, stats_.fetches_hedged, [&](Pending& p, const std::optional<std::uint64_t>& id) {
    ++p.hedges;
    if (!id) return;
    p.out.push_back(*id);
    p.sent_at = now;
  });
}

void Replicator::fetch_done(std::uint64_t id, const Request& req, bool answered, TimePoint now) {
  for (const auto tag : req.tags) {
    const auto it = pending_.find(tag);
    if (it == pending_.end()) continue;
    Pending& p = it->second;
    const auto mine = std::find(p.out.begin(), p.out.end(), id);
    if (mine == p.out.end()) continue;  // an answer for an earlier attempt
    p.out.erase(mine);
    const auto held = store_.find_tag(tag);
    const bool satisfied = std::any_of(held.begin(), held.end(), [&](const Replica* r) {
      return !store_.would_take(r->name, p.stamp, p.digest);
    });
    if (satisfied) {
      pending_.erase(it);  // an answer to the other request, if out, finds nothing to do
      continue;
    }
    if (p.in_flight()) continue;  // another request may still bring it
    // No holder asked had it (yet) or could be reached: the next ones.
    p.next += p.hedges + 1;
    p.hedges = 0;
    p.due = answered ? now + cfg_.fetch_retry : now;
  }
}

std::vector<std::uint8_t> Replicator::local_state(const std::string&, bool) {
  return encode_digest(fold(store_.summary()));
}

void Replicator::merge_remote_state(const std::string& peer, std::span<const std::uint8_t> state, bool,
                                    TimePoint) {
  const auto theirs = decode_digest(state);
  if (!theirs) {
    if (!state.empty()) ++stats_.requests_malformed;
    return;
  }
  if (*theirs == fold(store_.summary())) {
    ++stats_.syncs_agreed;
    return;
  }
  // Both sides see the difference; one of them leads the exchange.
  if (to_lower(cfg_.self) < to_lower(peer)) start_sync(peer);
}

void Replicator::start_sync(const std::string& peer) {
  ++stats_.syncs;
  send(RequestKind::Sync, peer, encode_summary(store_.summary()));
}

void Replicator::sync_answered(const Request& req, const Result<std::vector<std::uint8_t>>& response) {
  if (!response || response->empty()) return;  // unreachable now: a later round tries again
  const auto theirs = decode_entries(*response);
  if (!theirs) {
    ++stats_.requests_malformed;
    return;
  }
  const auto plan = store_.compare(theirs->bucket_mask, theirs->entries);
  if (plan.ship.empty() && plan.want.empty()) return;
  RecordsMsg push = ship(plan.ship, {});
  push.want_names = plan.want;
  const bool more = push.truncated;
  push.truncated = false;  // ours to repeat, not the peer's
  send(RequestKind::Push, req.peer, encode_records(push), {}, more);
}

RecordsMsg Replicator::ship(const std::vector<std::string>& names, const std::vector<std::uint64_t>& tags) const {
  RecordsMsg out;
  std::size_t bytes = 0;
  std::set<std::string> seen;
  const auto add = [&](const Replica& r) {
    if (!seen.insert(to_lower(r.name)).second) return;
    const std::size_t size = r.name.size() + 32 + (r.bytes ? r.bytes->size() : 0);
    if (bytes + size > cfg_.max_message_bytes && !out.records.empty()) {
      out.truncated = true;
      return;
    }
    bytes += size;
    out.records.push_back(Shipped{r.name, r.stamp, r.removed(), r.removed_at, r.bytes});
  };
  for (const auto& n : names)
    if (const Replica* r = store_.find(n)) add(*r);
  for (const auto t : tags)
    for (const Replica* r : store_.find_tag(t)) add(*r);
  return out;
}

std::vector<std::uint8_t> Replicator::on_request(const std::string& from, std::span<const std::uint8_t> payload,
                                                 TimePoint now) {
  switch (kind_of(payload).value_or(Kind::Rumor)) {
    case Kind::Summary: {  // a sync leader's: our entries in the buckets that differ
      const auto theirs = decode_summary(payload);
      if (!theirs) break;
      EntriesMsg m;
      m.bucket_mask = ReplicaStore::differing(store_.summary(), *theirs);
      m.entries = store_.entries(m.bucket_mask);
      return encode_entries(m);
    }
    case Kind::Records: {
      const auto m = decode_records(payload);
      if (!m) break;
      for (const auto& item : m->records) take(item, now);
      if (m->want_names.empty() && m->want_tags.empty()) return {};
      return encode_records(ship(m->want_names, m->want_tags));
    }
    default:
      break;
  }
  ++stats_.requests_malformed;
  log_.debug("unreadable replica request", {{"from", from}});
  return {};
}

void Replicator::on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response, TimePoint now) {
  const auto node = requests_.extract(id);
  if (node.empty()) return;
  const Request& req = node.mapped();
  if (auto it = inflight_.find(req.peer); it != inflight_.end() && --it->second == 0) inflight_.erase(it);
  if (req.kind == RequestKind::Sync) {
    sync_answered(req, response);
    pump(now);
    return;
  }
  std::optional<RecordsMsg> m;
  if (response && !response->empty()) {
    m = decode_records(*response);
    if (!m) ++stats_.requests_malformed;
  }
  if (m)
    for (const auto& item : m->records) {
      const Merge r = take(item, now);
      // A record fetched for a rumor: now we hold it, pass the rumor on.
      if (req.kind == RequestKind::Fetch && (r == Merge::Applied || r == Merge::ConflictWon))
        if (const Replica* rep = store_.find(item.name)) announce(*rep);
    }
  switch (req.kind) {
    case RequestKind::Fetch:
      if (!response) ++stats_.fetch_failures;
      fetch_done(id, req, response.ok(), now);
      break;
    case RequestKind::Sync:
      break;
    case RequestKind::Push:
      // Records the leader wanted. More than one message could carry, either
      // way: go again.
      if (req.more || (m && m->truncated)) start_sync(req.peer);
      break;
  }
  pump(now);
}

// --- timers -----------------------------------------------------------------------------

void Replicator::tick(TimePoint now) {
  store_.expire(wall(now));
  if (reannounce_at_ && *reannounce_at_ <= now) {
    reannounce_at_.reset();
    first_return_.reset();
    ++stats_.reannounced;
    announce_local();
    if (is_member(last_returned_) && member_state(last_returned_) == MemberState::Alive) start_sync(last_returned_);
    last_returned_.clear();
  }
  pump(now);
}

TimePoint Replicator::next_deadline() const {
  TimePoint next = reannounce_at_.value_or(TimePoint::max());
  const auto busy = [&](const std::string& peer) {
    const auto it = inflight_.find(peer);
    return it != inflight_.end() && it->second >= cfg_.max_requests_per_peer;
  };
  for (const auto& [tag, p] : pending_) {
    // Waiting for a slot at a busy peer: the answer that frees it pumps
    // again (on_response), so no timer is due for it. Counting its past due
    // time kept the caller's timer firing in a loop until then.
    if (p.in_flight()) {
      const std::string* peer = hedge_peer(p);
      if (peer && !busy(*peer)) next = std::min(next, p.sent_at + cfg_.hedge_after);
      continue;
    }
    if (!p.candidates.empty() && p.attempts < cfg_.fetch_attempts &&
        busy(p.candidates[p.next % p.candidates.size()]))
      continue;
    next = std::min(next, p.due);
  }
  return next;
}

}  // namespace roster::gossip::replica
