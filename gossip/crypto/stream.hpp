#pragma once
// Framing and sealing of gossip TCP sessions (push/pull, join sync, record
// fetch, TCP ping fallback). Pure encode/decode: the I/O is elsewhere.
//
// Every message on the stream is `u32 length | body` (big-endian length).
// Each side first sends a hello, unsealed:
//   'R' 'S' | version u8 (1) | flags u8 (bit 0: encrypted) | boot_id u64 |
//   session nonce (16 random bytes) | context hash u32 | n u8 | n key check values (u64)
// The check values list the sender's keys, primary first. The session key is
// the first of the client's keys that the server also holds; both ends find
// the same one from the two hellos, and when there is none both can say
// precisely which key IDs each side has.
// Directional keys:
//   K = HKDF-SHA256(ikm = chosen key, salt = "roster-stream-v1",
//                   info = "c2s"|"s2c" | context bytes | client hello | server hello)
// so a tampered hello gives the two ends different keys and the first frame
// fails. Frames: body = AES-256-GCM(counter nonce, aad = the 4 length bytes)
// with an implicit frame counter per direction (TCP keeps order, so a
// reordered, replayed or dropped frame fails). Plaintext sessions: body =
// crc32c u32 | payload; the hello's context hash still rejects other clusters.
// Limits: 4 MiB of payload per frame, 64 MiB per session and direction.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "gossip/crypto/aead.hpp"
#include "gossip/crypto/context.hpp"
#include "gossip/crypto/keyring.hpp"

namespace roster::gossip::crypto {

inline constexpr std::size_t kFramePrefix = 4;
inline constexpr std::size_t kMaxFramePayload = std::size_t{4} << 20;
inline constexpr std::size_t kMaxSessionBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxFrameBody = kMaxFramePayload + kTagSize;
inline constexpr std::size_t kHelloFixedSize = 2 + 1 + 1 + 8 + 16 + 4 + 1;

struct StreamHello {
  std::uint8_t version = 1;
  bool encrypted = false;
  std::uint64_t boot_id = 0;
  std::array<std::uint8_t, 16> nonce{};
  std::uint32_t context_hash = 0;
  std::vector<std::uint64_t> key_checks;  // primary first
  Bytes raw;                              // the encoded body, bound into the keys
};

// This side's hello: encrypted when the ring has keys and `encrypt` is set;
// a fresh random nonce.
StreamHello make_hello(const Keyring& ring, const ClusterContext& context, std::uint64_t boot_id, bool encrypt);
// `u32 length | body` of a hello, ready to send.
Bytes encode_hello_frame(const StreamHello& hello);
// Parses a hello body (after the length prefix).
Result<StreamHello> decode_hello(ByteView body);

// The length announced by a 4-byte prefix; an error when it is 0 or above
// the frame cap (the caller closes the session without reading more).
Result<std::uint32_t> parse_frame_length(ByteView prefix, bool encrypted);

// Thread safety: one thread at a time per object.
class FrameSealer {
 public:
  FrameSealer() = default;  // plaintext
  explicit FrameSealer(const Key256& key);
  // Appends `u32 length | body`.
  Status seal(ByteView payload, Bytes& out);
  bool encrypted() const { return aead_ != nullptr; }

 private:
  std::unique_ptr<Aead> aead_;
  std::uint64_t counter_ = 0;
  std::size_t total_ = 0;
};

class FrameOpener {
 public:
  FrameOpener() = default;  // plaintext
  explicit FrameOpener(const Key256& key);
  // Opens one body (the bytes after the length prefix) into `payload`. Any
  // error ends the session.
  Status open(ByteView body, Bytes& payload);
  bool encrypted() const { return aead_ != nullptr; }

 private:
  std::unique_ptr<Aead> aead_;
  std::uint64_t counter_ = 0;
  std::size_t total_ = 0;
};

struct StreamSession {
  bool encrypted = false;
  std::optional<std::uint8_t> key_id;  // the key chosen, when encrypted
  FrameSealer sealer;
  FrameOpener opener;
};

enum class StreamRole { Client, Server };

struct StreamPolicy {
  ClusterContext context;
  // Consul's encrypt_verify_incoming: refuse a plaintext session while a key is installed.
  bool require_encryption = true;
};

// Checks the peer's hello against ours and derives the session. Errors are
// one line a person can act on ("no gossip key in common with the peer: it
// has ID 3 (primary); this agent has ID 1 (primary), ID 7").
Result<StreamSession> establish_session(const Keyring& ring, const StreamPolicy& policy, StreamRole role,
                                        const StreamHello& mine, const StreamHello& peer);

}  // namespace roster::gossip::crypto
