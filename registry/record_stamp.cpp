#include "registry/record_stamp.hpp"

#include <string>
#include <vector>

namespace roster::registry {

void stamp(NodeRecord& rec, const NodeRecord* before, Index index) {
  auto keep_or_stamp = [index](auto& item, const auto* old, bool same) {
    item.create_index = old ? old->create_index : index;
    item.modify_index = old && same ? old->modify_index : index;
  };
  keep_or_stamp(rec.node, before ? &before->node : nullptr, before && before->node.same_definition(rec.node));
  std::vector<std::string> ids;
  for (const auto& [id, s] : rec.services) ids.push_back(id);
  for (const auto& id : ids) {
    Service& s = rec.services[id];
    const Service* old = before ? before->services.get(id) : nullptr;
    keep_or_stamp(s, old, old && old->same_definition(s));
  }
  ids.clear();
  for (const auto& [id, c] : rec.checks) ids.push_back(id);
  for (const auto& id : ids) {
    Check& c = rec.checks[id];
    const Check* old = before ? before->checks.get(id) : nullptr;
    keep_or_stamp(c, old, old && old->same_state(c));
  }
}

bool same_record(const NodeRecord& a, const NodeRecord& b) {
  if (!a.node.same_definition(b.node) || a.services.size() != b.services.size() ||
      a.checks.size() != b.checks.size())
    return false;
  for (const auto& [id, s] : a.services) {
    const Service* o = b.services.get(id);
    if (!o || !o->same_definition(s)) return false;
  }
  for (const auto& [id, c] : a.checks) {
    const Check* o = b.checks.get(id);
    if (!o || !o->same_state(c)) return false;
  }
  return true;
}

}  // namespace roster::registry
