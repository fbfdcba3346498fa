#pragma once
// HKDF-SHA256 (RFC 5869) through OpenSSL 3's EVP_KDF.
#include <array>
#include <cstdint>
#include <span>

#include "gossip/crypto/bytes.hpp"

namespace roster::gossip::crypto {

// Fills `out` (1..8160 bytes) with HKDF-SHA256(ikm, salt, info). Throws
// std::runtime_error only if OpenSSL itself fails (a broken installation).
void hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::span<std::uint8_t> out);

using Key256 = std::array<std::uint8_t, 32>;
inline Key256 hkdf_sha256_32(ByteView ikm, ByteView salt, ByteView info) {
  Key256 k;
  hkdf_sha256(ikm, salt, info, k);
  return k;
}

// SHA-256 of `data`.
std::array<std::uint8_t, 32> sha256(ByteView data);

// Overwrites `bytes` with zeros in a way the optimiser keeps (OPENSSL_cleanse).
void wipe(std::span<std::uint8_t> bytes);

}  // namespace roster::gossip::crypto
