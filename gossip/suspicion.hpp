#pragma once
// Lifeguard's dynamic suspicion timeout ("dogpile"): a suspicion starts with
// a long timer that shrinks as independent peers confirm it:
// timeout(n) = max(min, max − (max − min)·ln(n+1)/ln(k+1)) for n confirmations
// of k wanted. Pure arithmetic on injected times.
#include <cstdint>
#include <unordered_set>

#include "common/clock.hpp"
#include "gossip/member.hpp"

namespace roster::gossip {

class Suspicion {
 public:
  Suspicion(MemberTag accuser, int k, Duration min, Duration max, TimePoint start);
  // Counts a confirmation from `accuser`; true if it was new (then re-gossip it).
  bool confirm(MemberTag accuser);
  TimePoint deadline() const { return start_ + timeout() + extra_; }
  Duration timeout() const { return timeout_for(confirmations_, k_, min_, max_); }
  int confirmations() const { return confirmations_; }
  int wanted() const { return k_; }
  // A suspicion that got fewer confirmations than wanted gets one last,
  // direct check (ping + the accusation) before the verdict: the accused may
  // simply never have heard of it.
  bool final_check_done() const { return final_check_; }
  void start_final_check(Duration extra) {
    final_check_ = true;
    extra_ += extra;
  }
  static Duration timeout_for(int n, int k, Duration min, Duration max);

 private:
  int k_;
  Duration min_, max_;
  TimePoint start_;
  int confirmations_ = 0;
  bool final_check_ = false;
  Duration extra_{};
  std::unordered_set<MemberTag> accusers_;
};

}  // namespace roster::gossip
