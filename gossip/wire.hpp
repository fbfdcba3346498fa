#pragma once
// Hand-written, bounds-checked byte Writer/Reader for the gossip formats:
// LEB128 varints, big-endian fixed-width integers, length-prefixed bytes.
// A Reader never reads past its span; after the first failure every read
// fails and ok() stays false, so decoders check once at the end.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace roster::gossip {

class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { fixed(v, 2); }
  void u48(std::uint64_t v) { fixed(v, 6); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(std::uint8_t(v) | 0x80);
      v >>= 7;
    }
    out_.push_back(std::uint8_t(v));
  }
  void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(std::span<const std::uint8_t> b) {
    varint(b.size());
    raw(b);
  }
  void str(std::string_view s) {
    varint(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  std::size_t size() const { return out_.size(); }

 private:
  void fixed(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(std::uint8_t(v >> (8 * i)));
  }
  std::vector<std::uint8_t>& out_;
};

inline std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  std::uint8_t u8() { return std::uint8_t(fixed(1)); }
  std::uint16_t u16() { return std::uint16_t(fixed(2)); }
  std::uint64_t u48() { return fixed(6); }
  std::uint64_t u64() { return fixed(8); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const std::uint8_t b = in_[pos_++];
      if (shift == 63 && b > 1) return fail();  // overflows 64 bits
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail();
  }
  // A span of `n` bytes inside the input, or an empty span on failure.
  std::span<const std::uint8_t> raw(std::size_t n) {
    if (!need(n)) return {};
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // Length-prefixed bytes, at most `max` long.
  std::span<const std::uint8_t> bytes(std::size_t max) {
    const std::uint64_t n = varint();
    if (!ok_ || n > max) {
      fail();
      return {};
    }
    return raw(std::size_t(n));
  }
  std::string str(std::size_t max) {
    auto b = bytes(max);
    return std::string(b.begin(), b.end());
  }
  std::uint64_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      fail();
      return false;
    }
    return true;
  }
  std::uint64_t fixed(int n) {
    if (!need(std::size_t(n))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | in_[pos_++];
    return v;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace roster::gossip
