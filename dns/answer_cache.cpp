#include "dns/answer_cache.hpp"

#include <random>

namespace roster::dns {

AnswerCache::AnswerCache(std::size_t max_entries)
    : max_entries_(max_entries), state_(std::random_device{}() | 1) {}

void AnswerCache::sync(std::shared_ptr<const registry::Catalog> catalog) {
  if (catalog == catalog_) return;
  entries_.clear();
  catalog_ = std::move(catalog);
}

const CachedAnswer* AnswerCache::find(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

const CachedAnswer& AnswerCache::insert(std::string_view key, CachedAnswer answer) {
  if (entries_.size() >= max_entries_) entries_.clear();
  auto [it, inserted] = entries_.try_emplace(std::string(key));
  it->second = std::move(answer);
  return it->second;
}

std::size_t AnswerCache::pick(std::size_t n) {
  // xorshift64: the order of answers needs no better randomness than this.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  return static_cast<std::size_t>(state_ % n);
}

}  // namespace roster::dns
