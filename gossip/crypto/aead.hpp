#pragma once
// AES-256-GCM through OpenSSL EVP, one direction per object. The cipher
// context is keyed once and only re-initialised with each nonce, so a seal or
// open costs the AES work and no key schedule.
#include <array>
#include <cstdint>
#include <memory>

#include "gossip/crypto/bytes.hpp"
#include "gossip/crypto/hkdf.hpp"

struct evp_cipher_ctx_st;

namespace roster::gossip::crypto {

inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;
using Nonce = std::array<std::uint8_t, kNonceSize>;

// A nonce of 12 bytes: zeros, then `counter` big-endian in the last 8.
inline Nonce counter_nonce(std::uint64_t counter) {
  Nonce n{};
  put_be(n.data() + 4, counter, 8);
  return n;
}

// Thread safety: one thread at a time per object (the cipher context is state).
class Aead {
 public:
  enum class Direction { Seal, Open };
  Aead(const Key256& key, Direction direction);
  ~Aead();
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;

  // Writes plaintext.size() bytes of ciphertext to `out`, then the 16-byte tag.
  void seal(const Nonce& nonce, ByteView aad, ByteView plaintext, std::uint8_t* out);
  // `sealed` is ciphertext followed by the tag; writes sealed.size() - 16
  // bytes to `out`. False when it does not authenticate (out is then garbage).
  bool open(const Nonce& nonce, ByteView aad, ByteView sealed, std::uint8_t* out);

 private:
  evp_cipher_ctx_st* ctx_;
  Direction direction_;
};

}  // namespace roster::gossip::crypto
