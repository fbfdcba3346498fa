#pragma once
// The transmit-limited broadcast queue (gossip.md §1.3): each rumor is sent a
// limited number of times; the least-sent (then newest) rumors go first; a
// rumor replaces a queued one with the same key, so only the newest state of a
// subject is queued; the queue is capped, dropping the most-sent, oldest.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace roster::gossip {

class BroadcastQueue {
 public:
  explicit BroadcastQueue(std::size_t cap) : cap_(cap) {}
  BroadcastQueue(const BroadcastQueue&) = delete;
  BroadcastQueue& operator=(const BroadcastQueue&) = delete;

  // Queue `message` (an encoded, framed message) under `key`, replacing any
  // queued message with the same key. Returns the number of entries dropped by the cap.
  std::size_t push(std::string key, std::vector<std::uint8_t> message);
  // Hands `emit` queued messages, least-sent first, while they fit in `budget`
  // bytes in total; each handed message counts one transmission (unless
  // `counted` is false: a packet to a member believed dead, likely lost) and
  // is dropped once it reaches `limit` transmissions. Returns the bytes handed out.
  std::size_t take(std::size_t budget, int limit,
                   const std::function<void(std::span<const std::uint8_t>)>& emit, bool counted = true);
  bool empty() const { return by_key_.empty(); }
  std::size_t size() const { return by_key_.size(); }
  bool contains(const std::string& key) const { return by_key_.count(key) != 0; }
  void set_cap(std::size_t cap) { cap_ = cap; }
  void clear();
  std::size_t dropped() const { return dropped_; }

 private:
  struct Entry {
    std::string key;
    std::vector<std::uint8_t> message;
    int transmits = 0;
    std::uint64_t id = 0;  // insertion order: higher is newer
  };
  struct Order {
    bool operator()(const Entry* a, const Entry* b) const {
      if (a->transmits != b->transmits) return a->transmits < b->transmits;
      return a->id > b->id;
    }
  };
  void erase(Entry* e);

  std::size_t cap_;
  std::uint64_t next_id_ = 1;
  std::size_t dropped_ = 0;
  std::set<Entry*, Order> order_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> by_key_;
};

}  // namespace roster::gossip
