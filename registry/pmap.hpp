#pragma once
// PMap: a persistent (immutable, structurally shared) ordered map with the
// read interface of std::map. Copying a PMap is O(1); a write (set, erase,
// operator[]) copies only the O(log n) nodes on one path, so the old copy is
// untouched and both share everything else. Entries are shared too: a pointer
// to an entry's value stays valid in every version that still holds it.
//
// It is a treap whose priorities are a hash of the key, so its shape is a pure
// function of its key set. That makes diff() cheap: two versions that share
// subtrees are compared in O(d log n) for d differing entries.
//
// Thread safety: a const PMap may be read from any number of threads; writes
// to one PMap object need external synchronisation (like std::map). Versions
// never affect each other.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace roster::registry {

template <typename K, typename V>
class PMap {
 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<const K, V>;
  using size_type = std::size_t;

 private:
  struct Node;
  using NodePtr = std::shared_ptr<const Node>;
  struct Node {
    std::shared_ptr<const value_type> kv;
    NodePtr left, right;
    std::uint64_t prio;
    size_type size;
  };

 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = PMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const { return *stack_.back()->kv; }
    pointer operator->() const { return stack_.back()->kv.get(); }
    const_iterator& operator++() {
      const Node* n = stack_.back();
      stack_.pop_back();
      push_left(n->right.get());
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      if (a.stack_.empty() || b.stack_.empty()) return a.stack_.empty() == b.stack_.empty();
      return a.stack_.back() == b.stack_.back();
    }

