// gossip_sim_bench scenarios of the replicated registry: a registration
// through the real Replicator, a healed partition (with --replica: to
// identical replicas), and the bytes of an agreeing anti-entropy round.
#include <algorithm>
#include <cstdio>
#include <random>

#include "bench/gossip/sim_bench.hpp"
#include "gossip/codec.hpp"
#include "gossip/crypto/stream.hpp"
#include "gossip/replica_codec.hpp"
#include "gossip/sim/sim_replicas.hpp"

namespace sim_bench {

using namespace roster;
using namespace roster::gossip;
using namespace roster::gossip::sim;
using namespace std::chrono_literals;

namespace {

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

}  // namespace

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

}  // namespace sim_bench
