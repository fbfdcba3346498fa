#pragma once
// What the kernel says about processes and sockets, parsed from /proc text
// and decided on without I/O (proc_scan.hpp reads the files):
//   - /proc/<pid>/net/tcp and tcp6: which sockets listen on which address:port;
//   - /proc/<pid>/fd/* links ("socket:[inode]"): which sockets a process holds;
//   - /proc/<pid>/stat: parent and state, for the process tree and for zombies.
// Tests feed fixture text.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace roster::wrapper {

inline constexpr unsigned kTcpListen = 0x0A;  // TCP_LISTEN in the "st" column

// One row of /proc/net/tcp or tcp6.
struct SocketRow {
  std::string local_ip;  // "127.0.0.1", "::", "::ffff:10.0.0.5" (as inet_ntop writes it)
  std::uint16_t local_port = 0;
  unsigned state = 0;
  std::uint64_t inode = 0;
};

// Parses the whole file (the header line is skipped; malformed rows too).
// `v6` selects the 32-hex-digit address form of tcp6.
std::vector<SocketRow> parse_proc_net_tcp(std::string_view text, bool v6);

// "socket:[12345]" → 12345; anything else (a file, a pipe) → nullopt.
std::optional<std::uint64_t> socket_inode_from_link(std::string_view link);

// One /proc/<pid>/stat line, just the fields we need.
struct ProcStat {
  pid_t pid = 0;
  char state = '?';  // R S D Z T t X ...
  pid_t ppid = 0;
};
// The command name may hold spaces and parentheses: fields are read after the
// last ')'. nullopt when the line does not parse.
std::optional<ProcStat> parse_proc_stat(std::string_view line);

// Every descendant of `root` (children, grandchildren, ...), not `root` itself.
std::vector<pid_t> descendants_of(pid_t root, const std::vector<ProcStat>& processes);

// Zombies the wrapper must reap as PID 1: children of `self` in state Z, other
// than `keep` (the wrapped child, whose status Boost.Process collects).
std::vector<pid_t> orphan_zombies(pid_t self, pid_t keep, const std::vector<ProcStat>& processes);

// The inodes of the sockets listening on `port` whose local address would
// accept connections for `service_ip`: the wildcard (0.0.0.0, ::), the
// service address itself (also as ::ffff:a.b.c.d), or any address when no
// service address is known (empty).
std::set<std::uint64_t> listening_inodes(const std::vector<SocketRow>& rows, std::uint16_t port,
                                         std::string_view service_ip);

// The local addresses listening on `port` whatever the service address (for notes).
std::vector<std::string> listening_addresses(const std::vector<SocketRow>& rows, std::uint16_t port);

// True when `held` (a process's socket inodes) includes any of `listening`.
bool holds_any(const std::set<std::uint64_t>& listening, const std::vector<std::uint64_t>& held);

}  // namespace roster::wrapper
