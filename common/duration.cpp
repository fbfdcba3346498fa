#include "common/duration.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace roster {
namespace {

std::optional<double> unit_nanos(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m") return 60e9;
  if (unit == "h") return 3600e9;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "0") return Duration::zero();
  // A bare integer is nanoseconds (Go's JSON encoding of time.Duration).
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    if (s.size() > 18) return std::nullopt;
    return Duration(std::stoll(std::string(s)));
  }
  if (s.front() == '+') s.remove_prefix(1);
  double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    const std::string number(s.substr(0, i));
    if (number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
    s.remove_prefix(i);
    std::size_t j = 0;
    while (j < s.size() && !is_digit(s[j]) && s[j] != '.') ++j;
    const auto factor = unit_nanos(s.substr(0, j));
    if (!factor) return std::nullopt;
    s.remove_prefix(j);
    total += std::stod(number) * *factor;
    if (total > 9.2e18) return std::nullopt;
  }
  return Duration(static_cast<std::int64_t>(std::llround(total)));
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  char buf[64];
  if (ns < 1000) {
    std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(ns));
    return out + buf;
  }
  if (ns < 1000000) {
    std::snprintf(buf, sizeof buf, "%gus", static_cast<double>(ns) / 1e3);
    return out + buf;
  }
  if (ns < 1000000000) {
    std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(ns) / 1e6);
    return out + buf;
  }
  const std::int64_t hours = ns / 3600000000000LL;
  ns -= hours * 3600000000000LL;
  const std::int64_t minutes = ns / 60000000000LL;
  ns -= minutes * 60000000000LL;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  std::snprintf(buf, sizeof buf, "%.9f", static_cast<double>(ns) / 1e9);
  std::string secs = buf;
  while (secs.back() == '0') secs.pop_back();
  if (secs.back() == '.') secs.pop_back();
  return out + secs + "s";
}

}  // namespace roster
