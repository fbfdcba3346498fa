#include "registry/registry.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "registry/check_ids.hpp"

namespace roster::registry {

// --- TTL timers ------------------------------------------------------------

void Registry::Timers::arm(const std::string& id, TtlTimer t) {
  erase(id);
  by_id_.emplace(id, t);
  by_deadline_.emplace(t.deadline, id);
}

void Registry::Timers::erase(const std::string& id) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_deadline_.erase({it->second.deadline, id});
  by_id_.erase(it);
}

const TtlTimer* Registry::Timers::find(const std::string& id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::optional<TimePoint> Registry::Timers::next() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

std::vector<std::string> Registry::Timers::expired(TimePoint now) const {
  std::vector<std::string> out;
  for (auto it = by_deadline_.begin(); it != by_deadline_.end() && it->first <= now; ++it) out.push_back(it->second);
  return out;
}

// --- construction, reads ----------------------------------------------------

Registry::Registry(LocalNode node, TimePoint, Index start)
    : datacenter_(node.datacenter), local_name_(node.name) {
  start = std::max<Index>(start, 1);
  auto rec = std::make_shared<NodeRecord>();
  rec->node = Node{node.name, node.id, node.address, node.datacenter, node.meta, start, start};
  Check serf = serf_alive_check();
  serf.create_index = serf.modify_index = start;
  rec->checks.set(serf.id, serf);
  auto s = state_.lock();
  s->index = start;
  s->local = rec;
  s->indexes = IndexTable::starting_at(start);
  *current_.lock() = std::make_shared<const Catalog>(
      s->index, datacenter_, std::vector<std::shared_ptr<const NodeRecord>>{rec},
      std::make_shared<const IndexTable>(s->indexes));
}

std::shared_ptr<const Catalog> Registry::snapshot() const {
  return *current_.lock();
}

void Registry::subscribe(Listener listener) { listeners_.lock()->push_back(std::move(listener)); }

bool Registry::is_local(std::string_view node_name) const { return iequals(node_name, local_name_); }

// --- the write path -----------------------------------------------------------

void Registry::apply(State& state, const std::shared_ptr<const NodeRecord>& before,
                     std::shared_ptr<const NodeRecord> after) {
  record_change(state.indexes, before.get(), after.get(), state.index);
  const std::string& name = after ? after->node.name : before->node.name;
  const bool local = is_local(name);
  if (local) {
    PMap<std::string, Check>::diff(before->checks, after->checks, [&](const auto* x, const auto* y) {
      if (x && !x->second.service_id.empty()) {
        auto it = state.service_checks.find(x->second.service_id);
        if (it != state.service_checks.end() && it->second.erase(x->first) && it->second.empty())
          state.service_checks.erase(it);
      }
      if (y && !y->second.service_id.empty()) state.service_checks[y->second.service_id].insert(y->first);
      track_check_state(state, x ? &x->second : nullptr, y ? &y->second : nullptr);
    });
    if (state.journal) journal_change(state, *before, *after);
  }
  // The group keeps the record as it was when the group started.
  const std::string key = to_lower(name);
  auto [pending, fresh] = state.pending_changes.try_emplace(key, Catalog::NodeChange{before, nullptr});
  pending->second.after = after;
  if (local) state.local = std::move(after);
  else if (after) state.remote[key] = std::move(after);
  else state.remote.erase(key);
  ++state.applied;
}

void Registry::track_check_state(State& s, const Check* before, const Check* after) {
  const std::string& id = after ? after->id : before->id;
  // Counters restart when the check or its definition changes.
  if (!after || !is_interval_check(after->type) || (before && (before->type != after->type || !(before->spec == after->spec))))
    s.counters.erase(id);
  const bool reapable = after && !after->service_id.empty() &&
                        after->spec.deregister_critical_after > Duration::zero() &&
                        after->status == HealthStatus::Critical;
  if (!reapable) s.critical_since.erase(id);
  else s.critical_since.try_emplace(id, s.now);  // kept while it stays critical
}

void Registry::journal_check(State& s, const Check& c) {
  std::optional<WallTime> expires;
  if (const TtlTimer* t = s.ttl_timers.find(c.id))
    expires = clock_->wall_now() +
              std::chrono::duration_cast<WallTime::duration>(t->deadline - clock_->now());
  encode_put_check(s.pending_records, c, expires);
}

void Registry::journal_change(State& s, const NodeRecord& before, const NodeRecord& after) {
  const auto config_owned = [&](const std::string& service_id) {
    return !service_id.empty() && s.config_services.count(service_id) > 0;
  };
  PMap<std::string, Service>::diff(before.services, after.services, [&](const auto* x, const auto* y) {
    const std::string& id = x ? x->first : y->first;
    if (config_owned(id)) return;
    if (y) encode_put_service(s.pending_records, y->second);
    else encode_del_service(s.pending_records, id);
  });
  PMap<std::string, Check>::diff(before.checks, after.checks, [&](const auto* x, const auto* y) {
    const Check& c = y ? y->second : x->second;
    if (c.type == CheckType::Serf || config_owned(c.service_id)) return;
    // A service's removal removes its checks on replay.
    if (!y && !c.service_id.empty() && !after.services.contains(c.service_id)) return;
    // The results of interval checks are not persisted (a restart runs them
    // again at once), only their definitions.
    if (x && y && is_interval_check(c.type) && x->second.same_definition(y->second)) return;
    if (y) {
      journal_check(s, y->second);
      s.persist_checks.erase(c.id);
    } else {
      encode_del_check(s.pending_records, c.id);
    }
  });
  for (const auto& id : s.persist_checks)
    if (const Check* c = after.checks.get(id); c && !config_owned(c->service_id)) journal_check(s, *c);
  s.persist_checks.clear();
}

std::string Registry::full_image(const State& s) const {
  std::string out;
  for (const auto& [id, svc] : s.local->services)
    if (!s.config_services.count(id)) encode_put_service(out, svc);
  for (const auto& [id, c] : s.local->checks) {
    if (c.type == CheckType::Serf || (!c.service_id.empty() && s.config_services.count(c.service_id))) continue;
    std::optional<WallTime> expires;
    if (const TtlTimer* t = s.ttl_timers.find(id))
      expires = clock_->wall_now() +
                std::chrono::duration_cast<WallTime::duration>(t->deadline - clock_->now());
    encode_put_check(out, c, expires);
  }
  return out;
}

Result<Index> Registry::edit_local(const LocalEdit& edit) {
  Index index = 0;
  std::uint64_t seq = 0;
  {
    auto s = state_.lock();
    auto rec = std::make_shared<NodeRecord>(*s->local);  // O(1): persistent maps
    auto changed = edit(*s, *rec, s->index + 1);
    if (!changed) return changed.error();
    if (*changed) {
      ++s->index;
      const auto before = s->local;
      apply(*s, before, std::move(rec));
    } else if (s->journal && !s->persist_checks.empty()) {
      journal_change(*s, *s->local, *s->local);
      ++s->applied;
    }
    index = s->index;
    // Even a write that changes nothing waits for the group holding what it saw.
    seq = s->applied;
  }
  if (auto st = await_commit(seq); !st) return st.error();
  return index;
}

std::size_t Registry::restore(const PersistedState& saved, TimePoint now, WallTime wall_now) {
  std::size_t restored = 0;
  auto r = edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    s.now = now;
    bool any = false;
    for (const auto& [id, svc] : saved.services) {
      if (s.config_services.count(id) || rec.services.contains(id)) continue;  // config wins
      Service copy = svc;
      copy.create_index = copy.modify_index = index;
      rec.services.set(id, std::move(copy));
      ++restored;
      any = true;
    }
    for (const auto& [id, pc] : saved.checks) {
      Check c = pc.check;
      if (c.type == CheckType::Serf || rec.checks.contains(id)) continue;
      // Script checks come back only while the agent still accepts them from the API.
      if (c.type == CheckType::Script && !s.scripts.api) continue;
      if (!c.service_id.empty()) {
        const Service* svc = rec.services.get(c.service_id);
        if (!svc || s.config_services.count(c.service_id)) continue;
        c.service_name = svc->name;
        c.service_tags = svc->tags;
      }
      c.create_index = c.modify_index = index;
      if (c.type == CheckType::Ttl && pc.expires) {
        if (*pc.expires > wall_now) {
          s.ttl_timers.arm(id, TtlTimer{c.ttl, now + std::chrono::duration_cast<Duration>(*pc.expires - wall_now)});
        } else {
          c.status = HealthStatus::Critical;
          c.output.clear();
        }
      }
      rec.checks.set(id, std::move(c));
      any = true;
    }
    return any;
  });
  (void)r;
  return restored;
}

