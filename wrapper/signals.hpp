#pragma once
// Which signals `roster wrap` catches and what it does with each: the list is
// deliberate and documented in docs/wrap.md ("Signals"). Pure functions.
#include <string>
#include <vector>

namespace roster::wrapper {

// Every signal the wrapper catches and forwards to the child:
//   SIGHUP SIGINT SIGQUIT SIGUSR1 SIGUSR2 SIGALRM SIGTERM SIGSTKFLT SIGCONT
//   SIGTSTP SIGTTIN SIGTTOU SIGURG SIGXCPU SIGXFSZ SIGVTALRM SIGPROF SIGWINCH
//   SIGIO SIGPWR and the real-time signals SIGRTMIN..SIGRTMAX.
// Not forwarded:
//   SIGKILL, SIGSTOP        cannot be caught;
//   SIGCHLD                 news about the wrapper's own children (Boost.Process owns it);
//   SIGSEGV SIGBUS SIGFPE SIGILL SIGTRAP SIGSYS SIGABRT
//                           faults of the wrapper itself: they must crash it, not be passed on;
//   SIGPIPE                 the wrapper's own write to a closed pipe: caught and dropped
//                           (see kept_signals), so the child still starts with the default action.
std::vector<int> forwarded_signals();

// Caught but not forwarded: SIGPIPE. Catching it (rather than ignoring it)
// keeps the default disposition for the child, since exec resets handlers but
// keeps SIG_IGN.
std::vector<int> kept_signals();

// SIGTERM and SIGINT: take the service out of DNS, drain, then forward.
bool is_stop_signal(int sig);

// SIGTSTP, SIGTTIN, SIGTTOU: after forwarding, the wrapper stops itself too
// (unless it is PID 1), so a shell's job control sees the whole job stop.
bool stops_the_wrapper_too(int sig);

// "SIGTERM", "SIGRTMIN+3", or the number.
std::string signal_name(int sig);

}  // namespace roster::wrapper
