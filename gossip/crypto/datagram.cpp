#include "gossip/crypto/datagram.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace roster::gossip::crypto {
namespace {

void write_sealed_header(std::uint8_t* h, std::uint8_t key_id, std::uint64_t boot_id, std::uint64_t counter) {
  h[0] = static_cast<std::uint8_t>(kSealedV1 | (key_id & 0x0f));
  put_be(h + 1, boot_id, 8);
  put_be(h + 9, counter, 6);
}

}  // namespace

std::uint64_t new_boot_id() {
  std::uint64_t id = 0;
  while (id == 0) {
    std::uint8_t raw[8];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("the random number generator failed");
    id = get_be(raw, 8);
  }
  return id;
}

Key256 datagram_subkey(const Key& key, std::uint64_t boot_id) {
  std::uint8_t info[8 + 8 + 8] = {'d', 'a', 't', 'a', 'g', 'r', 'a', 'm'};
  put_be(info + 8, boot_id, 8);
  put_be(info + 16, key.check(), 8);
  return hkdf_sha256_32(key.bytes(), as_bytes("roster-gossip-v1"), info);
}

// ---- sealer ---------------------------------------------------------------

DatagramSealer::DatagramSealer(std::shared_ptr<const KeyringStore> keys, SealerOptions options)
    : keys_(std::move(keys)), options_(std::move(options)), context_hash_(context_hash(options_.context)) {
  aad_.assign(kSealedHeaderSize, 0);
  const Bytes ctx = context_bytes(options_.context);
  aad_.insert(aad_.end(), ctx.begin(), ctx.end());
}

DatagramSealer::~DatagramSealer() = default;

std::size_t DatagramSealer::overhead() const {
  const auto ring = keys_->snapshot();
  return !ring->empty() && options_.encrypt_outgoing ? kSealedOverhead : kPlainOverhead;
}

std::uint64_t DatagramSealer::sent() const {
  std::lock_guard lock(mutex_);
  return counter_;
}

Status DatagramSealer::seal(ByteView payload, Bytes& out) {
  const auto ring = keys_->snapshot();
  const std::size_t at = out.size();
  if (ring->empty() || !options_.encrypt_outgoing) {
    out.resize(at + kPlainOverhead + payload.size());
    std::uint8_t* h = out.data() + at;
    h[0] = kPlainV1;
    put_be(h + 1, options_.boot_id, 8);
    put_be(h + 9, context_hash_, 4);
    std::copy(payload.begin(), payload.end(), h + kPlainOverhead);
    const std::uint32_t crc = crc32c(payload, crc32c(ByteView(h, 13)));
    put_be(h + 13, crc, 4);
    return ok();
  }
  const Key& key = *ring->primary();
  std::lock_guard lock(mutex_);
  if (counter_ > kMaxCounter) return internal("gossip packet counter exhausted for this boot; restart the agent");
  if (!aead_ || key_check_ != key.check()) {
    const Key256 sub = datagram_subkey(key, options_.boot_id);
    aead_ = std::make_unique<Aead>(sub, Aead::Direction::Seal);
    key_check_ = key.check();
  }
  const std::uint64_t counter = counter_++;
  out.resize(at + kSealedOverhead + payload.size());
  std::uint8_t* h = out.data() + at;
  write_sealed_header(h, key.id(), options_.boot_id, counter);
  std::copy(h, h + kSealedHeaderSize, aad_.begin());
  aead_->seal(counter_nonce(counter), aad_, payload, h + kSealedHeaderSize);
  return ok();
}

// ---- opener ---------------------------------------------------------------

std::string_view to_string(OpenStatus s) {
  switch (s) {
    case OpenStatus::Ok: return "ok";
    case OpenStatus::Malformed: return "malformed";
    case OpenStatus::UnknownVersion: return "unknown_version";
    case OpenStatus::NoKeys: return "no_keys";
    case OpenStatus::UnknownKeyId: return "unknown_key_id";
    case OpenStatus::AuthFailed: return "auth_failed";
    case OpenStatus::Replayed: return "replayed";
    case OpenStatus::FutureCounter: return "future_counter";
    case OpenStatus::PlaintextRefused: return "plaintext_refused";
    case OpenStatus::WrongCluster: return "wrong_cluster";
    case OpenStatus::Corrupt: return "corrupt";
  }
  return "unknown";
}

DatagramOpener::DatagramOpener(std::shared_ptr<const KeyringStore> keys, OpenerOptions options)
    : keys_(std::move(keys)),
      options_(std::move(options)),
      context_hash_(context_hash(options_.context)),
      subkeys_(options_.key_cache_entries),
      windows_(options_.replay_windows) {
  aad_.assign(kSealedHeaderSize, 0);
  const Bytes ctx = context_bytes(options_.context);
  aad_.insert(aad_.end(), ctx.begin(), ctx.end());
}

DatagramOpener::~DatagramOpener() = default;

OpenStatus DatagramOpener::count(OpenStatus s) {
  ++counters_[static_cast<std::size_t>(s)];
  return s;
}

OpenCounters DatagramOpener::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

