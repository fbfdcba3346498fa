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
//
// Layout, for a hit that touches few cache lines: an open-addressing table of
// (hash, entry) slots; each entry holds its key inline and all its variants
// in one byte array.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "registry/catalog.hpp"

namespace roster::dns {

// Whether replies built for one spelling of the question serve another by
// patching the question only. Checked when another spelling first asks.
enum class CaseSafety : std::uint8_t { Unknown, Safe, Unsafe };

struct CachedAnswer {
  static constexpr std::size_t kMaxVariants = 8;
  enum class Kind : std::uint8_t { Reply, Forward };
  Kind kind = Kind::Reply;
  CaseSafety case_safety = CaseSafety::Unknown;
  bool complete = false;   // nothing was left out to fit the budget
  bool opt = false;        // the replies end with an OPT record (its size is patched)
  std::uint32_t size = 0;  // the largest variant's size
  std::size_t budget = 0;  // the payload size it was packed for
  // What the build drew with, so that a later case-safety check repeats it.
  std::uint64_t seed = 0;
  std::uint32_t serial = 0;
  std::size_t qname_size = 0;
  // The query it was built for, exactly as received (its question name keeps
  // the asker's spelling).
  std::vector<std::uint8_t> query;

  std::size_t variant_count() const { return count_; }
  std::span<const std::uint8_t> variant(std::size_t i) const {
    return {bytes_.data() + ends_[i] - len(i), len(i)};
  }
  // Appends a pre-shuffled variant (ignored beyond kMaxVariants).
  void add_variant(std::span<const std::uint8_t> reply);
  std::span<const std::uint8_t> qname() const { return {query.data() + 12, qname_size}; }

 private:
  std::size_t len(std::size_t i) const { return ends_[i] - (i == 0 ? 0 : ends_[i - 1]); }
  std::uint8_t count_ = 0;
  std::array<std::uint32_t, kMaxVariants> ends_{};
  std::vector<std::uint8_t> bytes_;  // the variants, one after another
};

// The cache key of a question, built in one pass with its hash.
struct CacheKey {
  static constexpr std::size_t kMax = 3 + 255;
  std::array<std::uint8_t, kMax> bytes;
  std::size_t size = 0;
  std::uint64_t hash = 0;

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), size}; }
};

// The key for (mode, qtype, qname), ASCII letters of `qname` lower-cased
// (at most 255 bytes), and its hash (hash_key of the same bytes).
void make_key(std::uint8_t mode, std::uint16_t qtype, std::span<const std::uint8_t> qname, CacheKey& key);
std::uint64_t hash_key(std::string_view key);

// Thread safety: none; each I/O thread owns its own cache.
class AnswerCache {
 public:
  explicit AnswerCache(std::size_t max_entries = 65536);
  ~AnswerCache();
  AnswerCache(const AnswerCache&) = delete;
  AnswerCache& operator=(const AnswerCache&) = delete;

  // Makes `catalog` the current snapshot; entries built from another one are dropped.
  void sync(std::shared_ptr<const registry::Catalog> catalog);
  const std::shared_ptr<const registry::Catalog>& catalog() const { return catalog_; }

  const CachedAnswer* find(std::string_view key) const { return lookup(key, hash_key(key)); }
  // `hash` is hash_key(key) (CacheKey::hash).
  CachedAnswer* find(std::string_view key, std::uint64_t hash) { return lookup(key, hash); }
  // Stores (or replaces) an entry; when full, everything is dropped first.
  CachedAnswer& insert(std::string_view key, CachedAnswer answer) {
    return insert(key, hash_key(key), std::move(answer));
  }
  CachedAnswer& insert(std::string_view key, std::uint64_t hash, CachedAnswer answer);
  std::size_t size() const { return entries_.size(); }

  // A cheap pseudo-random index in [0, n) for choosing a variant.
  std::size_t pick(std::size_t n);
  std::uint64_t next_random();

 private:
  struct Entry;
  struct Slot {
    std::uint64_t hash = 0;
    Entry* entry = nullptr;  // null: empty
  };
  CachedAnswer* lookup(std::string_view key, std::uint64_t hash) const;
  void clear();
  void grow();

  std::shared_ptr<const registry::Catalog> catalog_;
  std::vector<Slot> slots_;  // a power of two, at most half full
  std::vector<std::unique_ptr<Entry>> entries_;
  std::size_t max_entries_;
  std::uint64_t state_;
};

}  // namespace roster::dns
