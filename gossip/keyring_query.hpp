#pragma once
// Cluster-wide keyring operations (Consul's `consul keyring`, which runs them
// as serf queries): the agent where an operation starts applies it to its own
// ring, then asks every other live member, over the gossip stream transport
// (sealed with the keyring, so only key holders can ask), to apply it too and
// to report its keys. The answers are counted as Consul counts them: nodes per
// key, nodes per primary key, and an error message per node that failed or did
// not answer. Pure: no I/O, no threads; the stream transport's exactly-once
// outcome per request (an answer, or an error within its timeout) ends every
// query.
//
// Wire format (stream payloads, told apart from the replica's by the first byte):
//   request:  'K' version=1 op(u8: 0 list, 1 install, 2 use, 3 remove) keylen(u8) key
//   answer:   'K' version=1 ok(u8) errlen(u16 BE) err nkeys(u8) { keylen(u8) key }
//             (the primary first; an error answer carries the keys too)
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "gossip/crypto/keyring.hpp"
#include "gossip/crypto/keyring_ops.hpp"
#include "gossip/delegate.hpp"

namespace roster::gossip {

inline constexpr std::uint8_t kKeyringMagic = 'K';

enum class KeyringQueryOp : std::uint8_t { List = 0, Install = 1, Use = 2, Remove = 3 };
KeyringQueryOp to_query_op(crypto::KeyringOp op);

struct KeyringRequest {
  KeyringQueryOp op = KeyringQueryOp::List;
  std::optional<crypto::Key> key;  // all but List
};
struct KeyringAnswer {
  std::string error;  // empty: the operation succeeded
  std::vector<crypto::Key> keys;  // primary first
};
std::vector<std::uint8_t> encode_keyring_request(const KeyringRequest& r);
std::optional<KeyringRequest> decode_keyring_request(std::span<const std::uint8_t> b);
std::vector<std::uint8_t> encode_keyring_answer(const KeyringAnswer& a);
std::optional<KeyringAnswer> decode_keyring_answer(std::span<const std::uint8_t> b);
inline bool is_keyring_payload(std::span<const std::uint8_t> b) { return !b.empty() && b[0] == kKeyringMagic; }

// Applies a request to `store` (thread-safe) and answers with the ring after it.
KeyringAnswer apply_keyring_request(crypto::KeyringStore& store, const KeyringRequest& r);

class KeyringQueries {
 public:
  using Done = std::function<void(crypto::ClusterKeyView)>;

  KeyringQueries(std::shared_ptr<crypto::KeyringStore> store, Broadcaster& gossip);

  // Asks each of `members` (other live members; not us) to apply `r`, and
  // calls `done` once each answered or failed. The view counts this agent's
  // own ring too (read when the last answer arrives; the caller has already
  // applied the operation here). With no members, `done` runs at once.
  void start(const KeyringRequest& r, const std::vector<std::string>& members, Done done);

  // --- the Delegate's request/response halves for keyring payloads ---
  std::vector<std::uint8_t> on_request(const std::string& from, std::span<const std::uint8_t> payload);
  // True if `id` was one of ours (then the answer was taken).
  bool on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response);

  std::size_t in_flight() const { return owner_.size(); }

 private:
  struct Query {
    crypto::ClusterKeyView view;
    std::size_t waiting = 0;
    Done done;
  };
  void count(Query& q, const std::vector<crypto::Key>& keys);
  void finish_one(std::uint64_t query);

  std::shared_ptr<crypto::KeyringStore> store_;
  Broadcaster& gossip_;
  std::uint64_t next_query_ = 1;
  std::map<std::uint64_t, Query> queries_;
  std::map<std::uint64_t, std::pair<std::uint64_t, std::string>> owner_;  // request id -> (query, member)
};

}  // namespace roster::gossip
