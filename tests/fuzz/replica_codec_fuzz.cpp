// libFuzzer target for the replicated registry's decoders (gossip/replica_codec.hpp):
// any bytes go through every decoder and through a Replicator's receive paths
// (rumor, push/pull state, stream request). Nothing may crash or leak, and a
// record that decodes must encode to bytes that decode to the same encoding.
#include <cstdint>
#include <cstdlib>

#include "gossip/replicator.hpp"

namespace {

using namespace roster;
using namespace roster::gossip::replica;

struct NullGossip final : gossip::Broadcaster {
  Status broadcast(std::string, std::vector<std::uint8_t>) override { return ok(); }
  Result<std::uint64_t> request(const std::string&, std::vector<std::uint8_t>) override {
    return Error{ErrorCode::Internal, "no network"};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static NullGossip* net = new NullGossip();
  static Replicator* rep = [] {
    ReplicatorConfig c;
    c.self = "fuzz";
    c.boot = 1;
    c.wall_origin = WallTime(std::chrono::seconds(1'750'000'000));
    auto* r = new Replicator(c, *net, null_logger());
    registry::NodeRecord self;
    self.node.name = "fuzz";
    r->set_local(self, TimePoint{});
    return r;
  }();
  const std::span<const std::uint8_t> in(data, size);
  if (const auto rec = decode_record(in)) {
    const Bytes once = encode_record(*rec);
    const auto again = decode_record(once);
    if (!again || encode_record(*again) != once) std::abort();
  }
  (void)decode_rumor(in);
  (void)decode_summary(in);
  (void)decode_digest(in);
  (void)decode_entries(in);
  (void)decode_records(in);
  // The same bytes behind each kind's header.
  for (std::uint8_t kind = 1; kind <= static_cast<std::uint8_t>(Kind::Digest); ++kind) {
    Bytes framed{kFormat, kind};
    framed.insert(framed.end(), in.begin(), in.end());
    (void)rep->on_broadcast(framed, TimePoint{});
    rep->merge_remote_state("peer", framed, false, TimePoint{});
    (void)rep->on_request("peer", framed, TimePoint{});
  }
  (void)rep->take_updates();
  return 0;
}
