#pragma once
// Registry: the agent's registry. It owns the local node's record (services,
// checks, TTL timers), applies writes, and publishes a new immutable Catalog
// after each change. It knows nothing of DNS, HTTP or processes; time comes in
// as arguments.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/guarded.hpp"
#include "common/result.hpp"
#include "registry/catalog_view.hpp"
#include "registry/definitions.hpp"
#include "registry/ttl_check.hpp"

namespace roster::registry {

struct LocalNode {
  std::string name;
  std::string id;
  std::string address;
  std::string datacenter = "dc1";
  std::map<std::string, std::string> meta;
};

// Thread safety: every method may be called from any thread. Writes are
// serialised by one mutex; snapshot() only copies a shared_ptr. Listeners run
// on the writing thread, after the lock is released.
class Registry final : public CatalogView {
 public:
  using Listener = std::function<void(const Catalog&)>;

  Registry(LocalNode node, TimePoint now);

  std::shared_ptr<const Catalog> snapshot() const override;

  // Registers (or replaces) a service with its checks. An identical
  // re-registration changes nothing and returns the current index.
  Result<Index> register_service(const ServiceRegistration& reg, TimePoint now);
  // NotFound when no service has this ID.
  Result<Index> deregister_service(std::string_view service_id);
  // TTL update (pass/warn/fail/update). NotFound for an unknown check,
  // Conflict for a check that is not a TTL check.
  Result<Index> update_ttl(std::string_view check_id, HealthStatus status, std::string output,
                           TimePoint now);
  // Turns every TTL check whose deadline has passed critical.
  void expire_ttls(TimePoint now);
  // The earliest pending TTL deadline, if any.
  std::optional<TimePoint> next_ttl_deadline();

  // Called after every published change. Subscribe before serving.
  void subscribe(Listener listener);

 private:
  struct State {
    Index index = 1;
    std::shared_ptr<const NodeRecord> local;
    std::map<std::string, TtlTimer> ttl_timers;  // by check ID, only while armed
  };

  // Publishes `rec` as the local node at a new index; returns the index.
  Index commit(State& state, std::shared_ptr<NodeRecord> rec);
  void notify(const std::shared_ptr<const Catalog>& cat);

  std::string datacenter_;
  Guarded<State> state_;
  mutable Guarded<std::shared_ptr<const Catalog>> current_;
  Guarded<std::vector<Listener>> listeners_;
};

}  // namespace roster::registry
