#include "dns/random.hpp"

namespace roster::dns {

std::size_t ThreadLocalRandom::below(std::size_t n) const {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine);
}

std::size_t SeededRandom::below(std::size_t n) const {
  std::lock_guard lock(mutex_);
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_);
}

}  // namespace roster::dns
