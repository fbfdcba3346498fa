#pragma once
// The gossip pool subcommands, HTTP clients of the local agent as Consul's
// CLI is: `roster members` (members_command.cpp), `roster join`
// (join_command.cpp), `roster leave` and `roster force-leave`
// (leave_command.cpp). Exit codes: 0 success, 1 an error from the agent or
// the network, 2 a usage error (members: also "nothing matched", as Consul).
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace roster::cli {

int run_members(const std::vector<std::string>& args, const Io& io);
int run_join(const std::vector<std::string>& args, const Io& io);
int run_leave(const std::vector<std::string>& args, const Io& io);
int run_force_leave(const std::vector<std::string>& args, const Io& io);

}  // namespace roster::cli
