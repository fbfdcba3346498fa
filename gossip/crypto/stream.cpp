#include "gossip/crypto/stream.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace roster::gossip::crypto {
namespace {

std::string describe_checks(const std::vector<std::uint64_t>& checks) {
  if (checks.empty()) return "no keys";
  std::string out;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (i > 0) out += ", ";
    out += "ID " + std::to_string(checks[i] & 0x0f);
    if (i == 0) out += " (primary)";
  }
  return out;
}

Key256 direction_key(const Key& key, std::string_view dir, const Bytes& ctx, const StreamHello& client,
                     const StreamHello& server) {
  Bytes info;
  info.reserve(dir.size() + ctx.size() + 4 + client.raw.size() + server.raw.size());
  info.insert(info.end(), dir.begin(), dir.end());
  info.insert(info.end(), ctx.begin(), ctx.end());
  append_be(info, client.raw.size(), 4);
  info.insert(info.end(), client.raw.begin(), client.raw.end());
  info.insert(info.end(), server.raw.begin(), server.raw.end());
  return hkdf_sha256_32(key.bytes(), as_bytes("roster-stream-v1"), info);
}

}  // namespace

StreamHello make_hello(const Keyring& ring, const ClusterContext& context, std::uint64_t boot_id, bool encrypt) {
  StreamHello h;
  h.encrypted = encrypt && !ring.empty();
  h.boot_id = boot_id;
  if (RAND_bytes(h.nonce.data(), static_cast<int>(h.nonce.size())) != 1)
    throw std::runtime_error("the random number generator failed");
  h.context_hash = context_hash(context);
  if (h.encrypted)
    for (const Key& k : ring.keys()) h.key_checks.push_back(k.check());
  h.raw.assign(kHelloFixedSize + 8 * h.key_checks.size(), 0);
  std::uint8_t* p = h.raw.data();
  p[0] = 'R';
  p[1] = 'S';
  p[2] = h.version;
  p[3] = h.encrypted ? 1 : 0;
  put_be(p + 4, h.boot_id, 8);
  std::copy(h.nonce.begin(), h.nonce.end(), p + 12);
  put_be(p + 28, h.context_hash, 4);
  p[32] = static_cast<std::uint8_t>(h.key_checks.size());
  for (std::size_t i = 0; i < h.key_checks.size(); ++i) put_be(p + kHelloFixedSize + 8 * i, h.key_checks[i], 8);
  return h;
}

Bytes encode_hello_frame(const StreamHello& hello) {
  // Prefix written into the hello's own copy: GCC 12 misjudges the bounds
  // of a small vector grown by insert (-Wstringop-overflow false positive).
  Bytes out = hello.raw;
  std::uint8_t prefix[kFramePrefix];
  put_be(prefix, hello.raw.size(), 4);
  out.insert(out.begin(), prefix, prefix + kFramePrefix);
  return out;
}

Result<StreamHello> decode_hello(ByteView body) {
  if (body.size() < kHelloFixedSize || body[0] != 'R' || body[1] != 'S')
    return invalid("the peer did not send a Roster gossip stream hello");
  StreamHello h;
  h.version = body[2];
  if (h.version != 1)
    return invalid("the peer speaks gossip stream version " + std::to_string(h.version) + "; this agent speaks 1");
  if (body[3] & ~1u) return invalid("the peer's stream hello has unknown flags");
  h.encrypted = body[3] & 1;
  h.boot_id = get_be(body.data() + 4, 8);
  std::copy(body.begin() + 12, body.begin() + 28, h.nonce.begin());
  h.context_hash = static_cast<std::uint32_t>(get_be(body.data() + 28, 4));
  const std::size_t n = body[32];
  if (n > Keyring::kMaxKeys || body.size() != kHelloFixedSize + 8 * n)
    return invalid("the peer's stream hello is malformed");
  if (h.encrypted != (n > 0)) return invalid("the peer's stream hello is malformed");
  for (std::size_t i = 0; i < n; ++i) h.key_checks.push_back(get_be(body.data() + kHelloFixedSize + 8 * i, 8));
  h.raw.assign(body.begin(), body.end());
  return h;
}

Result<std::uint32_t> parse_frame_length(ByteView prefix, bool encrypted) {
  if (prefix.size() < kFramePrefix) return invalid("truncated frame length");
  const auto n = static_cast<std::uint32_t>(get_be(prefix.data(), 4));
  const std::size_t min = encrypted ? kTagSize : 4;
  const std::size_t max = kMaxFramePayload + min;
  if (n < min) return invalid("gossip stream frame of " + std::to_string(n) + " bytes is too short");
  if (n > max)
    return invalid("gossip stream frame of " + std::to_string(n) + " bytes exceeds the " +
                   std::to_string(kMaxFramePayload >> 20) + " MiB cap");
  return n;
}

