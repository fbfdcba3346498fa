#pragma once
// One structured logger, passed in (no global). A Logger is a cheap handle: a
// component name plus a shared sink. Client-triggered events go to debug at
// most; changes of state go to info. Tokens are never logged.
#include <atomic>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace roster {

enum class LogLevel { Trace = 0, Debug, Info, Warn, Error };

std::optional<LogLevel> parse_log_level(std::string_view text);

using LogField = std::pair<std::string_view, std::string>;

// Thread safety: a LogSink serialises writes; Logger handles may be copied and
// used from any thread.
class LogSink {
 public:
  LogSink(std::ostream& out, LogLevel level) : out_(out), level_(level) {}
  bool enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }
  // The agent's reload changes the level while other threads log.
  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  void write(LogLevel level, std::string_view component, std::string_view msg,
             std::initializer_list<LogField> fields);

 private:
  std::mutex mutex_;
  std::ostream& out_;
  std::atomic<LogLevel> level_;
};

class Logger {
 public:
  Logger(std::shared_ptr<LogSink> sink, std::string component)
      : sink_(std::move(sink)), component_(std::move(component)) {}

  // A logger for a sub-component sharing this one's sink.
  Logger named(std::string component) const { return Logger(sink_, std::move(component)); }

  bool enabled(LogLevel level) const { return sink_ && sink_->enabled(level); }
  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    if (enabled(level)) sink_->write(level, component_, msg, fields);
  }
  void debug(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Debug, m, f); }
  void info(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Info, m, f); }
  void warn(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Warn, m, f); }
  void error(std::string_view m, std::initializer_list<LogField> f = {}) const { log(LogLevel::Error, m, f); }

 private:
  std::shared_ptr<LogSink> sink_;
  std::string component_;
};

// A logger that discards everything (for tests and pure code defaults).
Logger null_logger();

}  // namespace roster
