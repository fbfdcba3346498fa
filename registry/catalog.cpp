#include "registry/catalog.hpp"

#include <algorithm>
#include <set>

#include "common/strings.hpp"

namespace roster::registry {
namespace {

std::string instance_key(const std::string& node, const std::string& service_id) {
  std::string k;
  k.reserve(node.size() + 1 + service_id.size());
  k.append(node).push_back('\0');
  k.append(service_id);
  return k;
}

void remove_check(std::vector<const Check*>& list, const std::string& id) {
  list.erase(std::remove_if(list.begin(), list.end(), [&](const Check* c) { return c->id == id; }), list.end());
}

void insert_check(std::vector<const Check*>& list, const Check* c) {
  const auto at = std::lower_bound(list.begin(), list.end(), c->id,
                                   [](const Check* x, const std::string& id) { return x->id < id; });
  list.insert(at, c);
}

const NodeRecord& or_empty(const std::shared_ptr<const NodeRecord>& r) {
  static const NodeRecord kEmpty;
  return r ? *r : kEmpty;
}

}  // namespace

Catalog::Catalog(Index index, std::string datacenter,
                 std::vector<std::shared_ptr<const NodeRecord>> nodes,
                 std::shared_ptr<const IndexTable> indexes)
    : index_(index),
      indexes_(indexes ? std::move(indexes)
                       : std::make_shared<const IndexTable>(IndexTable::starting_at(index))),
      datacenter_(std::move(datacenter)) {
  for (auto& rec : nodes) apply({nullptr, std::move(rec)});
}

std::shared_ptr<const Catalog> Catalog::next(const Catalog& prev, Index index,
                                             std::shared_ptr<const IndexTable> indexes,
                                             const std::vector<NodeChange>& changes) {
  std::shared_ptr<Catalog> c(new Catalog(prev));
  c->index_ = index;
  if (indexes) c->indexes_ = std::move(indexes);
  for (const auto& change : changes) c->apply(change);
  return c;
}

void Catalog::apply(const NodeChange& change) {
  const NodeRecord& a = or_empty(change.before);
  const NodeRecord& b = or_empty(change.after);
  const std::string& name = change.after ? b.node.name : a.node.name;

  // The node list, ordered by name.
  auto pos = std::lower_bound(nodes_.begin(), nodes_.end(), name,
                              [](const auto& r, const std::string& n) { return r->node.name < n; });
  const bool present = pos != nodes_.end() && (*pos)->node.name == name;
  if (change.after) {
    if (present) *pos = change.after;
    else nodes_.insert(pos, change.after);
    nodes_by_name_.set(to_lower(name), change.after.get());
    nodes_exact_.set(name, change.after.get());
  } else {
    if (present) nodes_.erase(pos);
    nodes_by_name_.erase(to_lower(name));
    nodes_exact_.erase(name);
  }

  // Instances by service name.
  PMap<std::string, Service>::diff(a.services, b.services, [&](const auto* x, const auto* y) {
    if (x) {
      const std::string key = to_lower(x->second.name);
      if (const auto* group = by_service_name_.get(key)) {
        auto g = *group;
        g.erase(instance_key(a.node.name, x->first));
        if (g.empty()) by_service_name_.erase(key);
        else by_service_name_.set(key, std::move(g));
      }
    }
    if (y) {
      const std::string key = to_lower(y->second.name);
      const auto* group = by_service_name_.get(key);
      auto g = group ? *group : PMap<std::string, const Service*>{};
      g.set(instance_key(b.node.name, y->first), &y->second);
      by_service_name_.set(key, std::move(g));
    }
  });
  if (change.before && change.after && a.node.name != b.node.name) {
    // A renamed node (case only): re-key its instances.
    for (const auto& [id, svc] : a.services) {
      const std::string key = to_lower(svc.name);
      auto g = by_service_name_.at(key);
      g.erase(instance_key(a.node.name, id));
      g.set(instance_key(b.node.name, id), &b.services.at(id));
      by_service_name_.set(key, std::move(g));
    }
    checks_.erase(a.node.name);
  }

  // Checks by owner.
  if (!change.after) {
    checks_.erase(a.node.name);
    return;
  }
  const NodeChecks* old = checks_.get(b.node.name);
  NodeChecks nc = old ? *old : NodeChecks{};
  PMap<std::string, Check>::diff(old ? a.checks : PMap<std::string, Check>{}, b.checks,
                                 [&](const auto* x, const auto* y) {
    if (x) {
      if (x->second.service_id.empty()) {
        remove_check(nc.node_level, x->first);
      } else if (const auto* list = nc.by_service.get(x->second.service_id)) {
        auto l = *list;
        remove_check(l, x->first);
        if (l.empty()) nc.by_service.erase(x->second.service_id);
        else nc.by_service.set(x->second.service_id, std::move(l));
      }
    }
    if (y) {
      if (y->second.service_id.empty()) {
        insert_check(nc.node_level, &y->second);
      } else {
        const auto* list = nc.by_service.get(y->second.service_id);
        auto l = list ? *list : std::vector<const Check*>{};
        insert_check(l, &y->second);
        nc.by_service.set(y->second.service_id, std::move(l));
      }
    }
  });
  checks_.set(b.node.name, std::move(nc));
}

const NodeRecord* Catalog::find_node(std::string_view name) const {
  const auto* rec = nodes_by_name_.get(to_lower(name));
  return rec ? *rec : nullptr;
}

std::vector<Instance> Catalog::instances(std::string_view service_name) const {
  std::vector<Instance> out;
  const auto* group = by_service_name_.get(to_lower(service_name));
  if (!group) return out;
  out.reserve(group->size());
  static const std::vector<const Check*> kNone;
  for (const auto& [key, svc] : *group) {
    const std::string node_name = key.substr(0, key.find('\0'));
    const NodeRecord* rec = *nodes_exact_.get(node_name);
    Instance inst{rec, svc, {}, HealthStatus::Passing};
    const NodeChecks* nc = checks_.get(node_name);
    const auto* own = nc ? nc->by_service.get(svc->id) : nullptr;
    const auto& node_level = nc ? nc->node_level : kNone;
    const auto& service_level = own ? *own : kNone;
    inst.checks.reserve(node_level.size() + service_level.size());
    // Ordered by check ID, as the node's check map.
    std::merge(node_level.begin(), node_level.end(), service_level.begin(), service_level.end(),
               std::back_inserter(inst.checks), [](const Check* x, const Check* y) { return x->id < y->id; });
    for (const Check* c : inst.checks) inst.health = worst(inst.health, c->status);
    out.push_back(std::move(inst));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Catalog::service_tags() const {
  std::map<std::string, std::set<std::string>> tags;
  for (const auto& rec : nodes_)
    for (const auto& [id, svc] : rec->services) {
      auto& set = tags[svc.name];
      set.insert(svc.tags.begin(), svc.tags.end());
    }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, set] : tags) out.emplace(name, std::vector<std::string>(set.begin(), set.end()));
  return out;
}

bool has_tag(const Service& service, std::string_view tag) {
  return std::any_of(service.tags.begin(), service.tags.end(),
                     [&](const std::string& t) { return iequals(t, tag); });
}

std::string_view aggregated_status(const std::vector<const Check*>& checks) {
  HealthStatus worst_seen = HealthStatus::Passing;
  for (const Check* c : checks) {
    if (is_maintenance_check(c->id)) return "maintenance";
    worst_seen = worst(worst_seen, c->status);
  }
  return to_string(worst_seen);
}

}  // namespace roster::registry
