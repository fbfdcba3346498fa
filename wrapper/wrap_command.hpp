#pragma once
// `roster wrap`: the entry point agent/main.cpp calls with everything after
// the word `wrap`. Returns the process exit code: the child's (128+N if it was
// killed by signal N), 127/126 if it could not start, 2 on a usage error, 0
// for -h.
#include <iosfwd>
#include <string>
#include <vector>

#include "wrapper/options.hpp"

namespace roster::wrapper {

int run_wrap(const std::vector<std::string>& args);

// The same with the environment and the output streams supplied: help goes
// to `out`, usage errors and log lines to `err`. The child's own stdio is
// inherited from the process, untouched.
int run_wrap(const std::vector<std::string>& args, const Environment& env, std::ostream& out, std::ostream& err);

}  // namespace roster::wrapper
