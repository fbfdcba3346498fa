// libFuzzer target for the gossip core's receive path: the datagram and
// stream decoders, then the same bytes fed to a Membership (as a datagram
// and as a stream request), which must neither crash nor over-read.
#include <cstddef>
#include <cstdint>
#include <span>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

namespace {

struct NullTransport final : roster::gossip::Transport {
  void send_datagram(const roster::gossip::Address&, std::span<const std::uint8_t>) override {}
  void send_stream(const roster::gossip::Address&, std::uint64_t,
                   std::vector<std::uint8_t>) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace roster::gossip;
  const std::span<const std::uint8_t> in(data, size);
  decode_packet(in, [](Message&&) {});
  (void)decode_stream(in);
  static NullTransport net;
  static const roster::TimePoint t0{std::chrono::hours(1)};
  Membership m(Config::lan(), Identity{"fuzz", 1, Address::v4(10, 0, 0, 1, 8301), 100, {}}, net,
               roster::Logger(nullptr, "gossip"), 1, t0);
  const Address from = Address::v4(10, 0, 0, 2, 8301);
  m.on_datagram(from, in, t0);
  (void)m.on_stream_request(from, in, t0);
  m.tick(t0 + std::chrono::seconds(30));
  return 0;
}