   private:
    friend class PMap;
    void push_left(const Node* n) {
      for (; n; n = n->left.get()) stack_.push_back(n);
    }
    std::vector<const Node*> stack_;  // the current node on top, then the ancestors still to visit
  };
  using iterator = const_iterator;

  PMap() = default;
  PMap(std::initializer_list<value_type> init) {
    for (const auto& kv : init) set(kv.first, kv.second);
  }

  size_type size() const { return root_ ? root_->size : 0; }
  bool empty() const { return !root_; }
  const_iterator begin() const {
    const_iterator it;
    it.stack_.reserve(48);
    it.push_left(root_.get());
    return it;
  }
  const_iterator end() const { return {}; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }

  const_iterator find(const K& key) const {
    const_iterator it;
    for (const Node* n = root_.get(); n;) {
      if (key < n->kv->first) {
        it.stack_.push_back(n);
        n = n->left.get();
      } else if (n->kv->first < key) {
        n = n->right.get();
      } else {
        it.stack_.push_back(n);
        return it;
      }
    }
    return end();
  }
  // The value for `key`, or nullptr.
  const V* get(const K& key) const {
    for (const Node* n = root_.get(); n;) {
      if (key < n->kv->first) n = n->left.get();
      else if (n->kv->first < key) n = n->right.get();
      else return &n->kv->second;
    }
    return nullptr;
  }
  size_type count(const K& key) const { return get(key) ? 1 : 0; }
  bool contains(const K& key) const { return get(key) != nullptr; }
  const V& at(const K& key) const {
    if (const V* v = get(key)) return *v;
    throw std::out_of_range("PMap::at");
  }

  // Inserts or replaces.
  void set(const K& key, V value) { put(std::make_shared<value_type>(key, std::move(value))); }
  void insert_or_assign(const K& key, V value) { set(key, std::move(value)); }
  // Inserts if absent; true if inserted.
  std::pair<const_iterator, bool> emplace(const K& key, V value) {
    if (contains(key)) return {find(key), false};
    set(key, std::move(value));
    return {find(key), true};
  }
  // A mutable reference to a fresh copy of the entry (default-constructed if
  // absent), owned by this version only. Valid until the next write to this map.
  V& operator[](const K& key) {
    const V* old = get(key);
    auto kv = std::make_shared<value_type>(key, old ? *old : V{});
    V& ref = kv->second;
    put(std::move(kv));
    return ref;
  }
  size_type erase(const K& key) {
    bool found = false;
    root_ = erase_in(root_, key, found);
    return found ? 1 : 0;
  }
  void clear() { root_.reset(); }

  // True if both are the very same version (cheap; false does not mean different).
  bool same_version(const PMap& o) const { return root_ == o.root_; }

  // Calls f(before, after) for every key whose entry differs between `a` and
  // `b` (a different entry object, even with an equal value); nullptr for a
  // side without the key. Order is unspecified.
  template <typename F>
  static void diff(const PMap& a, const PMap& b, F&& f) {
    diff_nodes(a.root_, b.root_, f);
  }

 private:
  static std::uint64_t priority(const K& key) {
    std::uint64_t x = static_cast<std::uint64_t>(std::hash<K>{}(key)) + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  static size_type sz(const NodePtr& n) { return n ? n->size : 0; }
  // A strict total order on nodes: higher priority nearer the root.
  static bool above(const Node& a, const Node& b) {
    return a.prio != b.prio ? a.prio > b.prio : a.kv->first < b.kv->first;
  }
  static NodePtr make(std::shared_ptr<const value_type> kv, std::uint64_t prio, NodePtr l, NodePtr r) {
    const size_type s = 1 + sz(l) + sz(r);
    return std::make_shared<const Node>(Node{std::move(kv), std::move(l), std::move(r), prio, s});
  }
  static NodePtr with(const Node& n, NodePtr l, NodePtr r) { return make(n.kv, n.prio, std::move(l), std::move(r)); }

  void put(std::shared_ptr<const value_type> kv) {
    const std::uint64_t prio = priority(kv->first);
    root_ = insert_in(root_, kv, prio);
  }
  static NodePtr insert_in(const NodePtr& t, const std::shared_ptr<const value_type>& kv, std::uint64_t prio) {
    if (!t) return make(kv, prio, nullptr, nullptr);
    const K& key = kv->first;
    if (key < t->kv->first) {
      NodePtr l = insert_in(t->left, kv, prio);
      if (above(*l, *t)) return with(*l, l->left, with(*t, l->right, t->right));
      return with(*t, std::move(l), t->right);
    }
    if (t->kv->first < key) {
      NodePtr r = insert_in(t->right, kv, prio);
      if (above(*r, *t)) return with(*r, with(*t, t->left, r->left), r->right);
      return with(*t, t->left, std::move(r));
    }
    return make(kv, t->prio, t->left, t->right);
  }
  static NodePtr merge(const NodePtr& a, const NodePtr& b) {  // every key of a < every key of b
    if (!a) return b;
    if (!b) return a;
    if (above(*a, *b)) return with(*a, a->left, merge(a->right, b));
    return with(*b, merge(a, b->left), b->right);
  }
  static NodePtr erase_in(const NodePtr& t, const K& key, bool& found) {
    if (!t) return t;
    if (key < t->kv->first) {
      NodePtr l = erase_in(t->left, key, found);
      return found ? with(*t, std::move(l), t->right) : t;
    }
    if (t->kv->first < key) {
      NodePtr r = erase_in(t->right, key, found);
      return found ? with(*t, t->left, std::move(r)) : t;
    }
    found = true;
    return merge(t->left, t->right);
  }
  // Splits t into keys < key and keys > key (an entry equal to key is dropped).
  static std::pair<NodePtr, NodePtr> split(const NodePtr& t, const K& key) {
    if (!t) return {};
    if (key < t->kv->first) {
      auto [l, r] = split(t->left, key);
      return {std::move(l), with(*t, std::move(r), t->right)};
    }
    if (t->kv->first < key) {
      auto [l, r] = split(t->right, key);
      return {with(*t, t->left, std::move(l)), std::move(r)};
    }
    return {t->left, t->right};
  }
  template <typename F>
  static void each(const NodePtr& t, bool from_a, F& f) {
    if (!t) return;
    each(t->left, from_a, f);
    if (from_a) f(t->kv.get(), static_cast<const value_type*>(nullptr));
    else f(static_cast<const value_type*>(nullptr), t->kv.get());
    each(t->right, from_a, f);
  }
  template <typename F>
  static void diff_nodes(const NodePtr& a, const NodePtr& b, F& f) {
    if (a == b) return;
    if (!a) return each(b, false, f);
    if (!b) return each(a, true, f);
    const K& ka = a->kv->first;
    const K& kb = b->kv->first;
    if (!(ka < kb) && !(kb < ka)) {
      if (a->kv != b->kv) f(a->kv.get(), b->kv.get());
      diff_nodes(a->left, b->left, f);
      diff_nodes(a->right, b->right, f);
      return;
    }
    // The root with the higher priority is the root of the union, so its key
    // is absent from the other side (which would otherwise have it as root).
    if (above(*a, *b)) {
      f(a->kv.get(), static_cast<const value_type*>(nullptr));
      auto [l, r] = split(b, ka);
      diff_nodes(a->left, l, f);
      diff_nodes(a->right, r, f);
    } else {
      f(static_cast<const value_type*>(nullptr), b->kv.get());
      auto [l, r] = split(a, kb);
      diff_nodes(l, b->left, f);
      diff_nodes(r, b->right, f);
    }
  }

  NodePtr root_;
};

}  // namespace roster::registry
