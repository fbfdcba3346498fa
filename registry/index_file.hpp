#pragma once
// IndexFile: keeps X-Consul-Index from going backwards across restarts
// (consul-compat §2.4, §6). It persists a high-water mark in the data dir
// *ahead* of use: a run starts above the last mark, and the mark is pushed
// kLease further whenever the index gets within half a lease of it. So at most
// one small write per kLease/2 changes, and even a crash (no clean shutdown)
// never lets the next run reuse an index a client may have seen.
#include <chrono>
#include <memory>
#include <string>

#include "common/guarded.hpp"
#include "common/result.hpp"
#include "registry/model.hpp"

namespace roster::registry {

// -dev has no data dir: its first index is the wall clock in microseconds since
// the epoch (about 1.7e15, below 2^53 so JavaScript clients read it exactly),
// which grows across restarts as long as the clock does not step back and
// fewer than a million writes per second were made.
Index wall_clock_seed(std::chrono::system_clock::time_point now);

// Thread safety: observe() may be called from any thread (one mutex).
class IndexFile {
 public:
  static constexpr Index kLease = 1000;

  // Reads <dir>/index-high-water (absent: a fresh data dir) and persists the
  // first lease. Invalid contents are an error rather than a silent restart at 1.
  static Result<std::unique_ptr<IndexFile>> open(const std::string& dir);

  // The first index this run may use.
  Index start() const { return start_; }
  // Called with every published index; persists a new mark when needed.
  Status observe(Index current);
  Index mark() { return *mark_.lock(); }

 private:
  IndexFile(std::string path, Index start) : path_(std::move(path)), start_(start) {}
  Status write(Index mark);

  std::string path_;
  Index start_;
  Guarded<Index> mark_{0};
};

}  // namespace roster::registry
