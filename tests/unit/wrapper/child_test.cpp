#include "wrapper/child.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>

#include <gtest/gtest.h>
#include <optional>

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;

TEST(ExitStatus, MapsWaitStatusToShellStyleExitCodes) {
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(0, 0)).wrapper_exit_code(), 0);
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(3, 0)).wrapper_exit_code(), 3);
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(255, 0)).wrapper_exit_code(), 255);
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(0, SIGTERM)).wrapper_exit_code(), 143);
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(0, SIGKILL)).wrapper_exit_code(), 137);
  EXPECT_EQ(exit_status_from_wait(W_EXITCODE(0, SIGTERM)).signal, SIGTERM);
  EXPECT_EQ(exit_status_from_wait(-1).wrapper_exit_code(), 1);  // unknown
}

TEST(ExitStatus, LaunchFailuresUseTheShellsCodes) {
  EXPECT_EQ(launch_failure_exit_code(not_found("x")), 127);
  EXPECT_EQ(launch_failure_exit_code(invalid("x")), 126);
}

TEST(FindExecutable, SearchesPathOrTakesAPath) {
  auto sh = find_executable("sh");
  ASSERT_TRUE(sh.ok());
  EXPECT_NE(sh->find('/'), std::string::npos);
  EXPECT_EQ(*find_executable("/bin/sh"), "/bin/sh");
  EXPECT_EQ(find_executable("roster-no-such-command-xyz").error().code, ErrorCode::NotFound);
  EXPECT_EQ(find_executable("/nonexistent/roster").error().code, ErrorCode::NotFound);
  const std::string plain = ::testing::TempDir() + "/roster_wrapper_not_executable";
  std::FILE* f = std::fopen(plain.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  ::chmod(plain.c_str(), 0644);
  EXPECT_EQ(find_executable(plain).error().code, ErrorCode::Invalid);
  std::remove(plain.c_str());
}

// Runs `command` to completion on a fresh io_context; the exit status, or
// nullopt if it did not end within the deadline.
std::optional<ExitStatus> run_child(const std::vector<std::string>& command, int send_signal = 0) {
  asio::io_context io;
  std::optional<ExitStatus> status;
  auto child = Child::launch(io, command, [&](ExitStatus s) { status = s; });
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
  if (!child.ok()) return std::nullopt;
  EXPECT_GT((*child)->pid(), 0);
  if (send_signal) (*child)->signal(send_signal);
  io.run_for(20s);
  if (status) {
    EXPECT_TRUE((*child)->exited());
  }
  return status;
}

TEST(Child, ReportsTheExitCode) {
  const auto s = run_child({"/bin/sh", "-c", "exit 3"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->wrapper_exit_code(), 3);
  EXPECT_EQ(run_child({"true"})->wrapper_exit_code(), 0);
}

TEST(Child, ReportsDeathBySignalAs128PlusN) {
  const auto term = run_child({"/bin/sh", "-c", "kill -TERM $$"});
  ASSERT_TRUE(term);
  EXPECT_EQ(term->signal, SIGTERM);
  EXPECT_EQ(term->wrapper_exit_code(), 143);
  const auto kill = run_child({"/bin/sh", "-c", "kill -KILL $$"});
  ASSERT_TRUE(kill);
  EXPECT_EQ(kill->wrapper_exit_code(), 137);
}

TEST(Child, ForwardsSignals) {
  const auto s = run_child({"sleep", "30"}, SIGTERM);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->wrapper_exit_code(), 143);
}

TEST(Child, PassesArgumentsWithoutAShell) {
  // With a shell, '$0' and the quotes would be interpreted; here they arrive verbatim.
  const auto s = run_child({"/bin/sh", "-c", "test \"$1\" = 'a b;$HOME' && exit 9", "sh", "a b;$HOME"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->wrapper_exit_code(), 9);
}

TEST(Child, UnknownCommandIsNotFound) {
  asio::io_context io;
  auto child = Child::launch(io, {"roster-no-such-command-xyz"}, [](ExitStatus) {});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(launch_failure_exit_code(child.error()), 127);
  EXPECT_NE(child.error().message.find("command not found"), std::string::npos);
}

}  // namespace
}  // namespace roster::wrapper
