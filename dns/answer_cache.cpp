#include "dns/answer_cache.hpp"

#include <cstring>
#include <random>

namespace roster::dns {

struct AnswerCache::Entry {
  CachedAnswer answer;
  std::uint16_t key_size = 0;
  std::array<std::uint8_t, CacheKey::kMax> key;

  std::string_view key_view() const { return {reinterpret_cast<const char*>(key.data()), key_size}; }
};

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;

// ASCII 'A'..'Z' -> 'a'..'z' in each byte of a word (SWAR); other bytes kept.
std::uint64_t lower_word(std::uint64_t w) {
  const std::uint64_t low7 = w & ~kHigh;
  const std::uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;  // high bit: byte >= 'A'
  const std::uint64_t gt_z = low7 + (0x7F - 'Z') * kOnes;  // high bit: byte > 'Z'
  const std::uint64_t upper = ge_a & ~gt_z & ~w & kHigh;    // and the byte is ASCII
  return w | (upper >> 2);
}

std::uint64_t load(const std::uint8_t* p, std::size_t n) {  // n <= 8
  std::uint64_t w = 0;
  std::memcpy(&w, p, n);
  return w;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * kMul;
  return h ^ (h >> 29);
}

std::uint64_t hash_bytes(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = n * kMul;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) h = mix(h, load(p + i, 8));
  if (i < n) h = mix(h, load(p + i, n - i));
  return h ^ (h >> 32);
}

}  // namespace

void CachedAnswer::add_variant(std::span<const std::uint8_t> reply) {
  if (count_ == kMaxVariants) return;
  bytes_.insert(bytes_.end(), reply.begin(), reply.end());
  ends_[count_++] = static_cast<std::uint32_t>(bytes_.size());
  size = std::max<std::uint32_t>(size, static_cast<std::uint32_t>(reply.size()));
}

void make_key(std::uint8_t mode, std::uint16_t qtype, std::span<const std::uint8_t> qname, CacheKey& key) {
  std::uint8_t* out = key.bytes.data();
  out[0] = mode;
  out[1] = static_cast<std::uint8_t>(qtype >> 8);
  out[2] = static_cast<std::uint8_t>(qtype & 0xFF);
  const std::size_t n = std::min(qname.size(), CacheKey::kMax - 3);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t w = lower_word(load(qname.data() + i, 8));
    std::memcpy(out + 3 + i, &w, 8);
  }
  if (i < n) {
    const std::uint64_t w = lower_word(load(qname.data() + i, n - i));
    std::memcpy(out + 3 + i, &w, n - i);
  }
  key.size = 3 + n;
  key.hash = hash_bytes(out, key.size);
}

std::uint64_t hash_key(std::string_view key) {
  return hash_bytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
}

AnswerCache::AnswerCache(std::size_t max_entries)
    : slots_(16), max_entries_(max_entries), state_(std::random_device{}() | 1) {}

AnswerCache::~AnswerCache() = default;

void AnswerCache::sync(std::shared_ptr<const registry::Catalog> catalog) {
  if (catalog == catalog_) return;
  clear();
  catalog_ = std::move(catalog);
}

void AnswerCache::clear() {
  entries_.clear();
  slots_.assign(16, Slot{});
}

CachedAnswer* AnswerCache::lookup(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.entry) return nullptr;
    if (s.hash == hash && s.entry->key_view() == key) return &s.entry->answer;
  }
}

void AnswerCache::grow() {
  std::vector<Slot> bigger(slots_.size() * 2);
  const std::size_t mask = bigger.size() - 1;
  for (const Slot& s : slots_) {
    if (!s.entry) continue;
    std::size_t i = s.hash & mask;
    while (bigger[i].entry) i = (i + 1) & mask;
    bigger[i] = s;
  }
  slots_.swap(bigger);
}

CachedAnswer& AnswerCache::insert(std::string_view key, std::uint64_t hash, CachedAnswer answer) {
  key = key.substr(0, CacheKey::kMax);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].entry; i = (i + 1) & mask)
    if (slots_[i].hash == hash && slots_[i].entry->key_view() == key) {
      slots_[i].entry->answer = std::move(answer);
      return slots_[i].entry->answer;
    }
  if (entries_.size() >= max_entries_) clear();
  if ((entries_.size() + 1) * 2 > slots_.size()) grow();
  auto e = std::make_unique<Entry>();
  e->answer = std::move(answer);
  e->key_size = static_cast<std::uint16_t>(key.size());
  std::memcpy(e->key.data(), key.data(), key.size());
  const std::size_t m = slots_.size() - 1;
  std::size_t i = hash & m;
  while (slots_[i].entry) i = (i + 1) & m;
  slots_[i] = Slot{hash, e.get()};
  entries_.push_back(std::move(e));
  return entries_.back()->answer;
}

std::uint64_t AnswerCache::next_random() {
  // xorshift64: the order of answers needs no better randomness than this.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  return state_;
}

std::size_t AnswerCache::pick(std::size_t n) { return static_cast<std::size_t>(next_random() % n); }

}  // namespace roster::dns
