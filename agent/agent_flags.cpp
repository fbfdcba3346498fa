#include "agent/agent_flags.hpp"

#include <sstream>

#include <boost/program_options.hpp>

#include "agent/config_file.hpp"
#include "agent/gossip_flags.hpp"
#include "dns/recursors.hpp"

namespace roster::agent {
namespace po = boost::program_options;

namespace {

po::options_description describe(AgentConfig& c, std::string& log_level) {
  po::options_description d("roster agent options");
  d.add_options()
      ("help,h", "print this help")
      ("dev", po::bool_switch(&c.dev), "development mode: in-memory, loopback only")
      ("node", po::value(&c.node_name), "node name (default: hostname)")
      ("datacenter", po::value(&c.datacenter), "datacenter name (default: dc1)")
      ("domain", po::value(&c.domain), "DNS domain (default: consul.)")
      ("alt-domain", po::value(&c.dns.alt_domain), "a second DNS domain answered like -domain")
      ("recursor", po::value<std::vector<std::string>>()->composing()->notifier([&c](const std::vector<std::string>& v) {
         c.dns.recursors.addresses.insert(c.dns.recursors.addresses.end(), v.begin(), v.end());
       }), "upstream DNS server for other names, ip or ip:port (repeatable)")
      ("dns-threads", po::value(&c.dns.threads), "DNS I/O threads (default: one per core)")
      ("client", po::value(&c.client_addr), "address for HTTP and DNS (default: 127.0.0.1)")
      ("bind", po::value(&c.bind_addr), "address for gossip")
      ("advertise", po::value(&c.advertise_addr), "address other nodes and clients use for this node")
      ("http-port", po::value(&c.http_port), "HTTP port (default: 8500; 0 picks one)")
      ("dns-port", po::value(&c.dns_port), "DNS port, UDP and TCP (default: 8600; 0 picks one)")
      ("data-dir", po::value(&c.data_dir), "directory for agent state")
      // Notifiers, not storage: an absent switch must not undo a config file's true.
      ("enable-script-checks", po::bool_switch()->notifier([&c](bool on) { c.enable_script_checks |= on; }),
       "run script checks registered through the API or config files")
      ("enable-local-script-checks",
       po::bool_switch()->notifier([&c](bool on) { c.enable_local_script_checks |= on; }),
       "run script checks defined in config files only")
      ("config-file", po::value(&c.config_files)->composing(), "JSON config file (repeatable)")
      ("config-dir", po::value(&c.config_dirs)->composing(), "directory of *.json config files (repeatable)")
      ("log-level", po::value(&log_level), "trace, debug, info, warn, err")
      ("ready-file", po::value(&c.ready_file), "write the bound ports here as JSON once listening");
  add_gossip_flags(d, c);
  return d;
}

Status validate(AgentConfig& c) {
  for (int port : {c.http_port, c.dns_port})
    if (port < 0 || port > 65535) return invalid("ports must be between 0 and 65535");
  if (c.domain.empty()) return invalid("-domain must not be empty");
  if (c.domain.back() != '.') c.domain += '.';
  if (c.datacenter.empty()) return invalid("-datacenter must not be empty");
  if (auto r = dns::parse_recursors(c.dns.recursors.addresses); !r) return r.error();
  if (auto st = validate_gossip(c); !st) return st;
  if (!c.dev && c.data_dir.empty())
    return invalid("data_dir cannot be empty (give -data-dir, or use -dev)");
  return ok();
}

// Parses `args` into `c`; only the flags given are written.
Status parse_into(const std::vector<std::string>& args, AgentConfig& c, std::string& log_level,
                  po::variables_map& vm) {
  auto desc = describe(c, log_level);
  add_hidden_gossip_flags(desc, c);
  try {
    auto style = po::command_line_style::unix_style | po::command_line_style::allow_long_disguise;
    style &= ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(desc).style(style).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    return invalid(e.what());
  }
  return ok();
}

}  // namespace

Result<ParsedFlags> parse_agent_flags(const std::vector<std::string>& args) {
  ParsedFlags out;
  std::string log_level;
  po::variables_map vm;
  AgentConfig first;
  if (auto st = parse_into(args, first, log_level, vm); !st) return st.error();
  if (vm.count("help")) {
    out.outcome = FlagsOutcome::Help;
    return out;
  }

  // Config files first, then the flags again on top: flags win, as in Consul.
  AgentConfig& c = out.config;
  if (auto st = load_config_files(first.config_files, first.config_dirs, c); !st) return st.error();
  po::variables_map again;
  if (auto st = parse_into(args, c, log_level, again); !st) return st.error();
  if (!log_level.empty()) {
    const auto level = parse_log_level(log_level);
    if (!level) return invalid("invalid -log-level \"" + log_level + "\"");
    c.log_level = *level;
  }
  if (auto st = validate(c); !st) return st.error();
  c.flags = args;
  return out;
}

std::string agent_usage() {
  AgentConfig c;
  std::string level;
  std::ostringstream os;
  os << "Usage: roster agent [options]\n\n" << describe(c, level);
  return os.str();
}

}  // namespace roster::agent
