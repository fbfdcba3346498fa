// `roster join ADDR...`: asks the local agent to join the cluster through
// each address (PUT /v1/agent/join/<addr>), as `consul join` does.
#include "cli/agent_calls.hpp"
#include "cli/members_command.hpp"
#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {
constexpr const char* kUsage = "Usage: roster join [-http-addr ADDR] [-token TOKEN] ADDRESS...\n";
// Longer than the agent's own join deadline (a slow seed is retried).
constexpr std::chrono::seconds kJoinTimeout{60};
}  // namespace

int run_join(const std::vector<std::string>& args, const Io& io) {
  ClientFlags client_flags;
  po::options_description desc;
  add_client_flags(desc, client_flags);
  desc.add_options()("help,h", "print this help")("wan", po::bool_switch(), "not supported (no WAN pool)");
  po::variables_map vm;
  std::vector<std::string> addresses;
  if (auto st = parse_flags(args, desc, vm, &addresses); !st) {
    io.err << "roster join: " << st.error().message << "\n" << kUsage;
    return 2;
  }
  if (vm.count("help")) {
    io.out << kUsage;
    return 0;
  }
  if (addresses.empty()) {
    io.err << "At least one address to join must be specified.\n" << kUsage;
    return 2;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  int joined = 0;
  for (const auto& a : addresses) {
    auto reply = call_agent(*config, "PUT", "/v1/agent/join/" + client::url_encode(a), {}, kJoinTimeout);
    if (!reply) {
      io.err << "Error joining address '" << a << "': " << reply.error().message << "\n";
      continue;
    }
    ++joined;
  }
  if (joined == 0) {
    io.err << "Failed to join any nodes.\n";
    return 1;
  }
  io.out << "Successfully joined cluster by contacting " << joined << " nodes.\n";
  return 0;
}

}  // namespace roster::cli
