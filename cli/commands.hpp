#pragma once
// The subcommands that talk to an agent over HTTP, as any client would:
// `roster catalog`, `roster services`, `roster watch`. Each returns the exit
// code: 0 success, 1 an error from the agent or the network, 2 a usage error.
#include <ostream>
#include <string>
#include <vector>

#include "cli/flags.hpp"

namespace roster::cli {

struct Io {
  std::ostream& out;
  std::ostream& err;
  const Environment& env;
};

int run_catalog(const std::vector<std::string>& args, const Io& io);
int run_services(const std::vector<std::string>& args, const Io& io);
int run_watch(const std::vector<std::string>& args, const Io& io);

}  // namespace roster::cli
