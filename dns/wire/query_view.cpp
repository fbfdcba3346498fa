#include "dns/wire/query_view.hpp"

#include "dns/wire/message.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns::wire {
namespace {

constexpr std::uint16_t kTypeOpt = 41;
constexpr std::uint16_t kClassIn = 1;

std::uint16_t u16(std::span<const std::uint8_t> w, std::size_t at) {
  return static_cast<std::uint16_t>(w[at] << 8 | w[at + 1]);
}

}  // namespace

std::optional<QueryView> view_query(std::span<const std::uint8_t> w) {
  if (w.size() < kHeaderSize + 5) return std::nullopt;
  QueryView q;
  q.id = u16(w, 0);
  q.flags = u16(w, 2);
  if ((q.flags & (kFlagQr | kOpcodeMask)) != 0) return std::nullopt;
  const std::uint16_t arcount = u16(w, 10);
  if (u16(w, 4) != 1 || u16(w, 6) != 0 || u16(w, 8) != 0 || arcount > 1) return std::nullopt;
  std::size_t pos = kHeaderSize;
  for (;;) {
    if (pos >= w.size()) return std::nullopt;
    const std::uint8_t len = w[pos];
    if (len == 0) break;
    if (len > kMaxLabel) return std::nullopt;  // also rejects pointers
    pos += 1 + len;
    if (pos - kHeaderSize + 1 > kMaxName) return std::nullopt;
  }
  ++pos;
  q.qname_size = pos - kHeaderSize;
  if (pos + 4 > w.size()) return std::nullopt;
  q.qtype = u16(w, pos);
  if (u16(w, pos + 2) != kClassIn) return std::nullopt;
  pos += 4;
  if (arcount == 0) return pos == w.size() ? std::optional(q) : std::nullopt;
  // OPT: root owner (1), type (2), class = payload size (2), TTL (4), RDLEN (2).
  if (pos + 11 > w.size() || w[pos] != 0 || u16(w, pos + 1) != kTypeOpt) return std::nullopt;
  q.edns = u16(w, pos + 3);
  const std::size_t rdlen = u16(w, pos + 9);
  if (pos + 11 + rdlen != w.size()) return std::nullopt;
  return q;
}

std::size_t lower_qname(std::span<const std::uint8_t> w, const QueryView& q, std::uint8_t* out) {
  const std::uint8_t* in = w.data() + kHeaderSize;
  for (std::size_t i = 0; i < q.qname_size; ++i) {
    const std::uint8_t c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c | 0x20) : c;
  }
  return q.qname_size;
}

}  // namespace roster::dns::wire
