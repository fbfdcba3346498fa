// Tier-A gossip benchmark (gossip.md §4): the real Membership code on the
// in-memory network with a virtual clock. One scenario per invocation:
//
//   gossip_sim_bench detect    --n 100 --kills 20      kill → failed on every live node
//   gossip_sim_bench quiet     --n 100 --minutes 30 [--loss 0.1] [--freeze]
//   gossip_sim_bench propagate --n 1000 --rounds 10 [--loss 0.1]
//   gossip_sim_bench idle      --n 1000 --seconds 120
//   gossip_sim_bench leave     --n 100 --rounds 10
//   gossip_sim_bench restart   --n 100 --rounds 10
//   gossip_sim_bench heal      --n 100 --seconds 120 [--replica]
//   gossip_sim_bench register  --n 1000 --rounds 10 [--loss 0.1]   a registration through the real Replicator
//   gossip_sim_bench antientropy --n 1000 --seconds 300   bytes of one agreeing push/pull (with the replica digest)
//
// `register` and `heal --replica` run the registry's real Replicator on every
// node (gossip/sim/sim_replicas.hpp): rumor, fetch over a stream, anti-entropy.
// Common options: --seed S, --profile lan|local, --envelope B (bytes added
// per packet for the crypto envelope, default 40), --start join|converged.
// `join` (default) joins the nodes gently and waits for convergence;
// `converged` starts every node already knowing every node alive
// (SimNetwork::add_converged_cluster): a steady-state start for detect,
// propagate, idle and antientropy at N=10,000, where joining would take
// hours of wall time. Times are virtual seconds; the last line gives the
// wall time and peak RSS of the run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "gossip/codec.hpp"
#include "gossip/crypto/stream.hpp"
#include "gossip/replica_codec.hpp"
#include "gossip/sim/sim_network.hpp"
#include "gossip/sim/sim_replicas.hpp"

using namespace roster;
using namespace roster::gossip;
using namespace roster::gossip::sim;
using namespace std::chrono_literals;

namespace {

struct Args {
  std::string scenario;
  std::size_t n = 100;
  int kills = 10, rounds = 10;
  double minutes = 30, seconds = 120, loss = 0.0;
  bool freeze = false;
  bool replica = false;
  std::uint64_t seed = 1;
  std::string profile = "lan";
  double envelope = 40;
  bool converged_start = false;
};

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size() - 1) + 0.5));
  return v[i];
}

std::string summary(const std::vector<double>& v) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "n=%zu p50 %.2f s, p99 %.2f s, max %.2f s", v.size(), pct(v, 50),
                pct(v, 99), pct(v, 100));
  return buf;
}

struct Wall {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Peak resident set size of this process so far, in MB (Linux).
double peak_rss_mb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  double kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atof(line + 6);
  std::fclose(f);
  return kb / 1024;
}

std::unique_ptr<SimNetwork> cluster(const Args& a, LinkModel link = {}) {
  Config c;
  Config::from_profile(a.profile, c);
  auto net = std::make_unique<SimNetwork>(a.seed, c, link);
  if (a.converged_start) {
    Wall w;
    net->add_converged_cluster(a.n);
    // Every table lists all N alive and all tables agree (digests equal).
    for (std::size_t i = 0; i < net->size(); ++i) {
      if (net->node(i).num_live() != a.n || net->node(i).digest() != net->node(0).digest()) {
        std::fprintf(stderr, "pre-converged start: node %zu disagrees\n", i);
        std::exit(1);
      }
    }
    const double built = w.elapsed();
    net->run_for(10s);
    std::printf("# N=%zu profile=%s seed=%llu: PRE-CONVERGED start (every node began knowing every"
                " node alive; no join traffic), built in %.1f s wall, then 10 s virtual (%.1f s wall);"
                " peak RSS %.0f MB\n",
                a.n, a.profile.c_str(), (unsigned long long)a.seed, built, w.elapsed() - built,
                peak_rss_mb());
    return net;
  }
  // A gentle join (gossip.md Appendix B): one join every 5 ms of virtual time.
  net->add_cluster(a.n, 5ms, 0s);
  Wall w;
  if (!net->run_until_true([&] { return net->converged(); }, 300s, 500ms)) {
    std::fprintf(stderr, "cluster did not converge\n");
    std::exit(1);
  }
  net->run_for(10s);
  std::printf("# N=%zu profile=%s seed=%llu: joined and converged (%.1f s wall)\n", a.n,
              a.profile.c_str(), (unsigned long long)a.seed, w.elapsed());
  return net;
}

