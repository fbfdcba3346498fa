#pragma once
// ClientLimits: open HTTP connections per client address, so one chatty client
// (a Prometheus with a watch per service) cannot take every connection
// (limits.http_max_conns_per_client, Consul's default 200; users.md #12).
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/guarded.hpp"

namespace roster::http {

// Thread safety: acquire() and leases may be used from any thread (one mutex).
class ClientLimits {
 public:
  // Holds one connection slot of one client until destroyed.
  class Lease {
   public:
    Lease(ClientLimits& owner, std::string client) : owner_(&owner), client_(std::move(client)) {}
    Lease(Lease&& o) noexcept : owner_(o.owner_), client_(std::move(o.client_)) { o.owner_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

   private:
    ClientLimits* owner_;
    std::string client_;
  };

  explicit ClientLimits(std::size_t per_client) : per_client_(per_client) {}
  std::size_t per_client() const { return per_client_; }

  // A slot for one more connection from `client`, or nullopt when it already
  // holds `per_client` of them (0: no limit).
  std::optional<Lease> acquire(const std::string& client);
  std::size_t open(const std::string& client);

 private:
  void release(const std::string& client);

  std::size_t per_client_;
  Guarded<std::unordered_map<std::string, std::size_t>> open_;
};

}  // namespace roster::http
