#include "wrapper/signals.hpp"

#include <signal.h>

#include <algorithm>

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

bool forwarded(int sig) {
  const auto all = forwarded_signals();
  return std::find(all.begin(), all.end(), sig) != all.end();
}

TEST(Signals, EveryCatchableSignalIsForwarded) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU,
                  SIGALRM, SIGURG, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR, SIGSTKFLT})
    EXPECT_TRUE(forwarded(sig)) << signal_name(sig);
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) EXPECT_TRUE(forwarded(sig)) << sig;
}

TEST(Signals, FaultsUncatchablesAndChildNewsAreNot) {
  for (int sig : {SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT, SIGPIPE})
    EXPECT_FALSE(forwarded(sig)) << signal_name(sig);
  EXPECT_EQ(kept_signals(), (std::vector<int>{SIGPIPE}));
}

TEST(Signals, StopAndJobControlClasses) {
  EXPECT_TRUE(is_stop_signal(SIGTERM));
  EXPECT_TRUE(is_stop_signal(SIGINT));
  EXPECT_FALSE(is_stop_signal(SIGQUIT));
  EXPECT_FALSE(is_stop_signal(SIGHUP));
  EXPECT_TRUE(stops_the_wrapper_too(SIGTSTP));
  EXPECT_TRUE(stops_the_wrapper_too(SIGTTIN));
  EXPECT_TRUE(stops_the_wrapper_too(SIGTTOU));
  EXPECT_FALSE(stops_the_wrapper_too(SIGCONT));
}

TEST(Signals, Names) {
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGWINCH), "SIGWINCH");
  EXPECT_EQ(signal_name(SIGRTMIN), "SIGRTMIN");
  EXPECT_EQ(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
  EXPECT_EQ(signal_name(SIGRTMAX), "SIGRTMAX");
}

}  // namespace
}  // namespace roster::wrapper
