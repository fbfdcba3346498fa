// gossip_sim_bench scenarios of the membership core alone: failure
// detection, false failures under loss or a frozen node, propagation of an
// application broadcast, idle traffic, leave, restart.
#include <algorithm>
#include <cstdio>
#include <random>

#include "bench/gossip/sim_bench.hpp"

namespace sim_bench {

using namespace roster;
using namespace roster::gossip;
using namespace roster::gossip::sim;
using namespace std::chrono_literals;

int detect(const Args& a) {
  auto net = cluster(a);
  Watch w;
  w.attach(*net);
  std::mt19937_64 rng(a.seed * 7 + 1);
  std::vector<double> all_observers, per_observer, first;
  std::size_t false_failed = 0;
  Wall wall;
  for (int k = 0; k < a.kills; ++k) {
    std::size_t victim;
    do victim = rng() % net->size();
    while (!net->up(victim));
    const std::string name = net->name(victim);
    net->kill(victim);
    const TimePoint t0 = net->now();
    const std::size_t observers = live_count(*net);
    const bool done = net->run_until_true(
        [&] { return w.failed[name].size() >= observers; }, 120s, 10ms);
    if (!done) std::printf("kill %d: only %zu/%zu observers\n", k, w.failed[name].size(), observers);
    double last = 0, earliest = 1e9;
    for (auto& [obs, t] : w.failed[name]) {
      per_observer.push_back(secs(t - t0));
      last = std::max(last, secs(t - t0));
      earliest = std::min(earliest, secs(t - t0));
    }
    all_observers.push_back(last);
    first.push_back(earliest);
    net->run_for(5s);
  }
  for (auto& [name, obs] : w.failed) {
    for (std::size_t i = 0; i < net->size(); ++i)
      if (net->up(i) && net->name(i) == name) false_failed += obs.size();
  }
  std::printf("detect N=%zu kills=%d\n", a.n, a.kills);
  std::printf("  every live node marked it failed: %s\n", summary(all_observers).c_str());
  std::printf("  per observer:                     %s\n", summary(per_observer).c_str());
  std::printf("  first observer:                   %s\n", summary(first).c_str());
  std::printf("  live nodes marked failed: %zu; suspect events: %zu; wall %.1f s\n", false_failed,
              w.suspects, wall.elapsed());
  return 0;
}

int quiet(const Args& a) {
  LinkModel link;
  auto net = cluster(a, link);
  net->set_loss(a.loss);
  Watch w;
  w.attach(*net);
  std::size_t frozen = 0;
  if (a.freeze) net->freeze(frozen, FreezeCycle{1s, 800ms, 0ms});
  net->reset_counters();
  std::uint64_t refute0 = 0;
  for (std::size_t i = 0; i < net->size(); ++i) refute0 += net->node(i).stats().refutations;
  Wall wall;
  int max_score = 0;
  double score_at = -1;
  const TimePoint t0 = net->now();
  for (double t = 0; t < a.minutes * 60; t += 1) {
    net->run_for(1s);
    if (a.freeze && net->node(frozen).health_score() > max_score) {
      max_score = net->node(frozen).health_score();
      if (max_score >= 4 && score_at < 0) score_at = secs(net->now() - t0);
    }
  }
  std::size_t failed_events = 0;
  for (auto& [name, obs] : w.failed) failed_events += obs.size();
  std::uint64_t refutes = 0, dgrams = 0;
  for (std::size_t i = 0; i < net->size(); ++i) {
    refutes += net->node(i).stats().refutations;
    dgrams += net->counters(i).datagrams;
  }
  const double node_10min = double(a.n) * a.minutes / 10.0;
  std::printf("quiet N=%zu %.0f min loss=%.0f%%%s\n", a.n, a.minutes, a.loss * 100,
              a.freeze ? " one node frozen 800 ms of every 1 s" : "");
  std::printf("  healthy nodes marked failed (observer events): %zu\n", failed_events);
  std::printf("  suspect events: %zu (%.2f per node per 10 min, counting every observer);"
              " refutations: %llu (%.2f per node per 10 min)\n",
              w.suspects, double(w.suspects) / node_10min, (unsigned long long)(refutes - refute0),
              double(refutes - refute0) / node_10min);
  std::printf("  datagrams sent per node: %.2f/s\n", double(dgrams) / double(a.n) / (a.minutes * 60));
  if (a.freeze)
    std::printf("  frozen node: max health score %d, reached 4 after %.1f s; converged after: %s\n",
                max_score, score_at, net->converged() ? "yes" : "no");
  std::printf("  converged at the end: %s; wall %.1f s\n", net->converged() ? "yes" : "no",
              wall.elapsed());
  return failed_events == 0 ? 0 : 2;
}

class Versions final : public Delegate {
 public:
  std::uint64_t version = 0;
  TimePoint learned{};
  std::optional<std::string> on_broadcast(std::span<const std::uint8_t> p, TimePoint now) override {
    if (p.size() != 24) return std::nullopt;  // realistic rumor size: owner tag, version, digest
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    if (v <= version) return std::nullopt;
    version = v;
    learned = now;
    return std::string("svc");
  }
  std::vector<std::uint8_t> local_state(const std::string&, bool) override { return payload(version); }
  void merge_remote_state(const std::string&, std::span<const std::uint8_t> s, bool,
                          TimePoint now) override {
    if (!s.empty()) on_broadcast(s, now);
  }
  static std::vector<std::uint8_t> payload(std::uint64_t v) {
    std::vector<std::uint8_t> out(24, 0x5a);
    for (int i = 0; i < 8; ++i) out[i] = std::uint8_t(v >> (56 - 8 * i));
    return out;
  }
};

int propagate(const Args& a) {
  auto net = cluster(a);
  net->set_loss(a.loss);
  std::vector<Versions> d(net->size());
  for (std::size_t i = 0; i < net->size(); ++i) net->set_delegate(i, &d[i]);
  std::mt19937_64 rng(a.seed * 11 + 3);
  std::vector<double> all, p999, p99, p50;
  for (int r = 1; r <= a.rounds; ++r) {
    const std::size_t origin = rng() % net->size();
    const TimePoint t0 = net->now();
    d[origin].version = std::uint64_t(r);
    d[origin].learned = t0;
    (void)net->node(origin).broadcast("svc", Versions::payload(std::uint64_t(r)));
    net->run_until_true(
        [&] {
          for (auto& x : d)
            if (x.version < std::uint64_t(r)) return false;
          return true;
        },
        200s, 5ms);
    std::vector<double> t;
    for (std::size_t i = 0; i < d.size(); ++i)
      if (i != origin)
        t.push_back(d[i].version >= std::uint64_t(r) ? secs(d[i].learned - t0) : 1e9);
    all.push_back(pct(t, 100));
    p999.push_back(pct(t, 99.9));
    p99.push_back(pct(t, 99));
    p50.push_back(pct(t, 50));
    net->run_for(3s);
  }
  std::printf("propagate N=%zu loss=%.0f%% rounds=%d (time for one application broadcast)\n", a.n,
              a.loss * 100, a.rounds);
  std::printf("  50 %% of nodes:   %s\n", summary(p50).c_str());
  std::printf("  99 %% of nodes:   %s\n", summary(p99).c_str());
  std::printf("  99.9 %% of nodes: %s\n", summary(p999).c_str());
  std::printf("  100 %% of nodes:  %s\n", summary(all).c_str());
  return 0;
}

int idle(const Args& a) {
  auto net = cluster(a);
  net->run_for(net->config().push_pull_period(a.n));  // let join-time push/pulls settle
  net->reset_counters();
  Wall wall;
  net->run_for(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(a.seconds)));
  double dg = 0, dgb = 0, st = 0, stb = 0;
  for (std::size_t i = 0; i < net->size(); ++i) {
    const auto& c = net->counters(i);
    dg += double(c.datagrams);
    dgb += double(c.datagram_bytes);
    st += double(c.streams);
    stb += double(c.stream_bytes);
  }
  const double per = double(a.n) * a.seconds;
  const double pkts = dg / per, body = dgb / per, smsg = st / per, sbytes = stb / per;
  const double env = a.envelope;
  // A stream exchange on TCP: handshake, data, ACKs and FIN ≈ 10 segments of
  // 52 B headers, split evenly between the two ends.
  const double tcp_hdr = smsg * 5 * 52;
  std::printf("idle N=%zu over %.0f s (virtual), wall %.1f s\n", a.n, a.seconds, wall.elapsed());
  std::printf("  datagrams: %.2f/s per node, %.1f B/s of gossip payload (%.1f B per packet)\n", pkts,
              body, dgb / std::max(1.0, dg));
  std::printf("  + %.0f B envelope per packet: %.1f B/s\n", env, body + pkts * env);
  std::printf("  + 28 B IPv4/UDP headers per packet: %.1f B/s on the wire\n",
              body + pkts * (env + 28));
  std::printf("  streams (push/pull): %.3f messages/s, %.1f B/s payload (+%.0f B envelope each: "
              "%.1f B/s; + TCP/IP headers ≈ %.1f B/s)\n",
              smsg, sbytes, env, sbytes + smsg * env, tcp_hdr);
  std::printf("  total sent per node: %.1f B/s (payload + envelope), %.1f B/s with all headers\n",
              body + pkts * env + sbytes + smsg * env,
              body + pkts * (env + 28) + sbytes + smsg * env + tcp_hdr);
  return 0;
}

