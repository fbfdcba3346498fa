#pragma once
// ChangeNotifier: where blocking queries wait for the registry. The registry's
// listener publishes each new catalog here; a waiting request registers a pure
// `changed` predicate and a `wake` callback, and is woken only when a published
// catalog satisfies its predicate. So a change to service `a` wakes nobody
// watching `b`, and an idle watcher costs one map entry (no thread, no polling).
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "common/guarded.hpp"
#include "http/request.hpp"
#include "registry/catalog.hpp"

namespace roster::http {

// Thread safety: every method may be called from any thread. Predicates run
// under the notifier's lock; wake callbacks run after it is released and must
// only post work (they run on the publishing thread).
class ChangeNotifier {
 public:
  using Wake = std::function<void()>;
  using Ticket = std::uint64_t;

  explicit ChangeNotifier(std::shared_ptr<const registry::Catalog> initial);

  // Calls `wake` once, when a published catalog satisfies `changed` — at once
  // (before returning) if the latest one already does; the ticket is then 0.
  Ticket watch(WaitSpec::Changed changed, Wake wake);
  // Forgets a watcher that was not woken (a no-op for 0 or a woken ticket).
  void cancel(Ticket ticket);
  // Offers a new catalog; older ones (by index) than the latest are ignored.
  void publish(std::shared_ptr<const registry::Catalog> catalog);

  std::size_t watchers();

 private:
  struct Watcher {
    WaitSpec::Changed changed;
    Wake wake;
  };
  struct State {
    std::shared_ptr<const registry::Catalog> latest;
    Ticket next = 1;
    std::unordered_map<Ticket, Watcher> watchers;
  };
  Guarded<State> state_;
};

}  // namespace roster::http
