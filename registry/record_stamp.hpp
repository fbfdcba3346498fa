#pragma once
// Index stamping for whole node records written from outside the local node's
// own edits (catalog registrations, replicated records): entries equal to the
// previous version keep their indexes, so watchers of them are not woken.
#include "registry/model.hpp"

namespace roster::registry {

// Sets the create/modify indexes of `rec`'s entries: those equal to
// `before`'s (null: none) keep theirs, the rest get `index`.
void stamp(NodeRecord& rec, const NodeRecord* before, Index index);

// Whether `a` and `b` have the same node, services and check states
// (indexes aside).
bool same_record(const NodeRecord& a, const NodeRecord& b);

}  // namespace roster::registry
