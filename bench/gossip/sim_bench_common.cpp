// What the gossip_sim_bench scenarios share (sim_bench.hpp).
#include "bench/gossip/sim_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sim_bench {

using namespace roster;
using namespace roster::gossip;
using namespace roster::gossip::sim;
using namespace std::chrono_literals;

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

std::unique_ptr<SimNetwork> cluster(const Args& a, LinkModel link) {
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

void Watch::attach(SimNetwork& net) {
  net.set_event_hook([this](std::size_t obs, const MemberEvent& e) {
    if (e.kind == MemberEventKind::Failed) failed[e.member.name].emplace(obs, e.at);
    if (e.kind == MemberEventKind::Left) left[e.member.name].emplace(obs, e.at);
    if (e.kind == MemberEventKind::Suspect) ++suspects;
  });
}

std::size_t live_count(SimNetwork& net) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < net.size(); ++i) n += net.up(i);
  return n;
}

}  // namespace sim_bench
