#pragma once
// Anti-replay for one sender boot: the highest counter accepted and a 64-bit
// bitmap of the counters just below it (IPsec/DTLS style). check() runs
// before decryption (cheap rejection); accept() only after authentication,
// so forged packets cannot move the window.
#include <cstdint>

namespace roster::gossip::crypto {

// Thread safety: a plain value; the owner serialises access.
class ReplayWindow {
 public:
  static constexpr std::uint64_t kWidth = 64;
  enum class Verdict { Fresh, Duplicate, TooOld, TooFarAhead };

  // `max_jump`: the largest step above the highest counter accepted. A sender
  // sending 1,000 packets/s needs 49 days to move 2^32 ahead legitimately.
  explicit ReplayWindow(std::uint64_t max_jump = std::uint64_t{1} << 32) : max_jump_(max_jump) {}

  Verdict check(std::uint64_t counter) const;
  // Records `counter` as seen (call only after check() said Fresh and the
  // packet authenticated).
  void accept(std::uint64_t counter);

  bool started() const { return started_; }
  std::uint64_t highest() const { return highest_; }

 private:
  std::uint64_t max_jump_;
  bool started_ = false;
  std::uint64_t highest_ = 0;
  std::uint64_t bitmap_ = 0;  // bit i: highest_ - i was accepted
};

}  // namespace roster::gossip::crypto
