#pragma once
// ServiceTtl: Consul's `dns_config.service_ttl` map (consul-compat.md §1.12).
// A service's TTL is its exact entry, else the longest prefix among keys
// ending in `*` (`"*"` matches every name), else the default (0).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace roster::dns {

// Thread safety: immutable after configuration; ttl_for() may be called from
// any thread.
class ServiceTtl {
 public:
  ServiceTtl() = default;
  // Every service gets `ttl` unless an entry says otherwise (the "*" key).
  explicit ServiceTtl(std::uint32_t ttl) { set("*", ttl); }

  // `key`: a service name, or a prefix followed by `*`. Matched case-insensitively.
  void set(std::string_view key, std::uint32_t ttl);
  // `service`: the name as asked (any case).
  std::uint32_t ttl_for(std::string_view service) const;
  bool empty() const { return exact_.empty() && prefixes_.empty(); }

 private:
  std::map<std::string, std::uint32_t, std::less<>> exact_;     // lower-cased names
  std::map<std::string, std::uint32_t, std::less<>> prefixes_;  // lower-cased, without the '*'
};

}  // namespace roster::dns
