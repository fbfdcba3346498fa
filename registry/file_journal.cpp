#include "registry/file_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/file_io.hpp"

namespace roster::registry {
namespace fs = std::filesystem;
namespace {

Error io_error(const std::string& what, const std::string& path) {
  return internal(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<FileJournal::Opened> FileJournal::open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return internal("cannot create data dir " + dir + ": " + ec.message());
  const std::string path = (fs::path(dir) / "agent-state.log").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open", path);
  std::string bytes;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error("cannot read", path);
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  Opened out;
  out.replayed = replay(bytes);
  // Drop a torn tail so appends follow the last whole record.
  if (out.replayed.torn_tail && ::ftruncate(fd, static_cast<off_t>(out.replayed.valid_bytes)) != 0) {
    ::close(fd);
    return io_error("cannot truncate", path);
  }
  if (::lseek(fd, static_cast<off_t>(out.replayed.valid_bytes), SEEK_SET) < 0) {
    ::close(fd);
    return io_error("cannot seek", path);
  }
  out.journal.reset(new FileJournal(dir, path, fd));
  return out;
}

FileJournal::~FileJournal() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileJournal::append(std::string_view records) {
  if (records.empty()) return ok();
  if (!write_all(fd_, records) || ::fdatasync(fd_) != 0) return io_error("cannot append to", path_);
  return ok();
}

Status FileJournal::rewrite(std::string_view records) {
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp);
  if (!write_all(fd, records) || ::fsync(fd) != 0) {
    ::close(fd);
    return io_error("cannot write", tmp);
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::close(fd);
    return io_error("cannot rename to", path_);
  }
  if (auto st = fsync_dir(dir_); !st) {
    ::close(fd);
    return st;
  }
  // Writes continue at the end of the new log, through a descriptor opened for appending.
  ::close(fd);
  const int appender = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (appender < 0) return io_error("cannot reopen", path_);
  ::close(fd_);
  fd_ = appender;
  return ok();
}

}  // namespace roster::registry
