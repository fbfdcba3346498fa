// `roster`: one binary, dispatching on its first word.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "agent/agent_flags.hpp"
#include "agent/app.hpp"
#include "agent/version.hpp"
#include "cli/commands.hpp"
#include "cli/keyring_command.hpp"
#include "cli/members_command.hpp"
#include "gossip/crypto/key.hpp"
#include "wrapper/wrap_command.hpp"

namespace {

constexpr std::string_view kUsage =
    "Usage: roster <command> [args]\n"
    "\n"
    "Commands:\n"
    "  agent      run an agent: DNS and the HTTP API from its replica of the registry\n"
    "  wrap       run a command, registered as a service while it runs (ianitor's job)\n"
    "  members    list the gossip members and their state\n"
    "  join       join a cluster\n"
    "  leave      leave the cluster gracefully\n"
    "  force-leave  move a failed member to \"left\" (-prune: forget it)\n"
    "  catalog    list what the registry holds\n"
    "  services   register or deregister services\n"
    "  watch      print (or pipe to a handler) a query's result each time it changes\n"
    "  keygen     print a new gossip encryption key\n"
    "  keyring    list, install, use or remove gossip encryption keys\n"
    "  version    print the version\n";

int agent_command(const std::vector<std::string>& args) {
  auto parsed = roster::agent::parse_agent_flags(args);
  if (!parsed) {
    std::cerr << "roster agent: " << parsed.error().message << "\n\n" << roster::agent::agent_usage();
    return 2;
  }
  if (parsed->outcome == roster::agent::FlagsOutcome::Help) {
    std::cout << roster::agent::agent_usage();
    return 0;
  }
  return roster::agent::run_agent(parsed->config);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "agent") return agent_command(args);
  if (command == "wrap") return roster::wrapper::run_wrap(args);
  if (command == "keygen") {
    // As `consul keygen`: 32 random bytes, base64, for -encrypt.
    if (!args.empty()) {
      const bool help = args[0] == "-h" || args[0] == "--help";
      (help ? std::cout : std::cerr) << "Usage: roster keygen\n\n"
                                        "  Prints a new gossip encryption key (32 random bytes, base64) for -encrypt.\n";
      return help ? 0 : 2;
    }
    std::cout << roster::gossip::crypto::Key::generate().to_base64() << "\n";
    return 0;
  }
  if (command == "catalog" || command == "services" || command == "watch" || command == "keyring" ||
      command == "members" || command == "join" || command == "leave" || command == "force-leave") {
    const auto env = roster::cli::current_environment();
    const roster::cli::Io io{std::cout, std::cerr, env};
    if (command == "members") return roster::cli::run_members(args, io);
    if (command == "join") return roster::cli::run_join(args, io);
    if (command == "leave") return roster::cli::run_leave(args, io);
    if (command == "force-leave") return roster::cli::run_force_leave(args, io);
    if (command == "catalog") return roster::cli::run_catalog(args, io);
    if (command == "services") return roster::cli::run_services(args, io);
    if (command == "keyring") return roster::cli::run_keyring(args, io);
    return roster::cli::run_watch(args, io);
  }
  if (command == "version" || command == "-version" || command == "--version") {
    std::cout << "Roster v" << roster::agent::kVersion << " (" << roster::agent::kRevision << ")\n";
    return 0;
  }
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "roster: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}
