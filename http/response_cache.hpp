#pragma once
// ResponseCache: finished answers of blocking-capable reads (catalog/health
// endpoints, whose route has an `index_of`), kept per (path, normalised query,
// token) and valid while the resource's index has not moved. Handlers are pure
// functions of the request and a catalog, and every change to what such a read
// returns moves its resource's index, so a repeated read of an unchanged
// resource is served without running the handler or encoding JSON again.
// Bounded by entries and bytes; an entry replaced or evicted is simply
// recomputed on the next read.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/guarded.hpp"
#include "http/request.hpp"

namespace roster::http {

// Thread safety: every method may be called from any thread (one mutex; the
// answers are immutable and shared).
class ResponseCache {
 public:
  ResponseCache(std::size_t max_entries, std::size_t max_bytes);

  // The answer stored under `key` for `validity`, or null.
  std::shared_ptr<const Response> find(const std::string& key, registry::Index validity);
  // Stores (or replaces) the answer under `key`, evicting others when full.
  void store(std::string key, registry::Index validity, std::shared_ptr<const Response> response);

  std::size_t entries();
  std::size_t bytes();

 private:
  struct Entry {
    registry::Index validity = 0;
    std::size_t bytes = 0;
    std::shared_ptr<const Response> response;
  };
  struct State {
    std::unordered_map<std::string, Entry> entries;
    std::size_t bytes = 0;
  };
  static std::size_t cost(const std::string& key, const Response& r);

  std::size_t max_entries_;
  std::size_t max_bytes_;
  Guarded<State> state_;
};

}  // namespace roster::http
