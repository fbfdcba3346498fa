#include "registry/index_table.hpp"

#include <set>

#include "common/strings.hpp"

namespace roster::registry {
namespace {

Index lookup(const PMap<std::string, Index>& m, std::string_view name, Index floor) {
  const Index* v = m.get(to_lower(name));
  return v ? *v : floor;
}

void bump(PMap<std::string, Index>& m, std::string_view name, Index at) { m.set(to_lower(name), at); }

bool same(const Service& x, const Service& y) { return x.same_definition(y); }
bool same(const Check& x, const Check& y) { return x.same_state(y); }

// The name of the service a check belongs to, looked up on its node.
std::string_view owner_name(const NodeRecord& rec, const Check& c) {
  const Service* s = rec.services.get(c.service_id);
  return s ? std::string_view(s->name) : std::string_view(c.service_name);
}

// Calls `changed(entry, from_a)` for every entry present on one side only or
// different on both sides (then for both versions). O(d log n) for d changes:
// versions share subtrees (registry/pmap.hpp).
template <typename Map, typename F>
void diff_maps(const Map& a, const Map& b, F changed) {
  Map::diff(a, b, [&](const auto* x, const auto* y) {
    if (x && y && same(x->second, y->second)) return;
    if (x) changed(x->second, true);
    if (y) changed(y->second, false);
  });
}

}  // namespace

IndexTable IndexTable::starting_at(Index floor) {
  IndexTable t;
  t.floor = t.services = t.nodes = t.checks = floor;
  return t;
}

Index IndexTable::service_definition(std::string_view name) const { return lookup(service_defs, name, floor); }
Index IndexTable::service_health_of(std::string_view name) const { return lookup(service_health, name, floor); }
Index IndexTable::node(std::string_view name) const { return lookup(node_any, name, floor); }

void record_change(IndexTable& t, const NodeRecord* before, const NodeRecord* after, Index at) {
  static const NodeRecord kEmpty;
  const NodeRecord& a = before ? *before : kEmpty;
  const NodeRecord& b = after ? *after : kEmpty;
  bool any = false;
  std::set<std::string> defs, health;  // service names whose index moves

  const bool node_changed = (before == nullptr) != (after == nullptr) ||
                            (before && after && !a.node.same_definition(b.node));
  if (node_changed) {
    t.nodes = at;
    any = true;
    // Every instance on the node changes with it (its Node fields, or its existence).
    for (const auto* rec : {&a, &b})
      for (const auto& [id, s] : rec->services) defs.insert(s.name);
  }

  diff_maps(a.services, b.services, [&](const Service& s, bool) {
    defs.insert(s.name);
    t.services = at;
    any = true;
  });
  bool node_checks_changed = false;
  diff_maps(a.checks, b.checks, [&](const Check& c, bool from_a) {
    t.checks = at;
    any = true;
    if (c.service_id.empty()) node_checks_changed = true;
    else health.insert(std::string(owner_name(from_a ? a : b, c)));
  });
  // A node-level check (serfHealth, maintenance) decides the health of every instance on the node.
  if (node_checks_changed)
    for (const auto* rec : {&a, &b})
      for (const auto& [id, s] : rec->services) health.insert(s.name);

  for (const auto& name : defs) {
    bump(t.service_defs, name, at);
    bump(t.service_health, name, at);
  }
  for (const auto& name : health) bump(t.service_health, name, at);
  if (any) bump(t.node_any, after ? b.node.name : a.node.name, at);
}

}  // namespace roster::registry
