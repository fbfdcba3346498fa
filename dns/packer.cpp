#include "dns/packer.hpp"

#include <algorithm>

namespace roster::dns {
namespace {

enum class Extras { All, Essential, None };

struct Attempt {
  std::size_t answers;
  bool authority;
  Extras extras;
};

// Encodes one attempt at a time, reusing its pointer vectors.
// Thread safety: one instance per pack() call.
class Encoder {
 public:
  Encoder(const Sections& s, const wire::MessageParts& frame) : s_(s), frame_(frame) {}

  std::vector<std::uint8_t> encode(const Attempt& at, bool tc) {
    an_.clear();
    ns_.clear();
    ar_.clear();
    for (std::size_t i = 0; i < at.answers; ++i) an_.push_back(s_.answer[i].get());
    if (at.authority)
      for (const auto& rr : s_.authority) ns_.push_back(rr.get());
    if (at.extras != Extras::None) {
      for (const auto& e : s_.additional) {
        if (!e.essential && at.extras != Extras::All) continue;
        const bool anchored = e.anchor == kAnchorAuthority
                                  ? at.authority
                                  : static_cast<std::size_t>(e.anchor) < at.answers;
        if (anchored) ar_.push_back(e.rr.get());
      }
    }
    wire::MessageParts parts = frame_;
    parts.answer = an_;
    parts.authority = ns_;
    parts.additional = ar_;
    if (tc) parts.flags |= wire::kFlagTc;
    return wire::encode(parts);
  }

 private:
  const Sections& s_;
  const wire::MessageParts& frame_;
  std::vector<const ldns_rr*> an_, ns_, ar_;
};

}  // namespace

std::vector<std::uint8_t> pack(const Sections& sections, const wire::MessageParts& frame,
                               const PackLimits& limits, bool* complete) {
  Encoder enc(sections, frame);
  std::size_t n = sections.answer.size();
  if (limits.max_answers != 0) n = std::min(n, limits.max_answers);
  const auto fits = [&](const std::vector<std::uint8_t>& b) { return b.size() <= limits.max_size; };
  if (complete) *complete = false;

  // All answers: shed AUTHORITY, then meta TXT.
  bool first = true;
  for (const Attempt at : {Attempt{n, true, Extras::All}, Attempt{n, false, Extras::All},
                           Attempt{n, false, Extras::Essential}}) {
    auto bytes = enc.encode(at, false);
    if (fits(bytes)) {
      if (complete) *complete = first && n == sections.answer.size();
      return bytes;
    }
    first = false;
  }
  // Fewer answers: the most that fit, with their targets' addresses.
  std::size_t lo = 1;
  std::size_t hi = n > 0 ? n - 1 : 0;
  std::size_t best = 0;
  while (lo <= hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (fits(enc.encode({mid, false, Extras::Essential}, false))) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best > 0) return enc.encode({best, false, Extras::Essential}, limits.set_tc);
  if (n > 0) {
    auto one = enc.encode({1, false, Extras::None}, limits.set_tc && n > 1);
    if (fits(one)) return one;
  }
  // Not even one answer fits: an empty reply that tells the client to retry
  // over TCP.
  return enc.encode({0, false, Extras::None}, n > 0);
}

}  // namespace roster::dns
