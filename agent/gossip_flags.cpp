#include "agent/gossip_flags.hpp"

#include "common/duration.hpp"
#include "gossip/config.hpp"

namespace roster::agent {
namespace po = boost::program_options;

void add_gossip_flags(po::options_description& d, AgentConfig& c) {
  GossipSettings& g = c.gossip;
  // Notifiers append: flags add to the addresses of config files, as Consul's do.
  auto append = [](std::vector<std::string>& to) {
    return [&to](const std::vector<std::string>& v) { to.insert(to.end(), v.begin(), v.end()); };
  };
  d.add_options()
      ("serf-lan-port", po::value(&g.serf_lan_port), "gossip port, UDP and TCP (default: 8301; 0 picks one)")
      ("join", po::value<std::vector<std::string>>()->composing()->notifier(append(g.start_join)),
       "address of an agent to join at start, host[:port] (repeatable; the agent exits if none answers)")
      ("retry-join", po::value<std::vector<std::string>>()->composing()->notifier(append(g.retry_join)),
       "like -join, but retried until it works (repeatable)")
      ("retry-interval", po::value<std::string>()->notifier([&g](const std::string& v) {
         if (auto d = parse_duration(v)) g.retry_interval = *d;
         else g.retry_interval = Duration::min();  // validate_gossip reports it
       }), "time between -retry-join attempts (default: 30s)")
      ("retry-max", po::value(&g.retry_max), "-retry-join attempts before giving up (default: 0, forever)")
      ("encrypt", po::value(&g.encrypt), "gossip encryption key, base64 (roster keygen makes one)")
      ("gossip-profile", po::value(&g.profile), "gossip timers: lan (default) or local (fast; loopback tests)");
}

// Hidden from -help on purpose: test-only fault injection.
void add_hidden_gossip_flags(po::options_description& d, AgentConfig& c) {
  d.add_options()
      ("gossip-fault-drop", po::value(&c.gossip.fault_drop), "TEST ONLY")
      ("gossip-fault-freeze-ms", po::value(&c.gossip.fault_freeze_ms), "TEST ONLY");
}

Status apply_gossip_config(const http::json::Fields& f, AgentConfig& c) {
  GossipSettings& g = c.gossip;
  std::vector<std::string> start, retry;
  for (Status st : {f.string_list({"start_join"}, start), f.string_list({"retry_join"}, retry),
                    f.string({"encrypt"}, g.encrypt), f.integer({"retry_max"}, g.retry_max),
                    f.string({"gossip_profile"}, g.profile)})
    if (!st) return st;
  g.start_join.insert(g.start_join.end(), start.begin(), start.end());
  g.retry_join.insert(g.retry_join.end(), retry.begin(), retry.end());
  std::optional<Duration> interval;
  if (auto st = f.duration({"retry_interval"}, interval); !st) return st;
  if (interval) g.retry_interval = *interval;
  return ok();
}

Status validate_gossip(AgentConfig& c) {
  GossipSettings& g = c.gossip;
  if (g.serf_lan_port < -1 || g.serf_lan_port > 65535) return invalid("ports must be between 0 and 65535");
  if (g.retry_interval <= Duration::zero()) return invalid("-retry-interval must be a positive duration such as 30s");
  if (g.retry_max < 0) return invalid("-retry-max must be 0 (forever) or more");
  gossip::Config probe;
  if (!gossip::Config::from_profile(g.profile, probe))
    return invalid("-gossip-profile must be \"lan\" or \"local\", not \"" + g.profile + "\"");
  if (g.fault_drop < 0.0 || g.fault_drop > 1.0) return invalid("-gossip-fault-drop must be between 0 and 1");
  if (g.fault_freeze_ms < 0 || g.fault_freeze_ms >= 1000)
    return invalid("-gossip-fault-freeze-ms must be between 0 and 999");
  return ok();
}

}  // namespace roster::agent