int leave(const Args& a) {
  auto net = cluster(a);
  Watch w;
  w.attach(*net);
  std::mt19937_64 rng(a.seed * 13 + 5);
  std::vector<double> all;
  for (int r = 0; r < a.rounds; ++r) {
    std::size_t v;
    do v = rng() % net->size();
    while (!net->up(v));
    const std::string name = net->name(v);
    const std::size_t observers = live_count(*net) - 1;
    const TimePoint t0 = net->now();
    net->leave(v);
    net->run_until_true([&] { return w.left[name].size() >= observers; }, 60s, 5ms);
    double last = 0;
    for (auto& [o, t] : w.left[name]) last = std::max(last, secs(t - t0));
    all.push_back(w.left[name].size() >= observers ? last : 1e9);
    net->run_for(10s);
  }
  std::size_t failed = 0;
  for (auto& [n, o] : w.failed) failed += o.size();
  std::printf("leave N=%zu rounds=%d\n  every node shows it left: %s\n  failed verdicts: %zu\n", a.n,
              a.rounds, summary(all).c_str(), failed);
  return 0;
}

int restart(const Args& a) {
  auto net = cluster(a);
  std::mt19937_64 rng(a.seed * 17 + 7);
  std::vector<double> all;
  for (int r = 0; r < a.rounds; ++r) {
    const std::size_t v = 1 + rng() % (net->size() - 1);
    net->restart(v);  // new boot id and address, at once: nobody noticed the crash
    const TimePoint t0 = net->now();
    net->join(v, 0);
    auto everyone = [&] {
      for (std::size_t i = 0; i < net->size(); ++i) {
        if (i == v || !net->up(i)) continue;
        const Member* m = net->node(i).find(net->name(v));
        if (!m || m->address != net->address(v) || m->state != MemberState::Alive) return false;
      }
      return true;
    };
    net->run_until_true(everyone, 60s, 5ms);
    all.push_back(everyone() ? secs(net->now() - t0) : 1e9);
    net->run_for(10s);
  }
  std::printf("restart N=%zu rounds=%d (same name, new address and boot id)\n"
              "  new address accepted by every node: %s\n",
              a.n, a.rounds, summary(all).c_str());
  return 0;
}

}  // namespace sim_bench
