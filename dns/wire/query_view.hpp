#pragma once
// QueryView: a zero-copy look at a query in the plain shape nearly every
// client sends (one uncompressed question of class IN, optionally one OPT
// record, nothing else), for the answer cache's fast path. Anything else is
// left to the full parser (nullopt).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace roster::dns::wire {

struct QueryView {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::size_t qname_size = 0;  // wire bytes of the question name, root label included
  std::uint16_t qtype = 0;
  std::optional<std::uint16_t> edns;  // the OPT record's UDP payload size
};

// nullopt unless: QR=0, opcode QUERY, QDCOUNT=1, ANCOUNT=NSCOUNT=0, ARCOUNT
// 0 or 1; the name is uncompressed and valid (labels of 1..63 bytes, at most
// 255 bytes); class IN; an additional record, if any, is an OPT owned by the
// root whose RDATA ends exactly at the end of the message; no other bytes.
std::optional<QueryView> view_query(std::span<const std::uint8_t> wire);

// Writes the question name, ASCII letters lower-cased, into `out` (at least
// 255 bytes); returns its size.
std::size_t lower_qname(std::span<const std::uint8_t> wire, const QueryView& q, std::uint8_t* out);

}  // namespace roster::dns::wire
