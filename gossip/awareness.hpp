#pragma once
// Lifeguard's local health multiplier: a score 0…max−1 raised by missed acks,
// missing nacks and having to refute, lowered by successful probes. The probe
// period and probe timeout are scaled by (score+1): a sick node slows down
// instead of accusing healthy peers.
#include "common/clock.hpp"

namespace roster::gossip {

class Awareness {
 public:
  explicit Awareness(int max) : max_(max < 1 ? 1 : max) {}
  void apply(int delta);
  int score() const { return score_; }
  Duration scale(Duration d) const { return d * (score_ + 1); }

 private:
  int max_;
  int score_ = 0;
};

}  // namespace roster::gossip
