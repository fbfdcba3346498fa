#pragma once
// Registry: the agent's registry. It owns the local node's record (services,
// checks, TTL timers) and the nodes written through /v1/catalog/register,
// applies writes, and publishes a new immutable Catalog after each change. It
// knows nothing of DNS, HTTP or processes; time comes in as arguments.
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

  // `start` is the first index: greater than any index an earlier run handed
  // out (see registry/index_file.hpp).
  Registry(LocalNode node, TimePoint now, Index start = 1);

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

  // A standalone agent check (/v1/agent/check/register): Invalid, or NotFound
  // for an unknown ServiceID. Re-registering an ID keeps its status.
  Result<Index> register_check(const CheckDefinition& def, TimePoint now);
  // NotFound for an unknown (or non-agent) check.
  Result<Index> deregister_check(std::string_view check_id);
  // Adds or removes `_service_maintenance:<id>`; NotFound for an unknown service.
  Result<Index> set_service_maintenance(std::string_view service_id, bool enable,
                                        const std::string& reason);
  // Adds or removes `_node_maintenance`.
  Result<Index> set_node_maintenance(bool enable, const std::string& reason);

  // /v1/catalog/register and /deregister. Writes naming the agent's own node
  // change nothing: the agent is the source of truth for its node, and Consul's
  // anti-entropy would revert them (consul-compat §2.7, §4.2).
  Result<Index> catalog_register(const CatalogRegistration& reg);
  Result<Index> catalog_deregister(const CatalogDeregistration& dereg);

  // Called after every published change. Subscribe before serving.
  void subscribe(Listener listener);

 private:
  struct State {
    Index index = 1;
    std::shared_ptr<const NodeRecord> local;
    std::map<std::string, std::shared_ptr<const NodeRecord>> remote;  // by lower-cased name
    std::shared_ptr<const IndexTable> indexes;
    std::map<std::string, TtlTimer> ttl_timers;  // by check ID, only while armed
  };
  // Edits a copy of the local node. `edit` returns an error, false (nothing
  // changes) or true (publish at `next`, the index it must stamp).
  using LocalEdit = std::function<Result<bool>(State&, NodeRecord&, Index next)>;

  Result<Index> edit_local(const LocalEdit& edit);
  // Publishes `after` in place of `before` (null: a node added or removed) at state.index.
  void commit(State& state, const std::shared_ptr<const NodeRecord>& before,
              std::shared_ptr<const NodeRecord> after);
  bool is_local(std::string_view node_name) const;
  void notify();

  std::string datacenter_;
  std::string local_name_;
  Guarded<State> state_;
  mutable Guarded<std::shared_ptr<const Catalog>> current_;
  Guarded<std::vector<Listener>> listeners_;
};

}  // namespace roster::registry
