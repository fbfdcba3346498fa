#include "gossip/crypto/key.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "gossip/crypto/base64.hpp"
#include "gossip/crypto/hkdf.hpp"

namespace roster::gossip::crypto {

Result<Key> Key::from_bytes(ByteView bytes) {
  if (bytes.size() != 16 && bytes.size() != 24 && bytes.size() != 32)
    return invalid("invalid gossip key: it is " + std::to_string(bytes.size()) +
                   " bytes once decoded; it must be 16, 24 or 32 bytes (`roster keygen` makes one)");
  Key k;
  std::copy(bytes.begin(), bytes.end(), k.bytes_.begin());
  k.size_ = bytes.size();
  std::array<std::uint8_t, 8> check;
  hkdf_sha256(k.bytes(), as_bytes("roster-key-check-v1"), {}, check);
  k.check_ = get_be(check.data(), 8);
  return k;
}

Result<Key> Key::parse(std::string_view base64) {
  auto raw = base64_decode(base64);
  if (!raw) return invalid("invalid gossip key: " + raw.error().message);
  auto key = from_bytes(*raw);
  wipe(*raw);
  return key;
}

Key Key::generate() {
  std::array<std::uint8_t, 32> raw;
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw std::runtime_error("the random number generator failed");
  auto k = from_bytes(raw);
  wipe(raw);
  return std::move(k).value();
}

Key::~Key() { wipe(bytes_); }

std::string Key::to_base64() const { return base64_encode(bytes()); }

bool Key::operator==(const Key& other) const {
  return size_ == other.size_ && CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), size_) == 0;
}

}  // namespace roster::gossip::crypto
