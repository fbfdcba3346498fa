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
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "bench/gossip/sim_bench.hpp"

using namespace sim_bench;

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
