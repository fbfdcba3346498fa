#include "wrapper/proc_parse.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>

namespace roster::wrapper {
namespace {

// Splits on runs of spaces.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool parse_number(std::string_view s, T& out, int base = 10) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// The kernel prints each 32-bit word of the address with %08X of its native
// value, so reading the word back and storing it natively gives the bytes in
// network order again, whatever the host's endianness.
std::optional<std::string> decode_address(std::string_view hex, bool v6) {
  const std::size_t words = v6 ? 4 : 1;
  if (hex.size() != words * 8) return std::nullopt;
  unsigned char bytes[16];
  for (std::size_t w = 0; w < words; ++w) {
    std::uint32_t word = 0;
    if (!parse_number(hex.substr(w * 8, 8), word, 16)) return std::nullopt;
    std::memcpy(bytes + 4 * w, &word, 4);
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (!::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof text)) return std::nullopt;
  return std::string(text);
}

bool is_wildcard(std::string_view ip) { return ip == "0.0.0.0" || ip == "::"; }

}  // namespace

std::vector<SocketRow> parse_proc_net_tcp(std::string_view text, bool v6) {
  std::vector<SocketRow> rows;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto f = fields(text.substr(pos, end - pos));
    pos = end + 1;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    if (f.size() < 10 || f[0].empty() || f[0].back() != ':') continue;  // header or junk
    const auto colon = f[1].find(':');
    if (colon == std::string_view::npos) continue;
    SocketRow row;
    auto ip = decode_address(f[1].substr(0, colon), v6);
    if (!ip || !parse_number(f[1].substr(colon + 1), row.local_port, 16) || !parse_number(f[3], row.state, 16) ||
        !parse_number(f[9], row.inode))
      continue;
    row.local_ip = std::move(*ip);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::uint64_t> socket_inode_from_link(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (!link.starts_with(kPrefix) || !link.ends_with(']')) return std::nullopt;
  std::uint64_t inode = 0;
  if (!parse_number(link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1), inode)) return std::nullopt;
  return inode;
}

std::optional<ProcStat> parse_proc_stat(std::string_view line) {
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcStat st;
  std::string_view pid_text = line.substr(0, open);
  while (!pid_text.empty() && pid_text.back() == ' ') pid_text.remove_suffix(1);
  if (!parse_number(pid_text, st.pid)) return std::nullopt;
  const auto rest = fields(line.substr(close + 1));  // state ppid pgrp ...
  if (rest.size() < 2 || rest[0].size() != 1 || !parse_number(rest[1], st.ppid)) return std::nullopt;
  st.state = rest[0][0];
  return st;
}

std::vector<pid_t> descendants_of(pid_t root, const std::vector<ProcStat>& processes) {
  std::multimap<pid_t, pid_t> children;
  for (const auto& p : processes) children.emplace(p.ppid, p.pid);
  std::vector<pid_t> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (it->second == root || std::find(out.begin(), out.end(), it->second) != out.end()) continue;
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

std::vector<pid_t> orphan_zombies(pid_t self, pid_t keep, const std::vector<ProcStat>& processes) {
  std::vector<pid_t> out;
  for (const auto& p : processes)
    if (p.ppid == self && p.state == 'Z' && p.pid != keep && p.pid != self) out.push_back(p.pid);
  return out;
}

std::set<std::uint64_t> listening_inodes(const std::vector<SocketRow>& rows, std::uint16_t port,
                                         std::string_view service_ip) {
  const std::string mapped = "::ffff:" + std::string(service_ip);
  std::set<std::uint64_t> out;
  for (const auto& r : rows) {
    if (r.state != kTcpListen || r.local_port != port || r.inode == 0) continue;
    if (service_ip.empty() || is_wildcard(r.local_ip) || r.local_ip == service_ip || r.local_ip == mapped)
      out.insert(r.inode);
  }
  return out;
}

std::vector<std::string> listening_addresses(const std::vector<SocketRow>& rows, std::uint16_t port) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (r.state == kTcpListen && r.local_port == port &&
        std::find(out.begin(), out.end(), r.local_ip) == out.end())
      out.push_back(r.local_ip);
  return out;
}

bool holds_any(const std::set<std::uint64_t>& listening, const std::vector<std::uint64_t>& held) {
  return std::any_of(held.begin(), held.end(), [&](std::uint64_t i) { return listening.count(i) != 0; });
}

}  // namespace roster::wrapper
