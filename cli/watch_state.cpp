#include "cli/watch_state.hpp"

namespace roster::cli {

WatchStep WatchState::on_reply(std::uint64_t reply_index, const std::string& body) {
  WatchStep step;
  // An index that went backwards (the agent restarted and lost its state):
  // start over from 0, as Consul's clients do.
  if (reply_index < index_) index_ = 0;
  step.emit = !last_emitted_ || *last_emitted_ != body;
  index_ = reply_index;
  step.next_index = reply_index;
  return step;
}

std::chrono::milliseconds Cooldown::remaining(Clock::time_point now) const {
  if (!last_ || period_.count() <= 0) return std::chrono::milliseconds(0);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_);
  return elapsed >= period_ ? std::chrono::milliseconds(0) : period_ - elapsed;
}

}  // namespace roster::cli
