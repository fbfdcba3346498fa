#include "dns/service_ttl.hpp"

#include "common/strings.hpp"

namespace roster::dns {

void ServiceTtl::set(std::string_view key, std::uint32_t ttl) {
  std::string k = to_lower(key);
  if (!k.empty() && k.back() == '*') {
    k.pop_back();
    prefixes_[k] = ttl;
  } else {
    exact_[k] = ttl;
  }
}

std::uint32_t ServiceTtl::ttl_for(std::string_view service) const {
  const std::string name = to_lower(service);
  if (auto it = exact_.find(name); it != exact_.end()) return it->second;
  const std::uint32_t* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [prefix, ttl] : prefixes_) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    if (!best || prefix.size() >= best_len) {
      best = &ttl;
      best_len = prefix.size();
    }
  }
  return best ? *best : 0;
}

}  // namespace roster::dns
