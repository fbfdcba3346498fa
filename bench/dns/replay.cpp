// replay: the bench data set and query file through Responder's cached path
// (the servers' hot path), without sockets. For instruction counts that do
// not depend on the machine's load:
//
//   bench/dns/replay.sh [passes]     # builds this, then runs it under callgrind
//
// Prints the time per query of the build pass (cold cache: every entry is
// built) and of the later passes (warm cache: hits only).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "dns/answer_cache.hpp"
#include "dns/responder.hpp"
#include "registry/registry.hpp"

using namespace roster;

namespace {

std::string node_addr(int k) {
  return "10.0." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
}

// A plain query: ID, RD, one question, no EDNS (as dnsperf sends by default).
std::vector<std::uint8_t> make_query(const std::string& name, std::uint16_t qtype, std::uint16_t id) {
  std::vector<std::uint8_t> q = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0x01, 0, 0, 1,
                                 0, 0, 0, 0, 0, 0};
  std::stringstream ss(name);
  std::string label;
  while (std::getline(ss, label, '.')) {
    if (label.empty()) continue;
    q.push_back(static_cast<std::uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.push_back(0);
  q.push_back(static_cast<std::uint8_t>(qtype >> 8));
  q.push_back(static_cast<std::uint8_t>(qtype));
  q.push_back(0);
  q.push_back(1);
  return q;
}

// One pass over the queries, as the servers drive the responder. Two names so
// that callgrind can count the cold (building) and warm (hits) passes apart.
std::size_t replay(const dns::Responder& responder, dns::AnswerCache& cache,
                   const std::vector<std::vector<std::uint8_t>>& queries, dns::Transport transport,
                   std::vector<std::uint8_t>& out) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    // The servers take a snapshot per UDP batch (up to 32) and per TCP query.
    if (transport == dns::Transport::Tcp || i % 32 == 0) responder.refresh(cache);
    bytes += responder.respond(queries[i], transport, cache, out).size;
  }
  return bytes;
}

[[gnu::noinline]] std::size_t replay_cold(const dns::Responder& r, dns::AnswerCache& c,
                                          const std::vector<std::vector<std::uint8_t>>& q, dns::Transport t,
                                          std::vector<std::uint8_t>& out) {
  return replay(r, c, q, t, out);
}

[[gnu::noinline]] std::size_t replay_warm(const dns::Responder& r, dns::AnswerCache& c,
                                          const std::vector<std::vector<std::uint8_t>>& q, dns::Transport t,
                                          std::vector<std::uint8_t>& out) {
  return replay(r, c, q, t, out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: replay QUERY_FILE [passes] [tcp]\n";
    return 2;
  }
  const int passes = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto transport = argc > 3 && std::string(argv[3]) == "tcp" ? dns::Transport::Tcp : dns::Transport::Udp;
  const SteadyClock clock;
  registry::Registry reg(registry::LocalNode{"bench", "", "127.0.0.1", "dc1", {}}, clock.now());
  // As bench.py writes it through /v1/catalog/register.
  for (int i = 0; i < 1000; ++i) {
    char name[16], node[16];
    std::snprintf(name, sizeof name, "svc%04d", i);
    for (int j = 0; j < 3; ++j) {
      const int k = (3 * i + j) % 1000;
      std::snprintf(node, sizeof node, "node%04d", k);
      registry::CatalogRegistration r;
      r.node.name = node;
      r.node.address = node_addr(k);
      r.service.emplace();
      r.service->name = name;
      r.service->id = std::string(name) + "-" + std::to_string(j);
      r.service->port = 8000 + j;
      if (!reg.catalog_register(r)) return 1;
    }
  }
  std::vector<std::vector<std::uint8_t>> queries;
  std::ifstream in(argv[1]);
  std::string name, type;
  while (in >> name >> type)
    queries.push_back(make_query(name, type == "SRV" ? 33 : type == "AAAA" ? 28 : 1,
                                 static_cast<std::uint16_t>(queries.size())));
  dns::DnsConfig config;
  const dns::Responder responder(reg, config, clock);
  dns::AnswerCache cache;
  std::vector<std::uint8_t> out(dns::kMaxTcpMessage);
  std::size_t bytes = 0;
  for (int p = 0; p < passes; ++p) {
    const auto begin = std::chrono::steady_clock::now();
    bytes += p == 0 ? replay_cold(responder, cache, queries, transport, out)
                    : replay_warm(responder, cache, queries, transport, out);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - begin);
    std::printf("pass %d (%s): %zu queries, %.0f ns/query\n", p, p == 0 ? "cold" : "warm", queries.size(),
                static_cast<double>(ns.count()) / static_cast<double>(queries.size()));
  }
  std::printf("reply bytes: %zu (%.1f per query)\n", bytes,
              static_cast<double>(bytes) / static_cast<double>(passes * queries.size()));
  return 0;
}
