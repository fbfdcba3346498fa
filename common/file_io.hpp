#pragma once
// Small POSIX file helpers shared by everything that keeps state on disk
// (the state log, the index high-water mark, the gossip keyring).
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace roster {

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. False on
// an error (errno says which).
bool write_all(int fd, std::string_view bytes);

// fsyncs a directory, so a rename or a new file in it survives a crash.
Status fsync_dir(const std::string& dir);

// Replaces `path` with `bytes` so that a crash at any moment leaves either the
// old or the new file, never a mix: write `path`.tmp, fsync it, rename it
// over `path`, fsync the directory. Errors name the file and the system error.
Status write_file_atomically(const std::string& path, std::string_view bytes, mode_t mode);

}  // namespace roster
