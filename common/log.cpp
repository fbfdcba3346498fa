#include "common/log.hpp"

#include <chrono>
#include <ctime>
#include <iostream>
#include <sstream>

namespace roster {
namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return "TRACE";
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "?";
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

void write_value(std::ostream& os, std::string_view v) {
  if (!needs_quotes(v)) {
    os << v;
    return;
  }
  os << '"';
  for (char c : v) {
    if (c == '"' || c == '\\') os << '\\' << c;
    else if (c == '\n') os << "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) os << '?';
    else os << c;
  }
  os << '"';
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view t) {
  if (t == "trace" || t == "TRACE") return LogLevel::Trace;
  if (t == "debug" || t == "DEBUG") return LogLevel::Debug;
  if (t == "info" || t == "INFO") return LogLevel::Info;
  if (t == "warn" || t == "WARN" || t == "warning") return LogLevel::Warn;
  if (t == "err" || t == "error" || t == "ERROR") return LogLevel::Error;
  return std::nullopt;
}

void LogSink::write(LogLevel level, std::string_view component, std::string_view msg,
                    std::initializer_list<LogField> fields) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::ostringstream line;
  line << stamp << '.' << (ms < 100 ? (ms < 10 ? "00" : "0") : "") << ms << "Z [" << level_name(level)
       << "] " << component << ": " << msg;
  for (const auto& [k, v] : fields) {
    line << ' ' << k << '=';
    write_value(line, v);
  }
  line << '\n';
  std::lock_guard lock(mutex_);
  out_ << line.str() << std::flush;
}

Logger null_logger() { return Logger(nullptr, "null"); }

}  // namespace roster
