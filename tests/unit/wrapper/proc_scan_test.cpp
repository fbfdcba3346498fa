// The /proc shell against real sockets and real processes on this host.
#include "wrapper/proc_scan.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "common/net.hpp"

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;
using K = PortObservation::Kind;
using tcp = asio::ip::tcp;

// A free port for a process that binds it later, below the kernel's ephemeral
// range (32768+), so no connection made meanwhile can take it as a bind(0)
// port could be taken.
std::uint16_t listen_port() {
  asio::io_context io;
  std::random_device rd;
  std::uniform_int_distribution<int> pick(20000, 32767);
  for (int i = 0; i < 200; ++i) {
    const auto port = static_cast<std::uint16_t>(pick(rd));
    boost::system::error_code ec;
    asio::ip::tcp::acceptor a(io);
    a.open(asio::ip::tcp::v4(), ec);
    if (!ec) a.bind(asio::ip::tcp::endpoint(asio::ip::address_v4::any(), port), ec);
    if (!ec) return port;
  }
  return 0;
}

// Polls `done` until it holds or 20 s pass (a deadline, not a fixed wait).
bool eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(ObserveListeningPort, ThisProcessListeningIsSeenWithoutAConnection) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  const auto seen = observe_listening_port(::getpid(), port, "");
  EXPECT_EQ(seen.kind, K::Listening);
  EXPECT_EQ(seen.holder, ::getpid());
  // Advertised on another address, a 127.0.0.1 listener does not count.
  const auto other = observe_listening_port(::getpid(), port, "10.9.9.9");
  EXPECT_EQ(other.kind, K::OtherAddress);
  EXPECT_EQ(other.detail, "127.0.0.1");
  acceptor.close();
  EXPECT_EQ(observe_listening_port(::getpid(), port, "").kind, K::NotListening);
}

TEST(ObserveListeningPort, AListenerHeldByAGrandchildCountsOneHeldByAStrangerDoesNot) {
  const std::uint16_t port = listen_port();  // for `nc -l` to take
  ASSERT_NE(port, 0);
  // sh (the "child") → nc (its child) listening on the port.
  const pid_t sh = ::fork();
  ASSERT_GE(sh, 0);
  if (sh == 0) {
    const std::string script = "nc -l 127.0.0.1 " + std::to_string(port) + " </dev/null >/dev/null; exit 0";
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  EXPECT_TRUE(eventually([&] { return observe_listening_port(sh, port, "").kind == K::Listening; }));
  const auto seen = observe_listening_port(sh, port, "");
  EXPECT_NE(seen.holder, sh);  // nc, not sh, holds it
  // Seen from a sibling process (not an ancestor of nc), the port is someone else's.
  const pid_t sibling = ::fork();
  ASSERT_GE(sibling, 0);
  if (sibling == 0) {
    ::pause();
    ::_exit(0);
  }
  EXPECT_EQ(observe_listening_port(sibling, port, "").kind, K::OtherProcess);
  ::kill(sibling, SIGKILL);
  ::kill(seen.holder, SIGTERM);
  int status = 0;
  ::waitpid(sibling, &status, 0);
  ::waitpid(sh, &status, 0);
}

TEST(ObserveListeningPort, AProcessThatIsGoneIsUnreadable) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(observe_listening_port(pid, 80, "").kind, K::Unreadable);
}

TEST(ProcessTable, ListsThisProcessWithItsParent) {
  const auto table = read_process_table();
  const auto me = std::find_if(table.begin(), table.end(), [](const ProcStat& p) { return p.pid == ::getpid(); });
  ASSERT_NE(me, table.end());
  EXPECT_EQ(me->ppid, ::getppid());
}

TEST(ReapOrphanZombies, LeavesTheKeptChildForItsOwner) {
  const pid_t keep = ::fork();
  ASSERT_GE(keep, 0);
  if (keep == 0) ::_exit(3);
  const pid_t other = ::fork();
  ASSERT_GE(other, 0);
  if (other == 0) ::_exit(0);
  const auto zombie = [](pid_t pid) {
    auto st = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
    auto parsed = st ? parse_proc_stat(*st) : std::nullopt;
    return parsed && parsed->state == 'Z';
  };
  ASSERT_TRUE(eventually([&] { return zombie(keep) && zombie(other); }));
  const auto reaped = reap_orphan_zombies(keep);
  EXPECT_NE(std::find(reaped.begin(), reaped.end(), other), reaped.end());
  EXPECT_EQ(std::find(reaped.begin(), reaped.end(), keep), reaped.end());
  int status = 0;
  ASSERT_EQ(::waitpid(keep, &status, 0), keep);  // still there for its owner, with its status
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

}  // namespace
}  // namespace roster::wrapper
