#include "wrapper/proc_parse.hpp"

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

// /proc/net/tcp as a little-endian kernel writes it: 127.0.0.1:9999 and
// 0.0.0.0:8080 listening, 10.0.0.5:9999 established, 10.0.0.5:7000 listening.
constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:270F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 210978 1 "
    "0000000077d793a1 100 0 0 10 0\n"
    "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 193182 1 "
    "000000001534b89e 100 0 0 10 0\n"
    "   2: 0500000A:270F 0600000A:D431 01 00000000:00000000 00:00000000 00000000     0        0 300001 1 "
    "0000000000000000 20 4 30 10 -1\n"
    "   3: 0500000A:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 300002 1 "
    "0000000000000000 100 0 0 10 0\n"
    "garbage line\n";

// /proc/net/tcp6: [::]:9999 listening, [::1]:8443 listening, [::ffff:10.0.0.5]:7001 listening.
constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
    "tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:270F 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 400001 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 400002 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0000000000000000FFFF00000500000A:1B59 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 400003 1 0000000000000000 100 0 0 10 0\n";

TEST(ProcNetTcp, ParsesAddressesPortsStatesAndInodes) {
  const auto rows = parse_proc_net_tcp(kTcp, false);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].local_ip, "127.0.0.1");
  EXPECT_EQ(rows[0].local_port, 9999);
  EXPECT_EQ(rows[0].state, kTcpListen);
  EXPECT_EQ(rows[0].inode, 210978u);
  EXPECT_EQ(rows[1].local_ip, "0.0.0.0");
  EXPECT_EQ(rows[1].local_port, 8080);
  EXPECT_EQ(rows[2].local_ip, "10.0.0.5");
  EXPECT_EQ(rows[2].state, 0x01u);  // ESTABLISHED
}

TEST(ProcNetTcp, ParsesTcp6IncludingV4MappedAddresses) {
  const auto rows = parse_proc_net_tcp(kTcp6, true);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].local_ip, "::");
  EXPECT_EQ(rows[0].local_port, 9999);
  EXPECT_EQ(rows[1].local_ip, "::1");
  EXPECT_EQ(rows[1].local_port, 8443);
  EXPECT_EQ(rows[2].local_ip, "::ffff:10.0.0.5");
  EXPECT_EQ(rows[2].inode, 400003u);
}

TEST(ProcNetTcp, EmptyOrForeignTextGivesNoRows) {
  EXPECT_TRUE(parse_proc_net_tcp("", false).empty());
  EXPECT_TRUE(parse_proc_net_tcp(kTcp6, false).empty());  // 32-digit addresses are not tcp (v4) rows
}

TEST(ListeningInodes, MatchPortStateAndTheServiceAddress) {
  auto rows = parse_proc_net_tcp(kTcp, false);
  const auto v6 = parse_proc_net_tcp(kTcp6, true);
  rows.insert(rows.end(), v6.begin(), v6.end());
  // No service address: any listener on the port; the established 10.0.0.5:9999 row never counts.
  EXPECT_EQ(listening_inodes(rows, 9999, ""), (std::set<std::uint64_t>{210978, 400001}));
  // Advertising 10.0.0.5: the wildcard [::] listener serves it, 127.0.0.1 does not.
  EXPECT_EQ(listening_inodes(rows, 9999, "10.0.0.5"), (std::set<std::uint64_t>{400001}));
  EXPECT_EQ(listening_inodes(rows, 7000, "10.0.0.5"), (std::set<std::uint64_t>{300002}));
  EXPECT_EQ(listening_inodes(rows, 7001, "10.0.0.5"), (std::set<std::uint64_t>{400003}));  // ::ffff:10.0.0.5
  EXPECT_TRUE(listening_inodes(rows, 7000, "10.0.0.6").empty());
  EXPECT_TRUE(listening_inodes(rows, 1234, "").empty());
  EXPECT_EQ(listening_addresses(rows, 7000), (std::vector<std::string>{"10.0.0.5"}));
  EXPECT_EQ(listening_addresses(rows, 9999), (std::vector<std::string>{"127.0.0.1", "::"}));
}

TEST(SocketLinks, OnlySocketLinksGiveInodes) {
  EXPECT_EQ(socket_inode_from_link("socket:[210978]"), 210978u);
  EXPECT_FALSE(socket_inode_from_link("pipe:[12]"));
  EXPECT_FALSE(socket_inode_from_link("/dev/null"));
  EXPECT_FALSE(socket_inode_from_link("socket:[]"));
  EXPECT_FALSE(socket_inode_from_link("socket:[12x]"));
  EXPECT_TRUE(holds_any({1, 2, 3}, {9, 3}));
  EXPECT_FALSE(holds_any({1, 2, 3}, {9}));
}

TEST(ProcStat, ReadsPidStateAndParentEvenWithOddCommandNames) {
  const auto a = parse_proc_stat("11552 (cat) R 11547 11547 30148 0 -1 4194304 128 0 0 0 0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->pid, 11552);
  EXPECT_EQ(a->state, 'R');
  EXPECT_EQ(a->ppid, 11547);
  const auto b = parse_proc_stat("77 (a) b (c)) Z 1 77 77 0 -1");  // the name is "a) b (c)"
  ASSERT_TRUE(b);
  EXPECT_EQ(b->state, 'Z');
  EXPECT_EQ(b->ppid, 1);
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 cat R 1"));
  EXPECT_FALSE(parse_proc_stat("x (cat) R 1"));
}

// A process table: 1 ─┬─ 10 (the child) ─┬─ 11 ── 13
//                     │                  └─ 12 (Z)
//                     ├─ 20 (Z, an orphan)
//                     ├─ 21 (S)
//                     └─ 30 (Z, the child itself once it exits: not ours to reap)
const std::vector<ProcStat> kTable = {
    {1, 'S', 0}, {10, 'S', 1}, {11, 'S', 10}, {12, 'Z', 10}, {13, 'R', 11}, {20, 'Z', 1}, {21, 'S', 1}, {30, 'Z', 1},
};

TEST(ProcessTree, DescendantsAreChildrenAndTheirChildren) {
  auto d = descendants_of(10, kTable);
  std::sort(d.begin(), d.end());
  EXPECT_EQ(d, (std::vector<pid_t>{11, 12, 13}));
  EXPECT_TRUE(descendants_of(13, kTable).empty());
  EXPECT_TRUE(descendants_of(99, kTable).empty());
}

TEST(ProcessTree, OrphanZombiesAreZombieChildrenExceptTheWrappedChild) {
  EXPECT_EQ(orphan_zombies(1, 30, kTable), (std::vector<pid_t>{20}));
  EXPECT_EQ(orphan_zombies(1, 0, kTable), (std::vector<pid_t>{20, 30}));
  EXPECT_EQ(orphan_zombies(10, 0, kTable), (std::vector<pid_t>{12}));
}

}  // namespace
}  // namespace roster::wrapper
