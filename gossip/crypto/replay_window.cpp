#include "gossip/crypto/replay_window.hpp"

namespace roster::gossip::crypto {

ReplayWindow::Verdict ReplayWindow::check(std::uint64_t counter) const {
  if (!started_) return Verdict::Fresh;
  if (counter > highest_) return counter - highest_ > max_jump_ ? Verdict::TooFarAhead : Verdict::Fresh;
  const std::uint64_t behind = highest_ - counter;
  if (behind >= kWidth) return Verdict::TooOld;
  return (bitmap_ >> behind) & 1 ? Verdict::Duplicate : Verdict::Fresh;
}

void ReplayWindow::accept(std::uint64_t counter) {
  if (!started_) {
    started_ = true;
    highest_ = counter;
    bitmap_ = 1;
    return;
  }
  if (counter > highest_) {
    const std::uint64_t shift = counter - highest_;
    bitmap_ = shift >= kWidth ? 0 : bitmap_ << shift;
    bitmap_ |= 1;
    highest_ = counter;
    return;
  }
  const std::uint64_t behind = highest_ - counter;
  if (behind < kWidth) bitmap_ |= std::uint64_t{1} << behind;
}

}  // namespace roster::gossip::crypto
