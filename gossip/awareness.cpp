#include "gossip/awareness.hpp"

#include <algorithm>

namespace roster::gossip {

void Awareness::apply(int delta) { score_ = std::clamp(score_ + delta, 0, max_ - 1); }

}  // namespace roster::gossip