FrameSealer::FrameSealer(const Key256& key) : aead_(std::make_unique<Aead>(key, Aead::Direction::Seal)) {}

Status FrameSealer::seal(ByteView payload, Bytes& out) {
  if (payload.size() > kMaxFramePayload)
    return invalid("gossip stream frame of " + std::to_string(payload.size()) + " bytes exceeds the 4 MiB cap");
  if (total_ + payload.size() > kMaxSessionBytes) return invalid("gossip stream session exceeds 64 MiB");
  total_ += payload.size();
  const std::size_t at = out.size();
  const std::size_t body = payload.size() + (aead_ ? kTagSize : 4);
  out.resize(at + kFramePrefix + body);
  std::uint8_t* p = out.data() + at;
  put_be(p, body, 4);
  if (aead_) {
    aead_->seal(counter_nonce(counter_++), ByteView(p, kFramePrefix), payload, p + kFramePrefix);
  } else {
    put_be(p + kFramePrefix, crc32c(payload), 4);
    std::copy(payload.begin(), payload.end(), p + kFramePrefix + 4);
  }
  return ok();
}

FrameOpener::FrameOpener(const Key256& key) : aead_(std::make_unique<Aead>(key, Aead::Direction::Open)) {}

Status FrameOpener::open(ByteView body, Bytes& payload) {
  payload.clear();
  std::uint8_t prefix[kFramePrefix];
  put_be(prefix, body.size(), 4);
  if (auto len = parse_frame_length(ByteView(prefix, kFramePrefix), encrypted()); !len) return len.error();
  const std::size_t size = body.size() - (aead_ ? kTagSize : 4);
  if (total_ + size > kMaxSessionBytes) return invalid("gossip stream session exceeds 64 MiB");
  total_ += size;
  payload.resize(size);
  if (aead_) {
    if (!aead_->open(counter_nonce(counter_++), ByteView(prefix, kFramePrefix), body, payload.data())) {
      payload.clear();
      return invalid("gossip stream frame did not authenticate (altered, reordered or replayed)");
    }
    return ok();
  }
  std::copy(body.begin() + 4, body.end(), payload.begin());
  if (crc32c(payload) != get_be(body.data(), 4)) {
    payload.clear();
    return invalid("gossip stream frame failed its CRC32C check");
  }
  return ok();
}

Result<StreamSession> establish_session(const Keyring& ring, const StreamPolicy& policy, StreamRole role,
                                        const StreamHello& mine, const StreamHello& peer) {
  if (peer.context_hash != mine.context_hash)
    return invalid("the peer belongs to another datacenter or cluster label");
  // Encrypted only when both ends encrypt; each end's policy then decides
  // whether a plaintext session is acceptable.
  if (!mine.encrypted || !peer.encrypted) {
    if (policy.require_encryption && !ring.empty())
      return invalid(mine.encrypted ? "the peer does not encrypt gossip but this agent requires encryption"
                                    : "this agent requires encrypted gossip but does not send it "
                                      "(encrypt_verify_outgoing is off)");
    return StreamSession{};
  }

  const StreamHello& client = role == StreamRole::Client ? mine : peer;
  const StreamHello& server = role == StreamRole::Client ? peer : mine;
  const Key* chosen = nullptr;
  for (const std::uint64_t c : client.key_checks) {
    if (std::find(server.key_checks.begin(), server.key_checks.end(), c) == server.key_checks.end()) continue;
    chosen = ring.find_check(c);
    break;
  }
  if (!chosen)
    return invalid("no gossip key in common with the peer: it has " + describe_checks(peer.key_checks) +
                   "; this agent has " + describe_checks(mine.key_checks));
  const Bytes ctx = context_bytes(policy.context);
  const Key256 c2s = direction_key(*chosen, "c2s", ctx, client, server);
  const Key256 s2c = direction_key(*chosen, "s2c", ctx, client, server);
  StreamSession s;
  s.encrypted = true;
  s.key_id = chosen->id();
  s.sealer = FrameSealer(role == StreamRole::Client ? c2s : s2c);
  s.opener = FrameOpener(role == StreamRole::Client ? s2c : c2s);
  return s;
}

}  // namespace roster::gossip::crypto
