#pragma once
// Guarded<T>: the data and the mutex that protects it, in one type, so the only
// way to reach the data is through a lock (dnsdist's LockGuarded).
#include <mutex>
#include <utility>

namespace roster {

template <typename T>
class Guarded {
 public:
  template <typename... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}

  class Locked {
   public:
    Locked(std::mutex& m, T& v) : lock_(m), value_(v) {}
    T& operator*() { return value_; }
    T* operator->() { return &value_; }

   private:
    std::unique_lock<std::mutex> lock_;
    T& value_;
  };

  Locked lock() { return Locked(mutex_, value_); }

 private:
  std::mutex mutex_;
  T value_;
};

}  // namespace roster