// Who reported whom failed, and when.
struct Watch {
  std::map<std::string, std::map<std::size_t, TimePoint>> failed;
  std::map<std::string, std::map<std::size_t, TimePoint>> left;
  std::size_t suspects = 0;
  void attach(SimNetwork& net) {
    net.set_event_hook([this](std::size_t obs, const MemberEvent& e) {
      if (e.kind == MemberEventKind::Failed) failed[e.member.name].emplace(obs, e.at);
      if (e.kind == MemberEventKind::Left) left[e.member.name].emplace(obs, e.at);
      if (e.kind == MemberEventKind::Suspect) ++suspects;
    });
  }
};

std::size_t live_count(SimNetwork& net) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < net.size(); ++i) n += net.up(i);
  return n;
}

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

// Every node's replica of the registry, through the real Replicator: each
// node starts with one web instance; waits until every replica holds all.
std::unique_ptr<SimReplicas> replicas(SimNetwork& net) {
  Wall w;
  const TimePoint t0 = net.now();
  auto reps = std::make_unique<SimReplicas>(net, [&](std::size_t i) { return sim_record(net.name(i), i, 1); });
  if (!net.run_until_true([&] { return reps->identical(); }, 600s, 100ms)) {
    std::fprintf(stderr, "replicas did not converge\n");
    std::exit(1);
  }
  std::printf("# replicas: every node holds all %zu records after %.1f s (virtual), %.1f s wall; peak RSS %.0f MB\n",
              net.size(), secs(net.now() - t0), w.elapsed(), peak_rss_mb());
  net.run_for(10s);
  return reps;
}

int heal(const Args& a) {
  auto net = cluster(a);
  std::unique_ptr<SimReplicas> reps;
  if (a.replica) reps = replicas(*net);
  const std::size_t half = net->size() / 2;
  std::vector<int> groups(net->size());
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = i < half ? 0 : 1;
  net->partition(groups);
  if (reps) {
    // Registrations and deregistrations on both sides while they cannot talk.
    for (std::size_t k = 0; k < 5; ++k) {
      const std::size_t l = 1 + 3 * k, r = half + 1 + 3 * k;
      reps->set_local(l, sim_record(net->name(l), l, k == 0 ? 0 : 3));
      reps->set_local(r, sim_record(net->name(r), r, k == 0 ? 0 : 2));
    }
  }
  net->run_for(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(a.seconds)));
  const bool apart = reps && !reps->identical();
  const TimePoint t0 = net->now();
  net->heal();
  double members = -1, replicas_at = -1;
  const bool ok = net->run_until_true(
      [&] {
        if (members < 0 && net->converged()) members = secs(net->now() - t0);
        if (reps && replicas_at < 0 && reps->identical()) replicas_at = secs(net->now() - t0);
        return members >= 0 && (!reps || replicas_at >= 0);
      },
      300s, 100ms);
  std::printf("heal N=%zu after a %.0f s 50/50 partition: %s\n", a.n, a.seconds,
              ok ? "converged" : "NOT converged");
  std::printf("  every node lists every node alive: %.1f s after the heal\n", members);
  if (reps) {
    const auto st = reps->total_stats();
    std::printf("  replicas (10 records changed during the partition, differing across it: %s):"
                " identical on every node %.1f s after the heal; identical and all alive: %.1f s\n",
                apart ? "yes" : "NO", replicas_at, std::max(members, replicas_at));
    std::printf("  replicator totals: %llu fetches, %llu anti-entropy syncs (%llu agreeing)\n",
                (unsigned long long)st.fetches, (unsigned long long)st.syncs,
                (unsigned long long)st.syncs_agreed);
  }
  return ok ? 0 : 2;
}

