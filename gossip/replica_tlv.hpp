#pragma once
// Tagged fields for the replica formats (gossip/replica_codec.hpp), on top of
// gossip/wire.hpp. A structure is a sequence of fields `key varint | value`,
// key = field number << 2 | kind, kind 0 = varint, 1 = 8-byte fixed,
// 2 = length-prefixed bytes. Fields at their default value are left out, and
// a reader skips fields it does not know: a next-version agent may add fields
// and this one still reads the rest.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "gossip/wire.hpp"

namespace roster::gossip::replica {

enum class FieldKind : std::uint8_t { Varint = 0, Fixed64 = 1, Bytes = 2 };

class TlvWriter {
 public:
  explicit TlvWriter(std::vector<std::uint8_t>& out) : w_(out) {}
  void varint(std::uint32_t field, std::uint64_t v) {
    key(field, FieldKind::Varint);
    w_.varint(v);
  }
  // Zigzag: small negative numbers stay small.
  void sint(std::uint32_t field, std::int64_t v) {
    varint(field, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void fixed64(std::uint32_t field, std::uint64_t v) {
    key(field, FieldKind::Fixed64);
    w_.u64(v);
  }
  void bytes(std::uint32_t field, std::span<const std::uint8_t> b) {
    key(field, FieldKind::Bytes);
    w_.bytes(b);
  }
  void str(std::uint32_t field, std::string_view s) {
    key(field, FieldKind::Bytes);
    w_.str(s);
  }
  // Only when not empty / not zero: the decoder's default.
  void str_opt(std::uint32_t field, std::string_view s) {
    if (!s.empty()) str(field, s);
  }
  void varint_opt(std::uint32_t field, std::uint64_t v) {
    if (v != 0) varint(field, v);
  }
  void sint_opt(std::uint32_t field, std::int64_t v) {
    if (v != 0) sint(field, v);
  }

 private:
  void key(std::uint32_t field, FieldKind kind) {
    w_.varint((std::uint64_t{field} << 2) | static_cast<std::uint8_t>(kind));
  }
  Writer w_;
};

struct Field {
  std::uint32_t number = 0;
  FieldKind kind = FieldKind::Varint;
  std::uint64_t value = 0;              // Varint, Fixed64
  std::span<const std::uint8_t> bytes;  // Bytes

  std::int64_t sint() const {
    return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
  }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

class TlvReader {
 public:
  explicit TlvReader(std::span<const std::uint8_t> in) : r_(in) {}
  // The next field, or nullopt at the end or on malformed input (then ok() is false).
  std::optional<Field> next() {
    if (!r_.ok() || r_.done()) return std::nullopt;
    const std::uint64_t key = r_.varint();
    Field f;
    if (key >> 2 > 0xffffffffu) r_.fail();
    f.number = static_cast<std::uint32_t>(key >> 2);
    switch (key & 3) {
      case 0:
        f.kind = FieldKind::Varint;
        f.value = r_.varint();
        break;
      case 1:
        f.kind = FieldKind::Fixed64;
        f.value = r_.u64();
        break;
      case 2:
        f.kind = FieldKind::Bytes;
        f.bytes = r_.bytes(r_.remaining());
        break;
      default:
        r_.fail();
    }
    if (!r_.ok()) return std::nullopt;
    return f;
  }
  bool ok() const { return r_.ok(); }
  void fail() { r_.fail(); }

 private:
  Reader r_;
};

}  // namespace roster::gossip::replica
