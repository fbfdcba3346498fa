#pragma once
// One row of the member table and the precedence rules of gossip.md §1.1:
// only a member raises its own incarnation; an `alive` claim about someone
// else wins only with a strictly higher incarnation, `suspect`/`dead` win
// with an equal or higher one; a `dead` sent by the subject itself is a leave.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "gossip/address.hpp"

namespace roster::gossip {

enum class MemberState : std::uint8_t { Alive = 0, Suspect = 1, Dead = 2, Left = 3 };
std::string_view to_string(MemberState s);

// A random 64-bit number drawn at each process start: tells a restarted node
// from its previous life even when name and address are the same.
using BootId = std::uint64_t;
// First 48 bits of a hash of (name, boot_id): names a member on the wire
// without sending its name; identical on every agent, so nothing is negotiated.
using MemberTag = std::uint64_t;
inline constexpr MemberTag kTagMask = (MemberTag{1} << 48) - 1;
MemberTag member_tag(std::string_view name, BootId boot_id);

struct Member {
  std::string name;
  BootId boot_id = 0;
  MemberTag tag = 0;  // member_tag(name, boot_id), cached
  Address address;
  std::uint64_t incarnation = 0;
  MemberState state = MemberState::Alive;
  std::vector<std::uint8_t> meta;  // small application blob (tags), ≤ kMaxMetaBytes
  TimePoint state_changed{};
};

inline constexpr std::size_t kMaxMetaBytes = 512;
inline constexpr std::size_t kMaxNameBytes = 128;

// Does an `alive` claim at `incarnation` replace the row `current` (same boot)?
inline bool alive_overrides(const Member& current, std::uint64_t incarnation) {
  return incarnation > current.incarnation;
}
// Does an accusation (`suspect` or `dead`) at `incarnation` replace `current`?
// Equal incarnations stick, so an accused node must publish a bigger number.
// At equal incarnation a stronger state wins: suspect < dead.
bool accusation_overrides(const Member& current, MemberState accused, std::uint64_t incarnation);

// Alive and suspect members take part in probing and count toward N.
inline bool is_live(MemberState s) { return s == MemberState::Alive || s == MemberState::Suspect; }

}  // namespace roster::gossip