// A registration on one node, through the real Replicator (rumor ≈ 30 B,
// then each node fetches the record over a stream from a holder): the time
// until each other node's replica holds the new version.
int register_(const Args& a) {
  auto net = cluster(a);
  auto reps = replicas(*net);
  net->set_loss(a.loss);
  std::mt19937_64 rng(a.seed * 19 + 11);
  std::vector<double> all, p999, p99, p50;
  const auto st0 = reps->total_stats();
  const std::uint64_t fetches0 = st0.fetches, abandoned0 = st0.fetches_abandoned, hedged0 = st0.fetches_hedged;
  for (int r = 1; r <= a.rounds; ++r) {
    const std::size_t origin = rng() % net->size();
    const TimePoint t0 = net->now();
    reps->set_local(origin, sim_record(net->name(origin), origin, 1 + r));
    const auto want = reps->stamp_of(origin, origin);
    std::vector<double> t(net->size(), -1);
    t[origin] = 0;
    std::size_t missing = net->size() - 1;
    net->run_until_true(
        [&] {
          for (std::size_t i = 0; i < net->size(); ++i)
            if (t[i] < 0 && reps->stamp_of(i, origin) == want) t[i] = secs(net->now() - t0), --missing;
          return missing == 0;
        },
        200s, 5ms);
    std::vector<double> got;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (i != origin) got.push_back(t[i] < 0 ? 1e9 : t[i]);
    all.push_back(pct(got, 100));
    p999.push_back(pct(got, 99.9));
    p99.push_back(pct(got, 99));
    p50.push_back(pct(got, 50));
    net->run_for(3s);
  }
  const auto st = reps->total_stats();
  std::printf("register N=%zu loss=%.0f%% rounds=%d (a new record version through the real Replicator:"
              " rumor, then fetch)\n", a.n, a.loss * 100, a.rounds);
  std::printf("  50 %% of nodes:   %s\n", summary(p50).c_str());
  std::printf("  99 %% of nodes:   %s\n", summary(p99).c_str());
  std::printf("  99.9 %% of nodes: %s\n", summary(p999).c_str());
  std::printf("  100 %% of nodes:  %s\n", summary(all).c_str());
  std::printf("  fetch requests: %.0f per round (%.2f per node), hedged %.0f per round; abandoned: %llu\n",
              double(st.fetches - fetches0) / a.rounds, double(st.fetches - fetches0) / a.rounds / double(a.n),
              double(st.fetches_hedged - hedged0) / a.rounds, (unsigned long long)(st.fetches_abandoned - abandoned0));
  return 0;
}

}  // namespace

// Bytes of push/pull exchanges between agents whose states already agree:
// every stream in an idle cluster without loss is one. The core's messages
// are measured as sent; the stream framing and encryption of a real agent
// (gossip/crypto/stream.hpp, one TCP connection per exchange) are computed
// with the real code: two hellos, then one sealed frame each way.
// Every node's replica blob is what an agent holding the same N records sends
// (gossip/replicator.cpp local_state: the folded digest), so the exchanges
// agree and carry exactly the bytes of a real agent's push/pull.
struct AgreeingReplica final : Delegate {
  std::vector<std::uint8_t> state;
  std::optional<std::string> on_broadcast(std::span<const std::uint8_t>, TimePoint) override { return std::nullopt; }
  std::vector<std::uint8_t> local_state(const std::string&, bool) override { return state; }
  void merge_remote_state(const std::string&, std::span<const std::uint8_t>, bool, TimePoint) override {}
};

