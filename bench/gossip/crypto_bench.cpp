// Cost of gossip encryption: seal+open of one datagram (200 B, a typical
// compound message; 1,400 B, the budget), a new sender's subkey derivation
// (the opener's cache miss), and 64 KiB stream frames. Prints rates; no
// thresholds (a benchmark, not a test).
//
//   ninja -C build-crypto roster_gossip_crypto
//   g++ -std=c++20 -O2 -I. bench/gossip/crypto_bench.cpp -o /tmp/crypto_bench
//       build-crypto/gossip/libroster_gossip_crypto.a build-crypto/common/libroster_common.a -lcrypto -lpthread
//   /tmp/crypto_bench
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "gossip/crypto/datagram.hpp"
#include "gossip/crypto/stream.hpp"

namespace {

using namespace roster::gossip::crypto;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void datagrams(std::size_t size, bool encrypted) {
  auto keys = std::make_shared<KeyringStore>(encrypted ? *Keyring::from_keys({Key::generate()}) : Keyring{});
  DatagramSealer sealer(keys, SealerOptions{{"dc1", ""}, new_boot_id()});
  DatagramOpener opener(keys, OpenerOptions{{"dc1", ""}});
  const Bytes payload(size, 0x42);
  Bytes packet, out;
  packet.reserve(size + 64);
  const int n = 200'000;
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    packet.clear();
    if (!sealer.seal(payload, packet) || opener.open(packet, out) != OpenStatus::Ok) std::abort();
  }
  const double s = seconds_since(t0);
  std::printf("%-10s %5zu B datagram: %9.0f seal+open/s  (%.2f us each, %zu B overhead)\n",
              encrypted ? "sealed" : "plaintext", size, n / s, s / n * 1e6, packet.size() - size);
}

void new_senders() {
  auto keys = std::make_shared<KeyringStore>(*Keyring::from_keys({Key::generate()}));
  OpenerOptions o{{"dc1", ""}};
  DatagramOpener opener(keys, o);
  const Bytes payload(200, 1);
  const int n = 20'000;
  std::vector<Bytes> packets(n);
  for (int i = 0; i < n; ++i) {
    DatagramSealer s(keys, SealerOptions{{"dc1", ""}, static_cast<std::uint64_t>(i + 1)});
    if (!s.seal(payload, packets[i])) std::abort();
  }
  Bytes out;
  const auto t0 = Clock::now();
  for (const auto& p : packets)
    if (opener.open(p, out) != OpenStatus::Ok) std::abort();
  const double s = seconds_since(t0);
  std::printf("first packet of a new sender (HKDF + key setup + open): %8.0f/s  (%.2f us each)\n", n / s,
              s / n * 1e6);
}

void frames() {
  FrameSealer sealer(Key256{1});
  FrameOpener opener(Key256{1});
  const Bytes payload(64 * 1024, 7);
  Bytes frame, out;
  const int n = 1000;  // 64 MiB: the session cap
  const auto t0 = Clock::now();
  for (int i = 0; i < n - 1; ++i) {
    frame.clear();
    if (!sealer.seal(payload, frame) || !opener.open(ByteView(frame).subspan(kFramePrefix), out)) std::abort();
  }
  const double s = seconds_since(t0);
  std::printf("stream frames of 64 KiB: %.0f MiB/s sealed and opened\n", (n - 1) * 64.0 / 1024 / s);
}

}  // namespace

int main() {
  for (std::size_t size : {200, 1400}) {
    datagrams(size, true);
    datagrams(size, false);
  }
  new_senders();
  frames();
  return 0;
}
