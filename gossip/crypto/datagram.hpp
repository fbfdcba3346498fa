#pragma once
// The envelope of every gossip datagram (gossip.md §5.3).
//
//   sealed v1:    [0x10 | key_id][boot_id u64][counter u48][ciphertext][tag 16]   31 bytes overhead
//   plaintext v1: [0x20][boot_id u64][context hash u32][crc32c u32][payload]      17 bytes overhead
//
// Sealed: AES-256-GCM under a per-sender subkey
//   K_s = HKDF-SHA256(ikm = cluster key, salt = "roster-gossip-v1",
//                     info = "datagram" | boot_id | key check value),
// nonce = 4 zero bytes | counter (u64); the additional data is the 15-byte
// header followed by context_bytes(datacenter, label). Counters start at 0
// for each boot and never repeat, so nonces never repeat under one subkey.
// Receivers keep a replay window per boot_id.
//
// Plaintext (no key, or encrypt_verify_outgoing off during an upgrade): the
// CRC32C covers the first 13 header bytes and the payload. It catches
// corruption and traffic from another cluster; it is NOT authentication.
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "gossip/crypto/aead.hpp"
#include "gossip/crypto/context.hpp"
#include "gossip/crypto/keyring.hpp"
#include "gossip/crypto/lru.hpp"
#include "gossip/crypto/replay_window.hpp"

namespace roster::gossip::crypto {

inline constexpr std::uint8_t kSealedV1 = 0x10;  // high nibble; the low one is the key ID
inline constexpr std::uint8_t kPlainV1 = 0x20;
inline constexpr std::size_t kSealedHeaderSize = 15;
inline constexpr std::size_t kSealedOverhead = kSealedHeaderSize + kTagSize;  // 31
inline constexpr std::size_t kPlainOverhead = 17;
inline constexpr std::uint64_t kMaxCounter = (std::uint64_t{1} << 48) - 1;

// A fresh random 64-bit boot ID (never 0).
std::uint64_t new_boot_id();

struct SealerOptions {
  ClusterContext context;
  std::uint64_t boot_id = 0;
  // Consul's encrypt_verify_outgoing: false sends plaintext even with a key,
  // the first step of turning encryption on in a running cluster.
  bool encrypt_outgoing = true;
};

// Thread safety: seal() may be called from any thread. Exactly one sealer per
// boot_id, ever: a second one would restart the counter and reuse nonces.
class DatagramSealer {
 public:
  DatagramSealer(std::shared_ptr<const KeyringStore> keys, SealerOptions options);
  ~DatagramSealer();

  // Appends the envelope of `payload` to `out`. Fails only when the counter
  // is exhausted (2^48 packets in one boot).
  Status seal(ByteView payload, Bytes& out);
  // Bytes seal() adds to a payload with the current keyring.
  std::size_t overhead() const;
  std::uint64_t sent() const;

 private:
  std::shared_ptr<const KeyringStore> keys_;
  SealerOptions options_;
  Bytes aad_;  // header slot, then the context bytes
  std::uint32_t context_hash_;
  mutable std::mutex mutex_;
  std::uint64_t counter_ = 0;
  std::uint64_t key_check_ = 0;
  std::unique_ptr<Aead> aead_;  // for the primary whose check is key_check_
};

enum class OpenStatus : std::uint8_t {
  Ok,
  Malformed,         // too short, or not an envelope at all
  UnknownVersion,    // an envelope version this agent does not speak
  NoKeys,            // sealed, and this agent has no key at all
  UnknownKeyId,      // sealed under a key ID this agent does not have
  AuthFailed,        // a key with that ID is installed, but the packet does not authenticate
  Replayed,          // already seen, or older than the replay window
  FutureCounter,     // a counter jump beyond the allowed bound
  PlaintextRefused,  // plaintext while this agent requires encryption
  WrongCluster,      // plaintext from another datacenter or cluster label
  Corrupt,           // plaintext whose CRC32C does not match
};
inline constexpr std::size_t kOpenStatusCount = 11;
// A short stable name for counters and metrics ("auth_failed").
std::string_view to_string(OpenStatus s);

struct PacketInfo {
  bool encrypted = false;
  std::uint8_t version = 0;
  std::uint8_t key_id = 0;
  std::uint64_t boot_id = 0;
  std::uint64_t counter = 0;  // sealed only
  std::size_t size = 0;
};

struct OpenerOptions {
  ClusterContext context;
  // Consul's encrypt_verify_incoming: false also accepts plaintext packets
  // while a key is installed (during an upgrade).
  bool verify_incoming = true;
  std::size_t key_cache_entries = 2048;   // derived sender subkeys kept
  std::size_t replay_windows = 16384;     // sender boots remembered
  std::uint64_t max_counter_jump = std::uint64_t{1} << 32;
};

using OpenCounters = std::array<std::uint64_t, kOpenStatusCount>;

// Thread safety: every method may be called from any thread (one mutex; the
// receive path is expected to be one thread anyway).
class DatagramOpener {
 public:
  DatagramOpener(std::shared_ptr<const KeyringStore> keys, OpenerOptions options);
  ~DatagramOpener();

  // On Ok, `payload` holds the message bytes. Anything else must be dropped
  // unparsed; every outcome is counted.
  OpenStatus open(ByteView packet, Bytes& payload, PacketInfo* info = nullptr);
  OpenCounters counters() const;
  // One line for the log: "packet used key ID 3, which is not installed on
  // this agent (installed: ID 1 (primary), ID 7)".
  std::string explain(OpenStatus status, const PacketInfo& info) const;

 private:
  struct CacheKey {
    std::uint64_t boot_id;
    std::uint64_t check;
    bool operator==(const CacheKey&) const = default;
  };
  struct CacheHash {
    std::size_t operator()(const CacheKey& k) const { return k.boot_id * 0x9e3779b97f4a7c15ULL ^ k.check; }
  };

  OpenStatus open_sealed(ByteView packet, Bytes& payload, PacketInfo& info);
  OpenStatus open_plain(ByteView packet, Bytes& payload, PacketInfo& info);
  OpenStatus count(OpenStatus s);

  std::shared_ptr<const KeyringStore> keys_;
  OpenerOptions options_;
  std::uint32_t context_hash_;
  mutable std::mutex mutex_;
  Bytes aad_;
  LruMap<CacheKey, std::unique_ptr<Aead>, CacheHash> subkeys_;
  LruMap<std::uint64_t, ReplayWindow> windows_;
  OpenCounters counters_{};
};

// The sender subkey of a boot under a key (exposed for tests).
Key256 datagram_subkey(const Key& key, std::uint64_t boot_id);

}  // namespace roster::gossip::crypto