Status Registry::attach_journal(std::unique_ptr<Journal> journal, const Clock& clock) {
  std::string image;
  {
    auto s = state_.lock();
    clock_ = &clock;
    image = full_image(*s);
    s->journal = journal.get();
    s->journal_live = image.size();
    s->journal_appended = 0;
  }
  journal_ = std::move(journal);
  return journal_->rewrite(image);
}

Result<Index> Registry::register_service(const ServiceRegistration& reg, TimePoint now) {
  return register_service(reg, now, Origin::Api);
}

Result<Index> Registry::register_service(const ServiceRegistration& reg, TimePoint now, Origin origin) {
  if (auto st = validate(reg); !st) return st.error();
  Service svc = reg.service;
  if (svc.id.empty()) svc.id = svc.name;
  const auto check_ids = embedded_check_ids(svc.id, reg.checks);
  return edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    for (const auto& def : reg.checks)
      if (auto st = script_check_allowed(def, s.scripts, origin == Origin::Config); !st) return st.error();
    s.now = now;
    if (origin == Origin::Config) s.config_services.insert(svc.id);
    const Service* old_svc = rec.services.get(svc.id);
    // An identical re-registration changes nothing and wakes nobody.
    if (old_svc && old_svc->same_definition(svc)) {
      bool same = true;
      for (std::size_t i = 0; i < reg.checks.size() && same; ++i) {
        const Check* c = rec.checks.get(check_ids[i]);
        same = c && c->service_id == svc.id && c->name == default_check_name(reg.checks[i], svc.name) &&
               c->notes == reg.checks[i].notes && c->type == reg.checks[i].type() &&
               c->ttl == (c->type == CheckType::Ttl ? reg.checks[i].ttl : Duration::zero()) &&
               c->spec == reg.checks[i].spec;
      }
      if (same && reg.replace_existing_checks) {
        std::size_t owned = 0;
        for (const auto& id : s.checks_of(svc.id)) owned += !is_maintenance_check(id);
        same = owned == reg.checks.size();
      }
      if (same) return false;
    }
    svc.create_index = old_svc ? old_svc->create_index : index;
    svc.modify_index = index;
    rec.services.set(svc.id, svc);

    if (reg.replace_existing_checks) {
      for (const auto& id : s.checks_of(svc.id)) {
        if (is_maintenance_check(id) || std::find(check_ids.begin(), check_ids.end(), id) != check_ids.end())
          continue;
        s.ttl_timers.erase(id);
        rec.checks.erase(id);
      }
    }
    for (std::size_t i = 0; i < reg.checks.size(); ++i) {
      const CheckDefinition& def = reg.checks[i];
      Check c;
      c.id = check_ids[i];
      c.name = default_check_name(def, svc.name);
      c.notes = def.notes;
      c.service_id = svc.id;
      c.service_name = svc.name;
      c.service_tags = svc.tags;
      c.type = def.type();
      c.ttl = c.type == CheckType::Ttl ? def.ttl : Duration::zero();
      c.spec = def.spec;
      c.modify_index = index;
      const bool ttl = c.type == CheckType::Ttl;
      if (!ttl) s.ttl_timers.erase(c.id);
      if (const Check* old = rec.checks.get(c.id)) {
        // A surviving check keeps its current state, so re-registering does not flap.
        c.status = old->status;
        c.output = old->output;
        c.create_index = old->create_index;
        if (ttl && !s.ttl_timers.armed(c.id) && c.status != HealthStatus::Critical)
          s.ttl_timers.arm(c.id, TtlTimer::armed_at(now, c.ttl));
      } else {
        c.status = def.status.value_or(HealthStatus::Critical);
        c.create_index = index;
        if (ttl) s.ttl_timers.arm(c.id, TtlTimer::armed_at(now, c.ttl));
      }
      const std::string cid = c.id;
      rec.checks.set(cid, std::move(c));
    }
    // Tags of every check of this service follow the service.
    for (const auto& id : s.checks_of(svc.id)) {
      const Check* c = rec.checks.get(id);
      if (!c || c->service_id != svc.id || (c->service_name == svc.name && c->service_tags == svc.tags)) continue;
      Check copy = *c;
      copy.service_name = svc.name;
      copy.service_tags = svc.tags;
      rec.checks.set(id, std::move(copy));
    }
    return true;
  });
}

