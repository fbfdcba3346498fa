#pragma once
// Randomness for shuffling answers, injected so tests can fix the order.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace roster::dns {

// Thread safety: implementations must be safe to call from any thread.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A uniformly distributed value in [0, n); n > 0.
  virtual std::size_t below(std::size_t n) const = 0;
};

// Thread safety: each thread draws from its own engine (thread_local,
// seeded from std::random_device); no locking.
class ThreadLocalRandom final : public RandomSource {
 public:
  std::size_t below(std::size_t n) const override;
};

// A reproducible sequence, for tests.
// Thread safety: one mutex serialises draws.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) const override;

 private:
  mutable std::mutex mutex_;
  mutable std::mt19937_64 engine_;
};

// Uniform Fisher-Yates shuffle.
template <typename T>
void shuffle(std::vector<T>& items, const RandomSource& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = rng.below(i);
    if (j != i - 1) std::swap(items[i - 1], items[j]);
  }
}

}  // namespace roster::dns
