#pragma once
// The extension points of the membership core for the application riding on
// gossip (the registry replica, gossip/replica*). Everything here is called on
// the protocol thread, from inside Membership's entry points (on_datagram,
// on_stream_request, on_stream_response, tick): implementations must not block
// and must not call back into Membership's entry points, except
// Broadcaster::broadcast / request, which are safe to call from a callback.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "gossip/member.hpp"

namespace roster::gossip {

// Largest application broadcast payload: it must ride in one datagram next to
// a ping or ack, under the packet budget minus the envelope.
inline constexpr std::size_t kMaxBroadcastBytes = 1024;
// Largest application payload carried over a stream (push/pull blob, request, response).
inline constexpr std::size_t kMaxStreamPayloadBytes = 32u << 20;

// (a) What the application may ask of gossip. Membership implements it.
class Broadcaster {
 public:
  virtual ~Broadcaster() = default;
  // Queue `payload` for epidemic dissemination: piggybacked on pings/acks and
  // sent to random peers every gossip interval, each copy sent
  // retransmit_mult·max(3, ceil(log10(N+1))) times. A queued broadcast with the same
  // `key` is replaced, so only the newest state about a subject is ever sent
  // (use e.g. the owner node's name as key). Invalid if the payload is empty
  // or larger than kMaxBroadcastBytes.
  virtual Status broadcast(std::string key, std::vector<std::uint8_t> payload) = 0;
  // Send `payload` to one live member over the reliable stream transport (for
  // data too big for a datagram, e.g. fetching a record). Returns an id; the
  // answer arrives later in Delegate::on_response with that id (an error if
  // the member is unknown, unreachable or the exchange timed out).
  virtual Result<std::uint64_t> request(const std::string& member,
                                        std::vector<std::uint8_t> payload) = 0;
};

// (b), (c) Application data carried by gossip.
class Delegate {
 public:
  virtual ~Delegate() = default;
  // (b) An application broadcast arrived (from any peer; its origin is not
  // known). Return the invalidation key if it was news to this node: the core
  // then re-broadcasts the same bytes under that key, so the rumor spreads
  // epidemically. Return nullopt for old news (already applied, stale): it is
  // dropped. Called once per copy received; must be idempotent.
  virtual std::optional<std::string> on_broadcast(std::span<const std::uint8_t> payload,
                                                  TimePoint now) = 0;
  // (c) Push/pull anti-entropy and join: the application's state to send to
  // `peer` (opaque bytes, may be empty: e.g. a digest first). Called on both
  // sides of every exchange (`join` is true for the initial exchange of a join).
  virtual std::vector<std::uint8_t> local_state(const std::string& peer, bool join) = 0;
  // (c) The peer's state from the same exchange, to merge.
  virtual void merge_remote_state(const std::string& peer, std::span<const std::uint8_t> state,
                                  bool join, TimePoint now) = 0;
  // Answer a Broadcaster::request sent by member `from` (the returned bytes go
  // back over the same stream). Default: empty answer.
  virtual std::vector<std::uint8_t> on_request(const std::string& from,
                                               std::span<const std::uint8_t> payload,
                                               TimePoint now) {
    (void)from, (void)payload, (void)now;
    return {};
  }
  // The answer to Broadcaster::request `id`, or why there is none.
  virtual void on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response,
                           TimePoint now) {
    (void)id, (void)response, (void)now;
  }
};

// (d) Membership changes, as seen by this node.
enum class MemberEventKind : std::uint8_t {
  Joined,   // first heard of this member (or of a new boot of its name)
  Updated,  // alive again (refuted a suspicion, came back from failed), or new address/meta/incarnation
  Suspect,  // suspected by someone; still counts as up
  Failed,   // declared dead (crash or unreachable)
  Left,     // left gracefully
  Reaped,   // dead/left row forgotten after the reap/tombstone time
};
std::string_view to_string(MemberEventKind k);

struct MemberEvent {
  MemberEventKind kind = MemberEventKind::Joined;
  Member member;                   // the row after the change
  std::optional<Address> replaced; // Joined over a previous boot: its old address
  TimePoint at{};
};

class MemberListener {
 public:
  virtual ~MemberListener() = default;
  virtual void on_member_event(const MemberEvent& event) = 0;
};

}  // namespace roster::gossip
