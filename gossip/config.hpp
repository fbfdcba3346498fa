#pragma once
// Timers and limits of the gossip protocol, grouped in profiles. `lan` is the
// default; `local` is for tests and loopback clusters (fast timers). The
// derived values (suspicion timeout, retransmit limit, push/pull period) are
// computed here so tests can check the arithmetic of gossip.md Appendix A.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace roster::gossip {

using namespace std::chrono_literals;

struct Config {
  // Failure detection (SWIM).
  Duration probe_interval = 500ms;   // one probe target per period
  Duration probe_timeout = 250ms;    // direct ack wait, ≈ p99 RTT
  int indirect_checks = 3;           // ping-req helpers after a missed ack
  // After a missed ack: one direct retry and a ping over a stream (TCP) next
  // to the indirect probes. Each independent path cuts false suspicions under
  // loss by ~5× (gossip.md G3); the TCP path also keeps UDP-blocked peers up.
  bool direct_retry = true;
  bool stream_ping = true;
  // Lifeguard dynamic suspicion: min = mult·max(1, log10 N)·probe_interval,
  // max = max_mult·min, shortened by mult−2 independent confirmations.
  int suspicion_mult = 4;
  int suspicion_max_mult = 6;
  int awareness_max = 8;             // local health multiplier bound (probe period ×1…×8)
  bool lifeguard = true;             // off: plain SWIM (fixed suspicion = min, no LHM, no nacks)

  // Dissemination.
  Duration gossip_interval = 100ms;  // gossip to `gossip_fanout` peers, only when there is news
  int gossip_fanout = 3;
  int retransmit_mult = 4;           // each rumor sent mult·max(3, ceil(log10(N+1))) times
  std::size_t broadcast_queue_cap = 4096;  // entries; raised to 2·N for big clusters
  Duration gossip_to_dead = 30s;     // dead members still get gossip (so they can refute)

  // Anti-entropy over streams.
  Duration push_pull_interval = 30s;
  bool push_pull_scale = true;       // × (ceil(log2 N − 5) + 1) above 32 members
  Duration reconnect_interval = 10s; // push/pull with one failed member (heals partitions)
  Duration stream_timeout = 10s;
  int join_attempts = 5;             // while a name's previous owner is being verified

  // Forgetting.
  Duration dead_reap = 72h;          // failed rows kept (and reconnected to) this long
  Duration left_reap = 72h;          // left rows kept as tombstones this long
  Duration leave_propagate = 1s;     // keep answering after a leave so peers hear it first

  // Packets.
  std::size_t packet_budget = 1400;    // whole datagram, all headers included
  std::size_t envelope_overhead = 40;  // reserved for gossip/crypto's envelope

  static Config lan();
  static Config local();
  // "lan" or "local"; nullopt-like failure is reported by `ok`.
  static bool from_profile(std::string_view name, Config& out);

  // Bytes the core may put in one datagram.
  std::size_t payload_budget() const { return packet_budget - envelope_overhead; }
  Duration suspicion_min(std::size_t n) const;
  Duration suspicion_max(std::size_t n) const;
  int suspicion_confirmations(std::size_t n) const;
  int retransmit_limit(std::size_t n) const;
  Duration push_pull_period(std::size_t n) const;
};

}  // namespace roster::gossip
