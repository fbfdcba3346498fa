#include "gossip/member.hpp"

#include "gossip/delegate.hpp"

namespace roster::gossip {

std::string_view to_string(MemberState s) {
  switch (s) {
    case MemberState::Alive: return "alive";
    case MemberState::Suspect: return "suspect";
    case MemberState::Dead: return "failed";
    case MemberState::Left: return "left";
  }
  return "unknown";
}

std::string_view to_string(MemberEventKind k) {
  switch (k) {
    case MemberEventKind::Joined: return "joined";
    case MemberEventKind::Updated: return "updated";
    case MemberEventKind::Suspect: return "suspect";
    case MemberEventKind::Failed: return "failed";
    case MemberEventKind::Left: return "left";
    case MemberEventKind::Reaped: return "reaped";
  }
  return "unknown";
}

MemberTag member_tag(std::string_view name, BootId boot_id) {
  // FNV-1a over the name, then the boot id, finished with a 64-bit mixer so
  // similar names spread over all 48 bits. Must never change: every agent
  // computes the same tag.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  for (int i = 0; i < 8; ++i) h = (h ^ ((boot_id >> (8 * i)) & 0xff)) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h & kTagMask;
}

static int strength(MemberState s) {
  switch (s) {
    case MemberState::Alive: return 0;
    case MemberState::Suspect: return 1;
    case MemberState::Dead:
    case MemberState::Left: return 2;
  }
  return 0;
}

bool accusation_overrides(const Member& current, MemberState accused, std::uint64_t incarnation) {
  if (incarnation > current.incarnation) return true;
  if (incarnation < current.incarnation) return false;
  return strength(accused) > strength(current.state);
}

}  // namespace roster::gossip
