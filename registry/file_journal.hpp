#pragma once
// FileJournal: the I/O shell of the agent's state log (registry/journal.hpp)
// in <data-dir>/agent-state.log. Appends are write + fdatasync; a rewrite
// (compaction) writes agent-state.log.tmp, fsyncs it, renames it over the log
// and fsyncs the directory. So after a kill -9 or a crash at any moment the
// log is the old one or the new one, plus at most a torn last record that
// replay drops (and open() truncates away).
#include <memory>
#include <string>

#include "common/result.hpp"
#include "registry/journal.hpp"

namespace roster::registry {

class FileJournal final : public Journal {
 public:
  struct Opened {
    std::unique_ptr<FileJournal> journal;
    ReplayResult replayed;
  };
  // Creates the data dir if needed, reads and replays the log (absent: empty)
  // and opens it for appending after its last whole record.
  static Result<Opened> open(const std::string& dir);
  ~FileJournal() override;

  Status append(std::string_view records) override;
  Status rewrite(std::string_view records) override;
  const std::string& path() const { return path_; }

 private:
  FileJournal(std::string dir, std::string path, int fd) : dir_(std::move(dir)), path_(std::move(path)), fd_(fd) {}
  std::string dir_;
  std::string path_;
  int fd_;
};

}  // namespace roster::registry
