#include "wrapper/proc_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>

namespace roster::wrapper {
namespace {

struct DirClose {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirClose>;

std::optional<pid_t> pid_from_name(const char* name) {
  pid_t pid = 0;
  const std::string_view s(name);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || pid <= 0) return std::nullopt;
  return pid;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

std::optional<std::string> read_proc_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    ::close(fd);
    if (n < 0) return std::nullopt;
    return out;
  }
}

std::vector<ProcStat> read_process_table() {
  std::vector<ProcStat> out;
  DirHandle dir(::opendir("/proc"));
  if (!dir) return out;
  while (const dirent* e = ::readdir(dir.get())) {
    const auto pid = pid_from_name(e->d_name);
    if (!pid) continue;
    const auto text = read_proc_file("/proc/" + std::string(e->d_name) + "/stat");
    if (!text) continue;  // gone meanwhile
    if (auto st = parse_proc_stat(*text)) out.push_back(*st);
  }
  return out;
}

std::vector<std::uint64_t> socket_inodes_of(pid_t pid) {
  std::vector<std::uint64_t> out;
  const std::string base = "/proc/" + std::to_string(pid) + "/fd";
  DirHandle dir(::opendir(base.c_str()));
  if (!dir) return out;
  char link[64];
  while (const dirent* e = ::readdir(dir.get())) {
    if (e->d_name[0] == '.') continue;
    const ssize_t n = ::readlinkat(::dirfd(dir.get()), e->d_name, link, sizeof link - 1);
    if (n <= 0) continue;
    if (auto inode = socket_inode_from_link(std::string_view(link, static_cast<std::size_t>(n))))
      out.push_back(*inode);
  }
  return out;
}

PortObservation observe_listening_port(pid_t child, std::uint16_t port, std::string_view service_ip) {
  const std::string net = "/proc/" + std::to_string(child) + "/net/";
  const auto tcp4 = read_proc_file(net + "tcp");
  const auto tcp6 = read_proc_file(net + "tcp6");
  if (!tcp4 && !tcp6) return {PortObservation::Kind::Unreadable, "cannot read " + net + "tcp", 0};
  auto rows = tcp4 ? parse_proc_net_tcp(*tcp4, false) : std::vector<SocketRow>{};
  if (tcp6) {
    auto more = parse_proc_net_tcp(*tcp6, true);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  const auto candidates = listening_inodes(rows, port, service_ip);
  if (candidates.empty()) {
    const auto elsewhere = listening_addresses(rows, port);
    if (!elsewhere.empty()) return {PortObservation::Kind::OtherAddress, join(elsewhere), 0};
    return {PortObservation::Kind::NotListening, {}, 0};
  }
  if (holds_any(candidates, socket_inodes_of(child))) return {PortObservation::Kind::Listening, {}, child};
  for (pid_t d : descendants_of(child, read_process_table()))
    if (holds_any(candidates, socket_inodes_of(d))) return {PortObservation::Kind::Listening, {}, d};
  return {PortObservation::Kind::OtherProcess, {}, 0};
}

std::vector<pid_t> reap_orphan_zombies(pid_t keep) {
  std::vector<pid_t> reaped;
  for (pid_t pid : orphan_zombies(::getpid(), keep, read_process_table())) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) reaped.push_back(pid);
  }
  return reaped;
}

}  // namespace roster::wrapper
