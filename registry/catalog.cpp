#include "registry/catalog.hpp"

#include <algorithm>
#include <set>

#include "common/strings.hpp"

namespace roster::registry {

Catalog::Catalog(Index index, std::string datacenter,
                 std::vector<std::shared_ptr<const NodeRecord>> nodes,
                 std::shared_ptr<const IndexTable> indexes)
    : index_(index),
      indexes_(indexes ? std::move(indexes)
                       : std::make_shared<const IndexTable>(IndexTable::starting_at(index))),
      datacenter_(std::move(datacenter)),
      nodes_(std::move(nodes)) {
  std::sort(nodes_.begin(), nodes_.end(),
            [](const auto& a, const auto& b) { return a->node.name < b->node.name; });
  for (const auto& rec : nodes_) {
    nodes_by_name_.emplace(to_lower(rec->node.name), rec.get());
    for (const auto& [id, svc] : rec->services)
      by_service_name_[to_lower(svc.name)].push_back({rec.get(), &svc});
  }
}

const NodeRecord* Catalog::find_node(std::string_view name) const {
  const auto it = nodes_by_name_.find(to_lower(name));
  return it == nodes_by_name_.end() ? nullptr : it->second;
}

std::vector<Instance> Catalog::instances(std::string_view service_name) const {
  std::vector<Instance> out;
  const auto it = by_service_name_.find(to_lower(service_name));
  if (it == by_service_name_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& ref : it->second) {
    Instance inst{ref.node, ref.service, {}, HealthStatus::Passing};
    for (const auto& [id, check] : ref.node->checks) {
      if (check.service_id.empty() || check.service_id == ref.service->id) {
        inst.checks.push_back(&check);
        inst.health = worst(inst.health, check.status);
      }
    }
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