OpenStatus DatagramOpener::open(ByteView packet, Bytes& payload, PacketInfo* info_out) {
  PacketInfo scratch;
  PacketInfo& info = info_out ? *info_out : scratch;
  info = PacketInfo{};
  info.size = packet.size();
  payload.clear();
  std::lock_guard lock(mutex_);
  if (packet.empty()) return count(OpenStatus::Malformed);
  info.version = packet[0] >> 4;
  if (info.version == (kSealedV1 >> 4)) return count(open_sealed(packet, payload, info));
  if (packet[0] == kPlainV1) return count(open_plain(packet, payload, info));
  return count(info.version == 0 ? OpenStatus::Malformed : OpenStatus::UnknownVersion);
}

OpenStatus DatagramOpener::open_sealed(ByteView packet, Bytes& payload, PacketInfo& info) {
  info.encrypted = true;
  if (packet.size() < kSealedOverhead) return OpenStatus::Malformed;
  info.key_id = packet[0] & 0x0f;
  info.boot_id = get_be(packet.data() + 1, 8);
  info.counter = get_be(packet.data() + 9, 6);
  const auto ring = keys_->snapshot();
  if (ring->empty()) return OpenStatus::NoKeys;

  ReplayWindow* window = windows_.find(info.boot_id);
  if (window) {
    switch (window->check(info.counter)) {
      case ReplayWindow::Verdict::Fresh: break;
      case ReplayWindow::Verdict::Duplicate:
      case ReplayWindow::Verdict::TooOld: return OpenStatus::Replayed;
      case ReplayWindow::Verdict::TooFarAhead: return OpenStatus::FutureCounter;
    }
  }

  std::copy(packet.begin(), packet.begin() + kSealedHeaderSize, aad_.begin());
  const ByteView sealed = packet.subspan(kSealedHeaderSize);
  const Nonce nonce = counter_nonce(info.counter);
  payload.resize(sealed.size() - kTagSize);
  bool candidate = false, opened = false;
  for (const Key& key : ring->keys()) {
    if (key.id() != info.key_id) continue;
    candidate = true;
    const CacheKey ck{info.boot_id, key.check()};
    if (auto* cached = subkeys_.find(ck)) {
      opened = (*cached)->open(nonce, aad_, sealed, payload.data());
    } else {
      // Cached only once it authenticates: forged packets with random boot
      // IDs must not flush the cache of real senders.
      auto aead = std::make_unique<Aead>(datagram_subkey(key, info.boot_id), Aead::Direction::Open);
      opened = aead->open(nonce, aad_, sealed, payload.data());
      if (opened) subkeys_.put(ck, std::move(aead));
    }
    if (opened) break;
  }
  if (!opened) {
    payload.clear();
    return candidate ? OpenStatus::AuthFailed : OpenStatus::UnknownKeyId;
  }
  if (!window) window = &windows_.put(info.boot_id, ReplayWindow(options_.max_counter_jump));
  window->accept(info.counter);
  return OpenStatus::Ok;
}

OpenStatus DatagramOpener::open_plain(ByteView packet, Bytes& payload, PacketInfo& info) {
  if (packet.size() < kPlainOverhead) return OpenStatus::Malformed;
  info.boot_id = get_be(packet.data() + 1, 8);
  const std::uint32_t crc = crc32c(packet.subspan(kPlainOverhead), crc32c(packet.first(13)));
  if (crc != get_be(packet.data() + 13, 4)) return OpenStatus::Corrupt;
  if (get_be(packet.data() + 9, 4) != context_hash_) return OpenStatus::WrongCluster;
  if (options_.verify_incoming && !keys_->snapshot()->empty()) return OpenStatus::PlaintextRefused;
  payload.assign(packet.begin() + kPlainOverhead, packet.end());
  return OpenStatus::Ok;
}

std::string DatagramOpener::explain(OpenStatus status, const PacketInfo& info) const {
  const std::string id = "key ID " + std::to_string(info.key_id);
  switch (status) {
    case OpenStatus::Ok: return "packet opened";
    case OpenStatus::Malformed:
      return "malformed packet (" + std::to_string(info.size) + " bytes): not a Roster gossip envelope";
    case OpenStatus::UnknownVersion:
      return "packet envelope version " + std::to_string(info.version) +
             " is not supported by this agent (it speaks 1 sealed, 2 plaintext)";
    case OpenStatus::NoKeys:
      return "packet is encrypted (" + id +
             ") but this agent has no gossip key for this cluster: start it with -encrypt KEY";
    case OpenStatus::UnknownKeyId:
      return "packet used " + id + ", which is not installed on this agent (installed: " +
             keys_->snapshot()->describe() + ")";
    case OpenStatus::AuthFailed:
      return "packet sealed under " + id +
             " did not authenticate: the sender's key differs from ours with the same ID, or it belongs to "
             "another datacenter or cluster label, or the packet was altered";
    case OpenStatus::Replayed:
      return "packet counter " + std::to_string(info.counter) +
             " of this sender boot was already seen or is older than the replay window";
    case OpenStatus::FutureCounter:
      return "packet counter " + std::to_string(info.counter) + " jumps too far ahead of the sender's last one";
    case OpenStatus::PlaintextRefused:
      return "packet is not encrypted but this agent requires encryption (encrypt_verify_incoming)";
    case OpenStatus::WrongCluster: return "plaintext packet from another datacenter or cluster label";
    case OpenStatus::Corrupt: return "plaintext packet failed its CRC32C check (corrupted in transit)";
  }
  return "unknown outcome";
}

}  // namespace roster::gossip::crypto
