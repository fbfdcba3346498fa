// Registry: /v1/catalog/register and /deregister, for nodes other than the agent's.
#include "common/strings.hpp"
#include "registry/registry.hpp"

namespace roster::registry {
namespace {

// Sets the create/modify indexes of `rec`'s entries that differ from `before`.
void stamp(NodeRecord& rec, const NodeRecord* before, Index index) {
  auto keep_or_stamp = [index](auto& item, const auto* old, bool same) {
    item.create_index = old ? old->create_index : index;
    item.modify_index = old && same ? old->modify_index : index;
  };
  keep_or_stamp(rec.node, before ? &before->node : nullptr,
                before && before->node.same_definition(rec.node));
  for (auto& [id, s] : rec.services) {
    const Service* old = nullptr;
    if (before)
      if (auto it = before->services.find(id); it != before->services.end()) old = &it->second;
    keep_or_stamp(s, old, old && old->same_definition(s));
  }
  for (auto& [id, c] : rec.checks) {
    const Check* old = nullptr;
    if (before)
      if (auto it = before->checks.find(id); it != before->checks.end()) old = &it->second;
    keep_or_stamp(c, old, old && old->same_state(c));
  }
}

bool same_record(const NodeRecord& a, const NodeRecord& b) {
  if (!a.node.same_definition(b.node) || a.services.size() != b.services.size() ||
      a.checks.size() != b.checks.size())
    return false;
  for (const auto& [id, s] : a.services) {
    const auto it = b.services.find(id);
    if (it == b.services.end() || !it->second.same_definition(s)) return false;
  }
  for (const auto& [id, c] : a.checks) {
    const auto it = b.checks.find(id);
    if (it == b.checks.end() || !it->second.same_state(c)) return false;
  }
  return true;
}

}  // namespace

Result<Index> Registry::catalog_register(const CatalogRegistration& reg) {
  if (auto st = validate(reg); !st) return st.error();
  if (is_local(reg.node.name)) return snapshot()->index();
  Index index = 0;
  {
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
      rec->services[svc.id] = svc;
      for (auto& [id, c] : rec->checks)
        if (c.service_id == svc.id) {
          c.service_name = svc.name;
          c.service_tags = svc.tags;
        }
    }
    for (Check c : reg.checks) {
      if (c.id.empty()) c.id = c.name;
      if (!c.service_id.empty()) {
        const auto svc = rec->services.find(c.service_id);
        if (svc == rec->services.end())
          return invalid("Invalid check: ServiceID \"" + c.service_id + "\" is not registered on node \"" +
                         reg.node.name + "\"");
        c.service_name = svc->second.name;
        c.service_tags = svc->second.tags;
      }
      c.type = CheckType::Catalog;
      rec->checks[c.id] = std::move(c);
    }
    if (before && same_record(*before, *rec)) return s->index;
    index = ++s->index;
    stamp(*rec, before.get(), index);
    commit(*s, before, std::move(rec));
  }
  notify();
  return index;
}

Result<Index> Registry::catalog_deregister(const CatalogDeregistration& dereg) {
  if (dereg.node.empty()) return invalid("Must provide node");
  if (is_local(dereg.node)) return snapshot()->index();
  Index index = 0;
  {
    auto s = state_.lock();
    const auto found = s->remote.find(to_lower(dereg.node));
    // Removing what is not there succeeds and changes nothing, as in Consul.
    if (found == s->remote.end()) return s->index;
    const std::shared_ptr<const NodeRecord> before = found->second;
    std::shared_ptr<NodeRecord> rec;
    if (!dereg.service_id.empty() || !dereg.check_id.empty()) {
      rec = std::make_shared<NodeRecord>(*before);
      if (!dereg.service_id.empty() && rec->services.erase(dereg.service_id))
        for (auto c = rec->checks.begin(); c != rec->checks.end();)
          c = c->second.service_id == dereg.service_id ? rec->checks.erase(c) : std::next(c);
      if (!dereg.check_id.empty()) rec->checks.erase(dereg.check_id);
      if (same_record(*before, *rec)) return s->index;
    }
    index = ++s->index;
    commit(*s, before, std::move(rec));
  }
  notify();
  return index;
}

}  // namespace roster::registry
