#include "http/change_notifier.hpp"

#include <vector>

namespace roster::http {

ChangeNotifier::ChangeNotifier(std::shared_ptr<const registry::Catalog> initial) {
  state_.lock()->latest = std::move(initial);
}

ChangeNotifier::Ticket ChangeNotifier::watch(WaitSpec::Changed changed, Wake wake) {
  {
    auto s = state_.lock();
    if (!s->latest || !changed(*s->latest)) {
      const Ticket t = s->next++;
      s->watchers.emplace(t, Watcher{std::move(changed), std::move(wake)});
      return t;
    }
  }
  wake();
  return 0;
}

void ChangeNotifier::cancel(Ticket ticket) {
  if (ticket != 0) state_.lock()->watchers.erase(ticket);
}

void ChangeNotifier::publish(std::shared_ptr<const registry::Catalog> catalog) {
  std::vector<Wake> due;
  {
    auto s = state_.lock();
    if (s->latest && catalog->index() <= s->latest->index()) return;
    s->latest = std::move(catalog);
    for (auto it = s->watchers.begin(); it != s->watchers.end();) {
      if (it->second.changed(*s->latest)) {
        due.push_back(std::move(it->second.wake));
        it = s->watchers.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : due) w();
}

std::size_t ChangeNotifier::watchers() { return state_.lock()->watchers.size(); }

}  // namespace roster::http
