#pragma once
// bench/gossip/gossip_sim_bench: what the scenarios share — the options,
// the statistics and the cluster they start from — and the scenarios
// themselves (membership_scenarios.cpp: detect, quiet, propagate, idle,
// leave, restart; replica_scenarios.cpp: heal, register, antientropy).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gossip/sim/sim_network.hpp"

namespace sim_bench {

using roster::Duration;
using roster::TimePoint;

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

double secs(Duration d);
// The p-th percentile (0..100) of v; -1 when empty.
double pct(std::vector<double> v, double p);
// "n=… p50 …, p99 …, max …".
std::string summary(const std::vector<double>& v);

struct Wall {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Peak resident set size of this process so far, in MB (Linux).
double peak_rss_mb();

// N nodes joined gently and converged (or a pre-converged start, --start converged).
std::unique_ptr<roster::gossip::sim::SimNetwork> cluster(const Args& a, roster::gossip::sim::LinkModel link = {});

// Who reported whom failed, and when.
struct Watch {
  std::map<std::string, std::map<std::size_t, TimePoint>> failed;
  std::map<std::string, std::map<std::size_t, TimePoint>> left;
  std::size_t suspects = 0;
  void attach(roster::gossip::sim::SimNetwork& net);
};

std::size_t live_count(roster::gossip::sim::SimNetwork& net);

int detect(const Args& a);
int quiet(const Args& a);
int propagate(const Args& a);
int idle(const Args& a);
int leave(const Args& a);
int restart(const Args& a);
int heal(const Args& a);
int register_(const Args& a);
int antientropy(const Args& a);

}  // namespace sim_bench
