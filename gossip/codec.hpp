#pragma once
// Encoding and decoding of gossip datagrams and stream frames, the one place
// packets are built and parsed (so gossip/crypto can seal what comes out and
// open what goes in). Decoders never trust lengths: truncated or garbage input
// yields an error or skipped messages, never a crash or an over-read.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/result.hpp"
#include "gossip/messages.hpp"

namespace roster::gossip {

// One framed message ([type][length][body]), as stored in the broadcast queue.
std::vector<std::uint8_t> encode_message(const Message& m);
// Appends a framed message to `out`.
void append_message(const Message& m, std::vector<std::uint8_t>& out);

// Builds one datagram: the version byte, then framed messages while they fit.
class PacketBuilder {
 public:
  explicit PacketBuilder(std::size_t budget);
  // Adds an already framed message; false (and nothing added) if it does not fit.
  bool add_framed(std::span<const std::uint8_t> framed);
  bool add(const Message& m) { return add_framed(encode_message(m)); }
  std::size_t remaining() const { return budget_ - bytes_.size(); }
  std::size_t count() const { return count_; }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::size_t budget_;
  std::size_t count_ = 0;
  std::vector<std::uint8_t> bytes_;
};

struct PacketStats {
  std::size_t decoded = 0;    // messages handed to the visitor
  std::size_t unknown = 0;    // skipped by length: a type this version does not know
  std::size_t malformed = 0;  // known type, bad body: skipped
  bool framing_ok = true;     // false: bad version byte or a frame runs past the end
};

// Decodes a datagram, handing each message to `visit` in order. Messages
// before a framing error are still delivered.
PacketStats decode_packet(std::span<const std::uint8_t> packet,
                          const std::function<void(Message&&)>& visit);

// A single message body (no framing); used by decode_packet and the tests.
Result<Message> decode_message(MsgType type, std::span<const std::uint8_t> body);

std::vector<std::uint8_t> encode_stream(const StreamMessage& m);
Result<StreamMessage> decode_stream(std::span<const std::uint8_t> frame);

// Upper bounds enforced by the decoders.
inline constexpr std::size_t kMaxTableRows = 1'000'000;

}  // namespace roster::gossip
