#include "registry/index_file.hpp"

#include <filesystem>
#include <fstream>

#include "common/file_io.hpp"

namespace roster::registry {
namespace fs = std::filesystem;

Index wall_clock_seed(std::chrono::system_clock::time_point now) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return us > 0 ? static_cast<Index>(us) : 1;
}

Result<std::unique_ptr<IndexFile>> IndexFile::open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return internal("cannot create data dir " + dir + ": " + ec.message());
  const std::string path = (fs::path(dir) / "index-high-water").string();
  Index last = 0;
  if (std::ifstream in(path); in) {
    std::string text;
    in >> text;
    try {
      std::size_t used = 0;
      last = std::stoull(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      return invalid("data dir holds an invalid index file: " + path);
    }
  }
  std::unique_ptr<IndexFile> file(new IndexFile(path, last + 1));
  if (auto st = file->observe(file->start_); !st) return st.error();
  return file;
}

Status IndexFile::observe(Index current) {
  auto mark = mark_.lock();
  if (current + kLease / 2 < *mark) return ok();
  const Index next = current + kLease;
  if (auto st = write(next); !st) return st;
  *mark = next;
  return ok();
}

Status IndexFile::write(Index mark) {
  return write_file_atomically(path_, std::to_string(mark) + "\n", 0644);
}

}  // namespace roster::registry
