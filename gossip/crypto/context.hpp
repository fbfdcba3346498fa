#pragma once
// What binds a packet to one cluster: its datacenter and its optional label.
// Neither is sent. Sealed packets take them as additional authenticated data
// (a packet from another cluster or datacenter fails authentication);
// plaintext packets carry a 4-byte hash of them.
#include <cstdint>
#include <string>

#include "gossip/crypto/bytes.hpp"

namespace roster::gossip::crypto {

struct ClusterContext {
  std::string datacenter = "dc1";
  std::string label;  // empty: no label
};

// "roster-ctx-v1" | u16 len | datacenter | u16 len | label (lengths big-endian,
// each truncated to 65535 bytes), so ("ab","c") and ("a","bc") differ.
Bytes context_bytes(const ClusterContext& c);
// First 4 bytes of SHA-256(context_bytes).
std::uint32_t context_hash(const ClusterContext& c);

// CRC-32C (Castagnoli), as iSCSI and ext4 use; `seed` chains calls. Uses
// the SSE4.2 instruction when the CPU has it.
std::uint32_t crc32c(ByteView data, std::uint32_t seed = 0);
// The table-driven version (what crc32c falls back to; exposed for tests).
std::uint32_t crc32c_portable(ByteView data, std::uint32_t seed = 0);

}  // namespace roster::gossip::crypto
