#include "http/blocking.hpp"

#include <algorithm>
#include <charconv>

#include "common/duration.hpp"

namespace roster::http {

Result<BlockingRequest> parse_blocking(const QueryParams& query) {
  BlockingRequest out;
  if (auto text = query.get("index"); text && !text->empty()) {
    const auto r = std::from_chars(text->data(), text->data() + text->size(), out.index);
    if (r.ec != std::errc() || r.ptr != text->data() + text->size()) return invalid("Invalid index");
  }
  if (auto text = query.get("wait"); text && !text->empty()) {
    const auto d = parse_duration(*text);
    if (!d || *d < Duration::zero()) return invalid("Invalid wait time");
    out.wait = *d;
  }
  return out;
}

Duration blocking_timeout(std::optional<Duration> wait, double u) {
  Duration w = wait && *wait > Duration::zero() ? *wait : kDefaultWait;
  w = std::min(w, kMaxWait);
  u = std::clamp(u, 0.0, 0.999999);
  return w + Duration(static_cast<Duration::rep>(static_cast<double>((w / 16).count()) * u));
}

}  // namespace roster::http
