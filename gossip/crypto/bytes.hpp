#pragma once
// Byte buffers and big-endian helpers shared by the gossip security layer.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace roster::gossip::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Writes the low `n` bytes of `v`, most significant first.
inline void put_be(std::uint8_t* out, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void append_be(Bytes& out, std::uint64_t v, std::size_t n) {
  const std::size_t at = out.size();
  out.resize(at + n);
  put_be(out.data() + at, v, n);
}
inline std::uint64_t get_be(const std::uint8_t* in, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | in[i];
  return v;
}

}  // namespace roster::gossip::crypto
