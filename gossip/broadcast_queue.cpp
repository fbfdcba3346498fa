#include "gossip/broadcast_queue.hpp"

namespace roster::gossip {

std::size_t BroadcastQueue::push(std::string key, std::vector<std::uint8_t> message) {
  if (auto it = by_key_.find(key); it != by_key_.end()) erase(it->second.get());
  auto entry = std::make_unique<Entry>();
  entry->key = key;
  entry->message = std::move(message);
  entry->id = next_id_++;
  order_.insert(entry.get());
  by_key_.emplace(std::move(key), std::move(entry));
  std::size_t dropped = 0;
  while (by_key_.size() > cap_ && !order_.empty()) {
    erase(*std::prev(order_.end()));
    ++dropped;
  }
  dropped_ += dropped;
  return dropped;
}

std::size_t BroadcastQueue::take(std::size_t budget, int limit,
                                 const std::function<void(std::span<const std::uint8_t>)>& emit, bool counted) {
  std::vector<Entry*> picked;
  std::size_t used = 0;
  for (Entry* e : order_) {
    if (budget - used < 3) break;  // nothing useful fits any more
    if (e->message.size() > budget - used) continue;
    used += e->message.size();
    picked.push_back(e);
  }
  for (Entry* e : picked) {
    emit(e->message);
    if (!counted) continue;
    order_.erase(e);
    if (++e->transmits >= limit) {
      by_key_.erase(by_key_.find(e->key));  // frees e
    } else {
      order_.insert(e);
    }
  }
  return used;
}

void BroadcastQueue::erase(Entry* e) {
  order_.erase(e);
  by_key_.erase(by_key_.find(e->key));
}

void BroadcastQueue::clear() {
  order_.clear();
  by_key_.clear();
}

}  // namespace roster::gossip
