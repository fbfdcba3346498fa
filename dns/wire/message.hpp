#pragma once
// DNS message framing: reading the fixed header of a query, and encoding a
// reply from its parts. Resource records are ldns_rr objects; the header, the
// question and the OPT record are written here so that the question is echoed
// exactly as received.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/wire/ldns_handles.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns::wire {

enum class Rcode : std::uint8_t {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
  Refused = 5,
};

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kFlagQr = 0x8000;
inline constexpr std::uint16_t kFlagAa = 0x0400;
inline constexpr std::uint16_t kFlagTc = 0x0200;
inline constexpr std::uint16_t kFlagRd = 0x0100;
inline constexpr std::uint16_t kFlagRa = 0x0080;
inline constexpr std::uint16_t kOpcodeMask = 0x7800;
inline constexpr std::uint8_t kOpcodeQuery = 0;

struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;

  bool qr() const { return (flags & kFlagQr) != 0; }
  std::uint8_t opcode() const { return static_cast<std::uint8_t>((flags & kOpcodeMask) >> 11); }
};

// nullopt when fewer than 12 bytes.
std::optional<Header> read_header(std::span<const std::uint8_t> wire);

struct Question {
  Labels name;  // as received, letter case included
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
};

// The first question, read straight from the wire (it starts at offset 12).
// nullopt when it is compressed, malformed or truncated.
std::optional<Question> read_question(std::span<const std::uint8_t> wire);

// Header flags of a reply to `query`: QR set; ID, opcode and RD copied; rcode.
std::uint16_t reply_flags(const Header& query, Rcode rcode);

// A reply under construction. Spans point into storage owned by the caller.
struct MessageParts {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;            // QR, opcode, AA, TC, RD, RA and rcode
  const Question* question = nullptr;  // nullptr: QDCOUNT 0
  std::span<const ldns_rr* const> answer;
  std::span<const ldns_rr* const> authority;
  std::span<const ldns_rr* const> additional;
  std::optional<std::uint16_t> edns_udp_size;  // adds OPT (version 0, no DO)
  bool compress = true;  // false: every name in full (disable_compression)
};

// Encodes with name compression. The pointer targets are matched byte for
// byte (ldns's own packet writer matches case-insensitively, which would
// rewrite the letter case of later names). Throws std::runtime_error if ldns
// fails (out of memory).
std::vector<std::uint8_t> encode(const MessageParts& parts);

}  // namespace roster::dns::wire
