#pragma once
// Go-style durations, as Consul's API takes and prints them: "10s", "1m30s",
// "120000ms", "1.5h"; a bare integer means nanoseconds.
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace roster {

// Parses a Go duration string. Negative values are rejected (none of Roster's
// durations may be negative). Returns nullopt on any syntax error.
std::optional<Duration> parse_duration(std::string_view text);

// Formats like Go's time.Duration.String(): "10s", "1m30s", "1.5s", "0s".
std::string format_duration(Duration d);

}  // namespace roster