int antientropy(const Args& a) {
  auto net = cluster(a);
  replica::Summary held;
  held.count = a.n;
  for (std::size_t i = 0; i < replica::kBuckets; ++i) held.buckets[i] = replica::hash64({}, 0xa11ce + i);
  AgreeingReplica blob;
  blob.state = replica::encode_digest(replica::fold(held));
  for (std::size_t i = 0; i < net->size(); ++i) net->set_delegate(i, &blob);
  net->run_for(10s);
  struct Side {
    std::size_t count = 0, bytes = 0, lo = SIZE_MAX, hi = 0, tables = 0;
    void add(std::size_t b, bool table) {
      ++count, bytes += b, lo = std::min(lo, b), hi = std::max(hi, b), tables += table;
    }
  } req, rep, other;
  net->set_stream_hook([&](std::size_t, std::size_t, bool reply, std::span<const std::uint8_t> b) {
    auto msg = decode_stream(b);
    if (!msg) return other.add(b.size(), false);
    if (auto* q = std::get_if<SyncRequest>(&msg.value()); q && !q->join && !reply)
      return req.add(b.size(), q->has_table);
    if (auto* r = std::get_if<SyncReply>(&msg.value()); r && reply)
      return rep.add(b.size(), r->has_table);
    other.add(b.size(), false);
  });
  Wall wall;
  net->run_for(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(a.seconds)));
  net->set_stream_hook(nullptr);
  if (req.count == 0 || rep.count == 0) {
    std::printf("antientropy N=%zu: no push/pull in %.0f s\n", a.n, a.seconds);
    return 1;
  }
  // A real agent's session: hello each way (unsealed, one key listed), then
  // the request and the reply each in one AES-256-GCM frame.
  const auto ring = crypto::Keyring::from_keys({crypto::Key::generate()});
  const crypto::ClusterContext ctx;
  const auto client = crypto::make_hello(ring.value(), ctx, 1, true);
  const auto server = crypto::make_hello(ring.value(), ctx, 2, true);
  const crypto::StreamPolicy policy{ctx, true};
  auto session = crypto::establish_session(ring.value(), policy, crypto::StreamRole::Client, client, server);
  if (!session) {
    std::fprintf(stderr, "stream session: %s\n", session.error().message.c_str());
    return 1;
  }
  const std::size_t hellos = crypto::encode_hello_frame(client).size() +
                             crypto::encode_hello_frame(server).size();
  const std::vector<std::uint8_t> probe(std::size_t(double(req.bytes) / double(req.count) + 0.5), 0);
  crypto::Bytes sealed;
  (void)session.value().sealer.seal(crypto::ByteView(probe.data(), probe.size()), sealed);
  const std::size_t frame = sealed.size() - probe.size();  // length prefix + GCM tag
  const double q = double(req.bytes) / double(req.count), r = double(rep.bytes) / double(rep.count);
  std::printf("antientropy N=%zu over %.0f s (virtual), wall %.1f s: %zu push/pull exchanges, "
              "%zu with a table (request) / %zu (reply), %zu other stream messages\n",
              a.n, a.seconds, wall.elapsed(), req.count, req.tables, rep.tables, other.count);
  std::printf("  membership + the replica's %zu-byte digest each way: request %.1f B (%zu..%zu), reply %.1f B "
              "(%zu..%zu): %.1f B per exchange, both directions\n",
              blob.state.size(), q, req.lo, req.hi, r, rep.lo, rep.hi, q + r);
  std::printf("  + stream framing and AES-256-GCM (%zu B per frame, 2 frames) = %.1f B;"
              " + the two session hellos (%zu B) = %.1f B on a fresh TCP connection\n",
              frame, q + r + 2.0 * double(frame), hellos, q + r + 2.0 * double(frame) + double(hellos));
  return req.tables + rep.tables == 0 ? 0 : 2;
}

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s detect|quiet|propagate|idle|leave|restart|heal|antientropy|register [options]\n",
                 argv[0]);
    return 64;
  }
  a.scenario = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(64);
      }
      return argv[++i];
    };
    if (k == "--n") a.n = std::strtoull(val(), nullptr, 10);
    else if (k == "--kills") a.kills = std::atoi(val());
    else if (k == "--rounds") a.rounds = std::atoi(val());
    else if (k == "--minutes") a.minutes = std::atof(val());
    else if (k == "--seconds") a.seconds = std::atof(val());
    else if (k == "--loss") a.loss = std::atof(val());
    else if (k == "--seed") a.seed = std::strtoull(val(), nullptr, 10);
    else if (k == "--profile") a.profile = val();
    else if (k == "--envelope") a.envelope = std::atof(val());
    else if (k == "--freeze") a.freeze = true;
    else if (k == "--replica") a.replica = true;
    else if (k == "--start") {
      const std::string v = val();
      if (v != "join" && v != "converged") {
        std::fprintf(stderr, "--start is join or converged\n");
        return 64;
      }
      a.converged_start = v == "converged";
    }
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 64;
    }
  }
  const std::map<std::string, int (*)(const Args&)> scenarios = {
      {"detect", detect}, {"quiet", quiet},     {"propagate", propagate}, {"idle", idle},
      {"leave", leave},   {"restart", restart}, {"heal", heal},           {"antientropy", antientropy},
      {"register", register_}};
  auto it = scenarios.find(a.scenario);
  if (it == scenarios.end()) {
    std::fprintf(stderr, "unknown scenario %s\n", a.scenario.c_str());
    return 64;
  }
  const Wall wall;
  const int rc = it->second(a);
  std::printf("# wall %.1f s in all, peak RSS %.0f MB\n", wall.elapsed(), peak_rss_mb());
  return rc;
}
