#pragma once
// What the membership core needs from the network, and nothing more. The core
// never blocks and never reads a clock: the shell (agent: UDP + TCP sockets;
// tests and bench: gossip/sim) feeds received datagrams and stream requests in
// (Membership::on_datagram / on_stream_request), reports stream outcomes
// (Membership::on_stream_response) and calls Membership::tick at
// Membership::next_deadline(). Encryption (gossip/crypto*) wraps a Transport:
// the core hands it finished plaintext packets and leaves
// Config::envelope_overhead bytes of the packet budget free for the envelope.
#include <cstdint>
#include <span>
#include <vector>

#include "gossip/address.hpp"

namespace roster::gossip {

class Transport {
 public:
  virtual ~Transport() = default;
  // Unreliable datagram (UDP): may be lost, delayed, duplicated or reordered.
  // `packet` is at most Config::packet_budget - Config::envelope_overhead bytes.
  virtual void send_datagram(const Address& to, std::span<const std::uint8_t> packet) = 0;
  // Reliable request/response exchange (TCP in the agent). The shell must
  // later call Membership::on_stream_response(id, ...) exactly once: with the
  // peer's answer, or with an error (refused, unreachable, timed out after at
  // most Config::stream_timeout).
  virtual void send_stream(const Address& to, std::uint64_t id,
                           std::vector<std::uint8_t> request) = 0;
};

}  // namespace roster::gossip