Result<Index> Registry::deregister_service(std::string_view service_id) {
  return edit_local([&](State& s, NodeRecord& rec, Index) -> Result<bool> {
    const std::string id(service_id);
    if (!rec.services.erase(id))
      return not_found("Unknown service ID \"" + id +
                       "\". Ensure that the service ID is passed, not the service name.");
    for (const auto& cid : s.checks_of(id)) {
      s.ttl_timers.erase(cid);
      rec.checks.erase(cid);
    }
    // Deregistered, it is no config file's any more: an API registration of
    // the same ID from now on is the API's, and persisted.
    s.config_services.erase(id);
    return true;
  });
}

void Registry::expire_ttls(TimePoint now) {
  auto r = edit_local([&](State& s, NodeRecord& rec, Index index) -> Result<bool> {
    s.now = now;
    bool any = false;
    for (const auto& id : s.ttl_timers.expired(now)) {
      s.ttl_timers.erase(id);
      if (const Check* old = rec.checks.get(id)) {
        Check c = *old;
        c.status = HealthStatus::Critical;
        c.output = ttl_expired_output(c.output);
        c.modify_index = index;
        rec.checks.set(id, std::move(c));
        any = true;
      }
    }
    return any;
  });
  (void)r;
}

std::optional<TimePoint> Registry::next_ttl_deadline() {
  return state_.lock()->ttl_timers.next();
}

}  // namespace roster::registry
