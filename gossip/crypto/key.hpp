#pragma once
// A gossip encryption key: 16, 24 or 32 bytes, written as standard base64
// (the format of Consul's -encrypt, so existing keys work). Every key has a
// check value (8 bytes derived from it by HKDF, safe to show and to send)
// whose low 4 bits are the key ID carried in each packet envelope.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "gossip/crypto/bytes.hpp"

namespace roster::gossip::crypto {

// Thread safety: an immutable value once built.
class Key {
 public:
  // Parses base64; errors name the problem ("invalid gossip key: it is 20
  // bytes once decoded; it must be 16, 24 or 32 bytes ...").
  static Result<Key> parse(std::string_view base64);
  static Result<Key> from_bytes(ByteView bytes);
  // 32 fresh bytes from OpenSSL's CSPRNG (what `roster keygen` prints).
  // Throws std::runtime_error if the generator fails.
  static Key generate();

  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  ~Key();

  std::string to_base64() const;
  ByteView bytes() const { return {bytes_.data(), size_}; }
  std::size_t size() const { return size_; }
  // 0..15, in every sealed packet; two keys may share one (then both are tried).
  std::uint8_t id() const { return static_cast<std::uint8_t>(check_ & 0x0f); }
  // HKDF-SHA256(key, "roster-key-check-v1"), first 8 bytes, big-endian.
  std::uint64_t check() const { return check_; }

  // Constant-time comparison of the key bytes.
  bool operator==(const Key& other) const;

 private:
  Key() = default;
  std::array<std::uint8_t, 32> bytes_{};
  std::size_t size_ = 0;
  std::uint64_t check_ = 0;
};

}  // namespace roster::gossip::crypto
