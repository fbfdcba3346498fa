#pragma once
// The thin I/O shell over /proc for proc_parse.hpp: small synchronous file
// reads (never a network wait), fine on the io_context's thread.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wrapper/health_policy.hpp"
#include "wrapper/proc_parse.hpp"

namespace roster::wrapper {

// The whole content of a /proc file (whose stat size is 0), or nullopt.
std::optional<std::string> read_proc_file(const std::string& path);

// /proc/<pid>/stat of every process visible in /proc.
std::vector<ProcStat> read_process_table();

// The socket inodes among /proc/<pid>/fd/*.
std::vector<std::uint64_t> socket_inodes_of(pid_t pid);

// Does `child` or one of its descendants hold a socket listening on `port`
// (for `service_ip`, see listening_inodes)? Read from the child's own network
// namespace (/proc/<child>/net/tcp and tcp6), without connecting.
PortObservation observe_listening_port(pid_t child, std::uint16_t port, std::string_view service_ip);

// PID 1 duty: waitpid() every zombie child of this process except `keep`.
// Returns the pids reaped.
std::vector<pid_t> reap_orphan_zombies(pid_t keep);

}  // namespace roster::wrapper
