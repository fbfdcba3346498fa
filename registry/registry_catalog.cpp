// Registry: /v1/catalog/register and /deregister, for nodes other than the agent's.
#include "common/strings.hpp"
#include "registry/record_stamp.hpp"
#include "registry/registry.hpp"

namespace roster::registry {

Result<Index> Registry::catalog_register(const CatalogRegistration& reg) {
  if (auto st = validate(reg); !st) return st.error();
  if (is_local(reg.node.name)) return snapshot()->index();
  Index index = 0;
  std::uint64_t seq = 0;
  // Under the lock; a write that changes nothing still waits for the group
  // holding what it saw.
  const Result<bool> applied = [&]() -> Result<bool> {
    auto s = state_.lock();
    const auto found = s->remote.find(to_lower(reg.node.name));
    const std::shared_ptr<const NodeRecord> before =
        found == s->remote.end() ? nullptr : found->second;
    auto rec = before ? std::make_shared<NodeRecord>(*before) : std::make_shared<NodeRecord>();
    if (!before || !reg.skip_node_update) {
      const std::string name = before ? before->node.name : reg.node.name;
      rec->node = reg.node;
      rec->node.name = name;
      rec->node.datacenter = datacenter_;
      if (reg.skip_node_update && before) rec->node = before->node;
    }
    if (reg.service) {
      Service svc = *reg.service;
      if (svc.id.empty()) svc.id = svc.name;
      rec->services.set(svc.id, svc);
      std::vector<std::string> owned;
      for (const auto& [id, c] : rec->checks)
        if (c.service_id == svc.id) owned.push_back(id);
      for (const auto& id : owned) {
        Check& c = rec->checks[id];
        c.service_name = svc.name;
        c.service_tags = svc.tags;
      }
    }
    for (Check c : reg.checks) {
      if (c.id.empty()) c.id = c.name;
      if (!c.service_id.empty()) {
        const Service* svc = rec->services.get(c.service_id);
        if (!svc)
          return invalid("Invalid check: ServiceID \"" + c.service_id + "\" is not registered on node \"" +
                         reg.node.name + "\"");
        c.service_name = svc->name;
        c.service_tags = svc->tags;
      }
      c.type = CheckType::Catalog;
      const std::string id = c.id;
      rec->checks.set(id, std::move(c));
    }
    if (before && same_record(*before, *rec)) {
      index = s->index;
      seq = s->applied;
      return false;
    }
    index = ++s->index;
    stamp(*rec, before.get(), index);
    apply(*s, before, std::move(rec));
    seq = s->applied;
    return true;
  }();
  if (!applied) return applied.error();
  if (auto st = await_commit(seq); !st) return st.error();
  return index;
}

Result<Index> Registry::catalog_deregister(const CatalogDeregistration& dereg) {
  if (dereg.node.empty()) return invalid("Must provide node");
  if (is_local(dereg.node)) return snapshot()->index();
  Index index = 0;
  std::uint64_t seq = 0;
  // Under the lock; a write that changes nothing still waits for the group
  // holding what it saw.
  const Result<bool> applied = [&]() -> Result<bool> {
    auto s = state_.lock();
    const auto found = s->remote.find(to_lower(dereg.node));
    // Removing what is not there succeeds and changes nothing, as in Consul.
    if (found == s->remote.end()) {
      index = s->index;
      seq = s->applied;
      return false;
    }
    const std::shared_ptr<const NodeRecord> before = found->second;
    std::shared_ptr<NodeRecord> rec;
    if (!dereg.service_id.empty() || !dereg.check_id.empty()) {
      rec = std::make_shared<NodeRecord>(*before);
      if (!dereg.service_id.empty() && rec->services.erase(dereg.service_id)) {
        std::vector<std::string> owned;
        for (const auto& [id, c] : rec->checks)
          if (c.service_id == dereg.service_id) owned.push_back(id);
        for (const auto& id : owned) rec->checks.erase(id);
      }
      if (!dereg.check_id.empty()) rec->checks.erase(dereg.check_id);
      if (same_record(*before, *rec)) {
        index = s->index;
        seq = s->applied;
        return false;
      }
    }
    index = ++s->index;
    apply(*s, before, std::move(rec));
    seq = s->applied;
    return true;
  }();
  if (!applied) return applied.error();
  if (auto st = await_commit(seq); !st) return st.error();
  return index;
}

}  // namespace roster::registry
