#include "gossip/suspicion.hpp"

#include <algorithm>
#include <cmath>

namespace roster::gossip {

Suspicion::Suspicion(MemberTag accuser, int k, Duration min, Duration max, TimePoint start)
    : k_(k), min_(min), max_(std::max(min, max)), start_(start) {
  accusers_.insert(accuser);
}

bool Suspicion::confirm(MemberTag accuser) {
  if (confirmations_ >= k_) return false;  // already at the floor
  if (!accusers_.insert(accuser).second) return false;
  ++confirmations_;
  return true;
}

Duration Suspicion::timeout_for(int n, int k, Duration min, Duration max) {
  if (k < 1) return min;
  const double frac = std::log(double(n) + 1.0) / std::log(double(k) + 1.0);
  const double span = double((max - min).count());
  const auto t = max - Duration(static_cast<Duration::rep>(std::floor(span * frac)));
  return std::max(min, t);
}

}  // namespace roster::gossip
