// Registry: nodes replicated from other agents by gossip. Their owners are the
// source of truth; this agent only stamps its own indexes on what it is given.
#include <algorithm>

#include "common/strings.hpp"
#include "registry/record_stamp.hpp"
#include "registry/registry.hpp"

namespace roster::registry {

Result<Index> Registry::apply_remote(std::string name, std::shared_ptr<const NodeRecord> record) {
  return apply_remote(std::vector<RemoteUpdate>{RemoteUpdate{std::move(name), std::move(record)}});
}

Result<Index> Registry::apply_remote(const std::vector<RemoteUpdate>& updates) {
  for (const auto& u : updates) {
    if (is_local(u.name)) return conflict("Node \"" + u.name + "\" is this agent's own node");
    if (u.record && !iequals(u.record->node.name, u.name))
      return invalid("Record of node \"" + u.record->node.name + "\" given for node \"" + u.name + "\"");
  }
  Index index = 0;
  std::uint64_t seq = 0;
  {
    auto s = state_.lock();
    bool bumped = false;
    for (const auto& u : updates) {
      const auto found = s->remote.find(to_lower(u.name));
      const std::shared_ptr<const NodeRecord> before = found == s->remote.end() ? nullptr : found->second;
      if (!u.record && !before) continue;
      if (u.record && before && same_record(*before, *u.record))
        continue;
      // The whole batch is one write: one new index for all of it.
      if (!bumped) {
        ++s->index;
        bumped = true;
      }
      if (!u.record) {
        apply(*s, before, nullptr);
        continue;
      }
      auto rec = std::make_shared<NodeRecord>(*u.record);  // O(1): persistent maps
      rec->node.datacenter = rec->node.datacenter.empty() ? datacenter_ : rec->node.datacenter;
      stamp(*rec, before.get(), s->index);
      apply(*s, before, std::move(rec));
    }
    index = s->index;
    // Even a batch that changes nothing waits for the group holding what it saw.
    seq = s->applied;
  }
  if (auto st = await_commit(seq); !st) return st.error();
  return index;
}

std::shared_ptr<const NodeRecord> Registry::local_record() const {
  const auto cat = snapshot();
  const auto& nodes = cat->nodes();
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), local_name_,
                                   [](const auto& r, const std::string& n) { return r->node.name < n; });
  return it != nodes.end() && (*it)->node.name == local_name_ ? *it : nullptr;
}

}  // namespace roster::registry
