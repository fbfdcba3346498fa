#pragma once
// One row of the member table and the precedence rules of gossip.md §1.1:
// only a member raises its own incarnation; an `alive` claim about someone
// else wins only with a strictly higher incarnation, `suspect`/`dead` win
// with an equal or higher one; a `dead` sent by the subject itself is a leave.
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>

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

// An immutable value shared by its copies: one pointer wide (null for the
// empty value), reference-counted atomically (boost::intrusive_ptr) because
// copies of a Member travel to other threads in MemberEvents; std::shared_ptr
// would take two pointers a row. Every agent's table holds the same few names;
// a simulated cluster holds N tables of the same N names, and sharing them
// (Membership::restore) is what lets N=10,000 fit in memory (gossip/sim).
template <class T>
class SharedValue {
 public:
  SharedValue() noexcept = default;
  explicit SharedValue(T value) {
    if (!(value == T{})) block_ = new Block(std::move(value));
  }
  const T& get() const noexcept { return block_ ? block_->value : empty(); }
  // Same block (or both empty): equal without comparing the values.
  bool shares(const SharedValue& o) const noexcept { return block_ == o.block_; }

 private:
  struct Block : boost::intrusive_ref_counter<Block, boost::thread_safe_counter> {
    explicit Block(T v) : value(std::move(v)) {}
    const T value;
  };
  static const T& empty() noexcept {
    static const T e{};
    return e;
  }
  boost::intrusive_ptr<const Block> block_;
};

// A member's name: reads like a const std::string (converts to it and to
// std::string_view, compares with strings), stored as a SharedValue.
class MemberName {
 public:
  MemberName() = default;
  MemberName(std::string s) : v_(std::move(s)) {}
  MemberName(std::string_view s) : v_(std::string(s)) {}
  MemberName(const char* s) : v_(std::string(s)) {}
  const std::string& str() const noexcept { return v_.get(); }
  operator const std::string&() const noexcept { return v_.get(); }
  operator std::string_view() const noexcept { return v_.get(); }
  bool empty() const noexcept { return str().empty(); }
  std::size_t size() const noexcept { return str().size(); }
  const char* data() const noexcept { return str().data(); }
  const char* c_str() const noexcept { return str().c_str(); }

  friend bool operator==(const MemberName& a, const MemberName& b) noexcept {
    return a.v_.shares(b.v_) || a.str() == b.str();
  }
  friend std::strong_ordering operator<=>(const MemberName& a, const MemberName& b) noexcept {
    return a.str().compare(b.str()) <=> 0;
  }
  template <class S>
    requires(!std::is_same_v<S, MemberName> && std::is_convertible_v<const S&, std::string_view>)
  friend bool operator==(const MemberName& a, const S& b) noexcept {
    return std::string_view(a.str()) == std::string_view(b);
  }
  template <class S>
    requires(!std::is_same_v<S, MemberName> && std::is_convertible_v<const S&, std::string_view>)
  friend std::strong_ordering operator<=>(const MemberName& a, const S& b) noexcept {
    return std::string_view(a.str()).compare(std::string_view(b)) <=> 0;
  }

 private:
  SharedValue<std::string> v_;
};

// A member's metadata blob: reads like a const std::vector<std::uint8_t>
// (and is a contiguous range, so it converts to std::span), stored shared.
class MemberMeta {
 public:
  using value_type = std::uint8_t;
  MemberMeta() = default;
  MemberMeta(std::vector<std::uint8_t> b) : v_(std::move(b)) {}
  const std::vector<std::uint8_t>& bytes() const noexcept { return v_.get(); }
  operator const std::vector<std::uint8_t>&() const noexcept { return v_.get(); }
  const std::uint8_t* data() const noexcept { return bytes().data(); }
  const std::uint8_t* begin() const noexcept { return data(); }
  const std::uint8_t* end() const noexcept { return data() + size(); }
  std::size_t size() const noexcept { return bytes().size(); }
  bool empty() const noexcept { return bytes().empty(); }

  friend bool operator==(const MemberMeta& a, const MemberMeta& b) noexcept {
    return a.v_.shares(b.v_) || a.bytes() == b.bytes();
  }
  friend bool operator==(const MemberMeta& a, const std::vector<std::uint8_t>& b) noexcept {
    return a.bytes() == b;
  }

 private:
  SharedValue<std::vector<std::uint8_t>> v_;
};

// Field order packs the row into 72 bytes (`state` fills Address's padding):
// a simulated N=10,000 cluster holds 10^8 rows.
struct Member {
  MemberName name;
  BootId boot_id = 0;
  MemberTag tag = 0;  // member_tag(name, boot_id), cached
  Address address;
  MemberState state = MemberState::Alive;
  std::uint64_t incarnation = 0;
  MemberMeta meta;  // small application blob (tags), ≤ kMaxMetaBytes
  TimePoint state_changed{};
};
static_assert(sizeof(void*) != 8 || sizeof(Member) <= 72, "keep the member row compact");

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
