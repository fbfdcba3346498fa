#pragma once
// The gossip messages (gossip.md §5.2). Datagram = [version u8] then messages,
// each [type u8][length varint][body]; a receiver skips types it does not
// know by their length and ignores trailing body bytes it does not know, so a
// newer version stays readable. Members are named by their 6-byte tag except
// in `alive`, which carries the full identity.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "gossip/address.hpp"
#include "gossip/member.hpp"

namespace roster::gossip {

inline constexpr std::uint8_t kProtocolVersion = 1;

enum class MsgType : std::uint8_t {
  Ping = 1, Ack = 2, Nack = 3, PingReq = 4, Alive = 5, Suspect = 6, Dead = 7, User = 8,
};

struct Ping { std::uint16_t seq = 0; MemberTag target = 0; };
struct Ack { std::uint16_t seq = 0; };
struct Nack { std::uint16_t seq = 0; };
struct PingReq { std::uint16_t seq = 0; MemberTag target = 0; bool want_nack = false; };
struct Alive {
  std::string name;
  BootId boot_id = 0;
  std::uint64_t incarnation = 0;
  Address address;
  std::vector<std::uint8_t> meta;
  friend bool operator==(const Alive&, const Alive&) = default;
};
// Accusations. A `dead` whose accuser is its subject is a graceful leave.
struct Suspect { MemberTag subject = 0; std::uint64_t incarnation = 0; MemberTag accuser = 0; };
struct Dead { MemberTag subject = 0; std::uint64_t incarnation = 0; MemberTag accuser = 0; };
struct User { std::vector<std::uint8_t> payload; };

using Message = std::variant<Ping, Ack, Nack, PingReq, Alive, Suspect, Dead, User>;

// Streams (join, push/pull, application requests): one request, one response,
// each [version u8][kind u8][body].
enum class StreamKind : std::uint8_t {
  Sync = 1, SyncReply = 2, AppRequest = 3, AppReply = 4, Ping = 5, PingReply = 6,
};

struct MemberRecord {
  Alive identity;
  MemberState state = MemberState::Alive;
};

// Join / push-pull. The initiator sends its digest of the member table; the
// responder answers with its table when the digests differ (or on join) and
// the initiator then pushes its own table in a second exchange (`has_table`).
struct SyncRequest {
  bool join = false;
  bool has_table = false;
  Alive self;                       // the initiator, so the responder learns of it
  std::uint64_t digest = 0;
  std::vector<MemberRecord> table;  // when has_table
  std::vector<std::uint8_t> app;    // the application's state blob
};

enum class SyncStatus : std::uint8_t { Ok = 0, NameConflict = 1, Retry = 2 };

struct SyncReply {
  SyncStatus status = SyncStatus::Ok;
  std::string error;  // why, for a refusal
  std::uint64_t digest = 0;
  bool has_table = false;
  std::vector<MemberRecord> table;
  std::vector<std::uint8_t> app;
};

struct AppRequest { std::string from; std::vector<std::uint8_t> payload; };
struct AppReply { std::vector<std::uint8_t> payload; };

// The TCP fallback probe (memberlist protocol ≥ 3): a ping over a stream,
// answered `acked` only if the target tag is the answering boot's.
struct StreamPing { std::uint16_t seq = 0; MemberTag target = 0; };
struct StreamPingReply { std::uint16_t seq = 0; bool acked = false; };

using StreamMessage =
    std::variant<SyncRequest, SyncReply, AppRequest, AppReply, StreamPing, StreamPingReply>;

}  // namespace roster::gossip
