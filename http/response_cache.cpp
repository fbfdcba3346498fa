#include "http/response_cache.hpp"

namespace roster::http {

ResponseCache::ResponseCache(std::size_t max_entries, std::size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {}

std::size_t ResponseCache::cost(const std::string& key, const Response& r) {
  std::size_t n = sizeof(Entry) + sizeof(Response) + 64 + key.size() + r.body.size() + r.content_type.size();
  for (const auto& [k, v] : r.headers) n += sizeof(k) + sizeof(v) + k.size() + v.size();
  return n;
}

std::shared_ptr<const Response> ResponseCache::find(const std::string& key, registry::Index validity) {
  auto s = state_.lock();
  const auto it = s->entries.find(key);
  if (it == s->entries.end() || it->second.validity != validity) return nullptr;
  return it->second.response;
}

void ResponseCache::store(std::string key, registry::Index validity, std::shared_ptr<const Response> response) {
  const std::size_t bytes = cost(key, *response);
  if (bytes > max_bytes_ / 4 || max_entries_ == 0) return;  // one answer may not take the cache
  auto s = state_.lock();
  if (const auto it = s->entries.find(key); it != s->entries.end()) {
    if (it->second.validity > validity) return;  // a newer answer is there already
    s->bytes -= it->second.bytes;
    it->second = Entry{validity, bytes, std::move(response)};
    s->bytes += bytes;
    return;
  }
  // Full: drop arbitrary entries (the map's first); evicted answers are recomputed on demand.
  while (!s->entries.empty() && (s->entries.size() >= max_entries_ || s->bytes + bytes > max_bytes_)) {
    const auto victim = s->entries.begin();
    s->bytes -= victim->second.bytes;
    s->entries.erase(victim);
  }
  s->entries.emplace(std::move(key), Entry{validity, bytes, std::move(response)});
  s->bytes += bytes;
}

std::size_t ResponseCache::entries() { return state_.lock()->entries.size(); }
std::size_t ResponseCache::bytes() { return state_.lock()->bytes; }

}  // namespace roster::http
