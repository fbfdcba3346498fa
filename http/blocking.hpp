#pragma once
// Blocking queries (consul-compat §2.4) as pure functions: parsing ?index and
// ?wait, the wait policy (default 5 min, cap 10 min, jitter in [0, wait/16)),
// and the decision to answer or keep waiting. The server does the waiting.
#include <chrono>
#include <optional>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "http/request.hpp"

namespace roster::http {

inline constexpr Duration kDefaultWait = std::chrono::minutes(5);
inline constexpr Duration kMaxWait = std::chrono::minutes(10);

struct BlockingRequest {
  registry::Index index = 0;  // 0: answer at once
  std::optional<Duration> wait;
};

// ?index= (uint64) and ?wait= (Go duration); errors are Consul's
// "Invalid index" / "Invalid wait time".
Result<BlockingRequest> parse_blocking(const QueryParams& query);

// How long a blocking query may wait: `wait` (default 5 min, at most 10 min)
// plus a jitter of `u` × wait/16, `u` in [0, 1).
Duration blocking_timeout(std::optional<Duration> wait, double u);

// The answer-or-wait decision for one blocking request.
// Thread safety: immutable; step() may run on any thread.
class BlockingQuery {
 public:
  enum class Step { Answer, Wait };
  BlockingQuery(TimePoint deadline, WaitSpec spec) : deadline_(deadline), spec_(std::move(spec)) {}

  // Answer when `current` differs from what the client holds, or the deadline passed.
  Step step(const registry::Catalog& current, TimePoint now) const {
    return now >= deadline_ || spec_.changed(current) ? Step::Answer : Step::Wait;
  }
  TimePoint deadline() const { return deadline_; }
  const WaitSpec& spec() const { return spec_; }

 private:
  TimePoint deadline_;
  WaitSpec spec_;
};

}  // namespace roster::http
