#include "registry/registry.hpp"

#include <algorithm>

#include "registry/check_ids.hpp"

namespace roster::registry {

Registry::Registry(LocalNode node, TimePoint)
    : datacenter_(node.datacenter) {
  auto rec = std::make_shared<NodeRecord>();
  rec->node = Node{node.name, node.id, node.address, node.datacenter, node.meta, 1, 1};
  Check serf;
  serf.id = kSerfCheckId;
  serf.name = kSerfCheckName;
  serf.output = kSerfAliveOutput;
  serf.status = HealthStatus::Passing;
  serf.type = CheckType::Serf;
  serf.create_index = serf.modify_index = 1;
  rec->checks.emplace(serf.id, serf);
  auto s = state_.lock();
  s->local = rec;
  *current_.lock() = std::make_shared<const Catalog>(
      s->index, datacenter_, std::vector<std::shared_ptr<const NodeRecord>>{rec});
}

std::shared_ptr<const Catalog> Registry::snapshot() const {
  return *current_.lock();
}

void Registry::subscribe(Listener listener) { listeners_.lock()->push_back(std::move(listener)); }

Index Registry::commit(State& state, std::shared_ptr<NodeRecord> rec) {
  state.local = std::move(rec);
  auto cat = std::make_shared<const Catalog>(
      state.index, datacenter_, std::vector<std::shared_ptr<const NodeRecord>>{state.local});
  *current_.lock() = cat;
  return state.index;
}

void Registry::notify(const std::shared_ptr<const Catalog>& cat) {
  std::vector<Listener> listeners = *listeners_.lock();
  for (const auto& l : listeners) l(*cat);
}

Result<Index> Registry::register_service(const ServiceRegistration& reg, TimePoint now) {
  if (auto st = validate(reg); !st) return st.error();
  Service svc = reg.service;
  if (svc.id.empty()) svc.id = svc.name;
  const auto check_ids = embedded_check_ids(svc.id, reg.checks);
  Index index = 0;
  {
    auto s = state_.lock();
    const NodeRecord& cur = *s->local;
    const auto old_svc = cur.services.find(svc.id);

    // An identical re-registration changes nothing and wakes nobody.
    if (old_svc != cur.services.end() && old_svc->second.same_definition(svc)) {
      bool same = true;
      for (std::size_t i = 0; i < reg.checks.size() && same; ++i) {
        const auto c = cur.checks.find(check_ids[i]);
        same = c != cur.checks.end() && c->second.service_id == svc.id &&
               c->second.name == default_check_name(reg.checks[i], svc.name) &&
               c->second.notes == reg.checks[i].notes && c->second.ttl == reg.checks[i].ttl;
      }
      if (same && reg.replace_existing_checks) {
        std::size_t owned = 0;
        for (const auto& [id, c] : cur.checks) owned += (c.service_id == svc.id);
        same = owned == reg.checks.size();
      }
      if (same) return s->index;
    }

    auto rec = std::make_shared<NodeRecord>(cur);
    index = ++s->index;
    svc.create_index = old_svc != cur.services.end() ? old_svc->second.create_index : index;
    svc.modify_index = index;
    rec->services[svc.id] = svc;

    if (reg.replace_existing_checks) {
      for (auto it = rec->checks.begin(); it != rec->checks.end();) {
        const bool keep = it->second.service_id != svc.id ||
                          std::find(check_ids.begin(), check_ids.end(), it->first) != check_ids.end();
        if (!keep) {
          s->ttl_timers.erase(it->first);
          it = rec->checks.erase(it);
        } else {
          ++it;
        }
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
      c.type = CheckType::Ttl;
      c.ttl = def.ttl;
      c.modify_index = index;
      const auto old = rec->checks.find(c.id);
      if (old != rec->checks.end()) {
        // A surviving check keeps its current state, so re-registering does not flap.
        c.status = old->second.status;
        c.output = old->second.output;
        c.create_index = old->second.create_index;
        if (!s->ttl_timers.count(c.id) && c.status != HealthStatus::Critical)
          s->ttl_timers[c.id] = TtlTimer::armed_at(now, c.ttl);
      } else {
        c.status = def.status.value_or(HealthStatus::Critical);
        c.create_index = index;
        s->ttl_timers[c.id] = TtlTimer::armed_at(now, c.ttl);
      }
      rec->checks[c.id] = std::move(c);
    }
    // Tags of every check of this service follow the service.
    for (auto& [id, c] : rec->checks)
      if (c.service_id == svc.id) {
        c.service_name = svc.name;
        c.service_tags = svc.tags;
      }
    commit(*s, std::move(rec));
  }
  notify(snapshot());
  return index;
}

Result<Index> Registry::deregister_service(std::string_view service_id) {
  Index index = 0;
  {
    auto s = state_.lock();
    const auto it = s->local->services.find(std::string(service_id));
    if (it == s->local->services.end())
      return not_found("Unknown service ID \"" + std::string(service_id) +
                       "\". Ensure that the service ID is passed, not the service name.");
    auto rec = std::make_shared<NodeRecord>(*s->local);
    rec->services.erase(std::string(service_id));
    for (auto c = rec->checks.begin(); c != rec->checks.end();) {
      if (c->second.service_id == service_id) {
        s->ttl_timers.erase(c->first);
        c = rec->checks.erase(c);
      } else {
        ++c;
      }
    }
    index = ++s->index;
    commit(*s, std::move(rec));
  }
  notify(snapshot());
  return index;
}

Result<Index> Registry::update_ttl(std::string_view check_id, HealthStatus status,
                                   std::string output, TimePoint now) {
  Index index = 0;
  {
    auto s = state_.lock();
    const auto it = s->local->checks.find(std::string(check_id));
    if (it == s->local->checks.end())
      return not_found("Unknown check ID \"" + std::string(check_id) +
                       "\". Ensure that the check ID is passed, not the check name.");
    if (it->second.type != CheckType::Ttl)
      return conflict("CheckID \"" + std::string(check_id) + "\" does not have associated TTL");
    s->ttl_timers[it->first] = TtlTimer::armed_at(now, it->second.ttl);
    // A heartbeat that changes nothing visible only re-arms the timer.
    if (it->second.status == status && it->second.output == output) return s->index;
    auto rec = std::make_shared<NodeRecord>(*s->local);
    Check& c = rec->checks.at(std::string(check_id));
    index = ++s->index;
    c.status = status;
    c.output = std::move(output);
    c.modify_index = index;
    commit(*s, std::move(rec));
  }
  notify(snapshot());
  return index;
}

void Registry::expire_ttls(TimePoint now) {
  {
    auto s = state_.lock();
    std::shared_ptr<NodeRecord> rec;
    for (auto it = s->ttl_timers.begin(); it != s->ttl_timers.end();) {
      if (!it->second.expired_at(now)) {
        ++it;
        continue;
      }
      if (!rec) {
        rec = std::make_shared<NodeRecord>(*s->local);
        ++s->index;
      }
      if (auto c = rec->checks.find(it->first); c != rec->checks.end()) {
        c->second.status = HealthStatus::Critical;
        c->second.output = ttl_expired_output(c->second.output);
        c->second.modify_index = s->index;
      }
      it = s->ttl_timers.erase(it);
    }
    if (!rec) return;
    commit(*s, std::move(rec));
  }
  notify(snapshot());
}

std::optional<TimePoint> Registry::next_ttl_deadline() {
  auto s = state_.lock();
  std::optional<TimePoint> next;
  for (const auto& [id, t] : s->ttl_timers)
    if (!next || t.deadline < *next) next = t.deadline;
  return next;
}

}  // namespace roster::registry
