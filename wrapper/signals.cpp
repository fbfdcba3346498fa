#include "wrapper/signals.hpp"

#include <signal.h>
#include <string.h>

namespace roster::wrapper {

std::vector<int> forwarded_signals() {
  std::vector<int> out{SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,   SIGTERM,
                       SIGSTKFLT, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG,    SIGXCPU,
                       SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO,   SIGPWR};
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) out.push_back(sig);
  return out;
}

std::vector<int> kept_signals() { return {SIGPIPE}; }

bool is_stop_signal(int sig) { return sig == SIGTERM || sig == SIGINT; }

bool stops_the_wrapper_too(int sig) { return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

std::string signal_name(int sig) {
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
    if (sig == SIGRTMIN) return "SIGRTMIN";
    if (sig == SIGRTMAX) return "SIGRTMAX";
    return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
  }
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : std::to_string(sig);
}

}  // namespace roster::wrapper
