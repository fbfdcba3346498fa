#pragma once
// TTL checks as a pure function of time: a check passed/warned/failed at time t
// with TTL d turns critical at t + d unless updated again.
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace roster::registry {

struct TtlTimer {
  Duration ttl{0};
  TimePoint deadline{};

  static TtlTimer armed_at(TimePoint now, Duration ttl) { return {ttl, now + ttl}; }
  bool expired_at(TimePoint now) const { return now >= deadline; }
};

// The Output Consul gives a check whose TTL ran out.
inline std::string ttl_expired_output(std::string_view last_output) {
  if (last_output.empty()) return "TTL expired";
  return "TTL expired (last output before timeout follows): " + std::string(last_output);
}

}  // namespace roster::registry
