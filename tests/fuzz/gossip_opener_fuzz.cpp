// libFuzzer target for the gossip security layer's receive side: any bytes
// go through DatagramOpener (keyless, keyed, and keyed accepting plaintext),
// the stream hello decoder and a FrameOpener. Nothing may crash or leak
// (ASan, UBSan), nothing forged may open, and a payload sealed by a real
// sealer must open to itself exactly once.
//
// Input: byte 0 selects the mode, the rest is the packet (or payload).
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "gossip/crypto/datagram.hpp"
#include "gossip/crypto/stream.hpp"

namespace {

using namespace roster::gossip::crypto;

struct World {
  Key key = *Key::from_bytes(Bytes(32, 0x5a));
  std::shared_ptr<KeyringStore> keyed = std::make_shared<KeyringStore>(*Keyring::from_keys({key}));
  std::shared_ptr<KeyringStore> keyless = std::make_shared<KeyringStore>();
  DatagramOpener strict{keyed, OpenerOptions{}};
  DatagramOpener lenient{keyed, OpenerOptions{{}, false}};
  DatagramOpener plain{keyless, OpenerOptions{}};
  DatagramSealer sealer{keyed, SealerOptions{{}, 0x0102030405060708ULL}};
  DatagramSealer plain_sealer{keyless, SealerOptions{{}, 9}};
};

World& world() {
  static World w;  // openers keep replay state across inputs, as on a live agent
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  World& w = world();
  const std::uint8_t mode = data[0];
  const ByteView rest(data + 1, size - 1);
  Bytes out;
  switch (mode % 5) {
    case 0:
      // Forged input never authenticates under a key the fuzzer does not know.
      if (w.strict.open(rest, out) == OpenStatus::Ok) std::abort();
      break;
    case 1: {
      const OpenStatus s = w.lenient.open(rest, out);
      if (s == OpenStatus::Ok && (rest.empty() || rest[0] != kPlainV1)) std::abort();
      (void)w.plain.open(rest, out);
      break;
    }
    case 2: {
      // Round trip: sealed by the real sealer, opened once, then replayed.
      Bytes packet;
      if (!w.sealer.seal(rest, packet)) std::abort();
      if (w.strict.open(packet, out) != OpenStatus::Ok || out != Bytes(rest.begin(), rest.end())) std::abort();
      if (w.strict.open(packet, out) != OpenStatus::Replayed) std::abort();
      Bytes plain_packet;
      if (!w.plain_sealer.seal(rest, plain_packet)) std::abort();
      if (w.plain.open(plain_packet, out) != OpenStatus::Ok) std::abort();
      break;
    }
    case 3:
      if (auto hello = decode_hello(rest)) {
        const Keyring ring = *w.keyed->snapshot();
        const StreamHello mine = make_hello(ring, {}, 1, true);
        (void)establish_session(ring, {}, StreamRole::Server, mine, *hello);
      }
      break;
    case 4: {
      FrameOpener keyed(Key256{});
      FrameOpener plaintext;
      if (keyed.open(rest, out)) std::abort();
      (void)plaintext.open(rest, out);
      (void)parse_frame_length(rest, mode & 0x80);
      break;
    }
  }
  return 0;
}
