#pragma once
// AnswerCache: finished replies for one catalog snapshot, so a repeated
// question costs a hash lookup and a copy instead of a parse, a build and an
// encode. Filled lazily by Responder; emptied whenever the snapshot changes.
//
// Key: the question name lower-cased (wire form), QTYPE, and a mode byte
// (transport, EDNS present, 512-byte budget, RD). Values are whole replies;
// on a hit the ID, the exact question name and the OPT payload size are
// patched in place (Responder). Shuffled answers keep several pre-shuffled
// variants; each hit picks one at random.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/catalog.hpp"

namespace roster::dns {

struct CachedAnswer {
  enum class Kind { Reply, Forward };
  Kind kind = Kind::Reply;
  // Pre-shuffled variants of the reply (one when the order is fixed).
  std::vector<std::vector<std::uint8_t>> variants;
  // The question name exactly as spelled by the query it was built for.
  std::vector<std::uint8_t> qname;
  // The reply differs from another spelling's only inside the question, so
  // patching the question serves any letter case.
  bool case_safe = false;
  std::size_t budget = 0;  // the payload size it was packed for
  bool complete = false;   // nothing was left out to fit the budget
  std::size_t size = 0;    // the largest variant's size
  bool opt = false;        // the replies end with an OPT record (its size is patched)
};

// Thread safety: none; each I/O thread owns its own cache.
class AnswerCache {
 public:
  explicit AnswerCache(std::size_t max_entries = 65536);

  // Makes `catalog` the current snapshot; entries built from another one are dropped.
  void sync(std::shared_ptr<const registry::Catalog> catalog);
  const std::shared_ptr<const registry::Catalog>& catalog() const { return catalog_; }

  const CachedAnswer* find(std::string_view key) const;
  // Stores (or replaces) an entry; when full, everything is dropped first.
  const CachedAnswer& insert(std::string_view key, CachedAnswer answer);
  std::size_t size() const { return entries_.size(); }

  // A cheap pseudo-random index in [0, n) for choosing a variant.
  std::size_t pick(std::size_t n);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::shared_ptr<const registry::Catalog> catalog_;
  std::unordered_map<std::string, CachedAnswer, Hash, std::equal_to<>> entries_;
  std::size_t max_entries_;
  std::uint64_t state_;
};

}  // namespace roster::dns
