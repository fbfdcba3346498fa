// `roster leave` (PUT /v1/agent/leave: the agent leaves gracefully and stops)
// and `roster force-leave [-prune] NODE` (PUT /v1/agent/force-leave/<node>),
// as `consul leave` and `consul force-leave`.
#include "cli/agent_calls.hpp"
#include "cli/members_command.hpp"
#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {
constexpr const char* kLeaveUsage = "Usage: roster leave [-http-addr ADDR] [-token TOKEN]\n";
constexpr const char* kForceUsage = "Usage: roster force-leave [-prune] [-http-addr ADDR] [-token TOKEN] NODE\n";
}  // namespace

int run_leave(const std::vector<std::string>& args, const Io& io) {
  ClientFlags client_flags;
  po::options_description desc;
  add_client_flags(desc, client_flags);
  desc.add_options()("help,h", "print this help");
  po::variables_map vm;
  if (auto st = parse_flags(args, desc, vm); !st) {
    io.err << "roster leave: " << st.error().message << "\n" << kLeaveUsage;
    return 2;
  }
  if (vm.count("help")) {
    io.out << kLeaveUsage;
    return 0;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  if (auto reply = call_agent(*config, "PUT", "/v1/agent/leave"); !reply) {
    io.err << "Error leaving: " << reply.error().message << "\n";
    return 1;
  }
  io.out << "Graceful leave complete\n";
  return 0;
}

int run_force_leave(const std::vector<std::string>& args, const Io& io) {
  ClientFlags client_flags;
  bool prune = false;
  po::options_description desc;
  add_client_flags(desc, client_flags);
  desc.add_options()("help,h", "print this help")("prune", po::bool_switch(&prune),
                                                  "also remove the node from the member list");
  po::variables_map vm;
  std::vector<std::string> nodes;
  if (auto st = parse_flags(args, desc, vm, &nodes); !st) {
    io.err << "roster force-leave: " << st.error().message << "\n" << kForceUsage;
    return 2;
  }
  if (vm.count("help")) {
    io.out << kForceUsage;
    return 0;
  }
  if (nodes.size() != 1) {
    io.err << "A single node name must be specified to force leave.\n" << kForceUsage;
    return 2;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  const std::string target = "/v1/agent/force-leave/" + client::url_encode(nodes[0]) + (prune ? "?prune=1" : "");
  if (auto reply = call_agent(*config, "PUT", target); !reply) {
    io.err << "Error force leaving: " << reply.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace roster::cli
