#pragma once
// Registry: the agent's registry. It owns the local node's record (services,
// checks, TTL timers) and the nodes written through /v1/catalog/register,
// applies writes, and publishes a new immutable Catalog after each change. It
// knows nothing of DNS, HTTP or processes; time comes in as arguments.
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/guarded.hpp"
#include "common/result.hpp"
#include "registry/catalog_view.hpp"
#include "registry/check_state.hpp"
#include "registry/definitions.hpp"
#include "registry/journal.hpp"
#include "registry/ttl_check.hpp"

namespace roster::registry {

struct LocalNode {
  std::string name;
  std::string id;
  std::string address;
  std::string datacenter = "dc1";
  std::map<std::string, std::string> meta;
};

// Where a service came from: config-file services are not persisted (the
// files are the source of truth) and win over persisted ones with their ID.
enum class Origin { Api, Config };

// Thread safety: every method may be called from any thread. Writes are
// applied in order under one mutex to the working state (persistent maps, so a
// write copies only the O(log n) nodes it touches), then committed in groups:
// one writer at a time takes every write applied so far, appends their
// journal records with one fsync (when a Journal is attached), publishes one
// new Catalog for the whole group and runs the listeners; then every write of
// the group returns. So a write returns only once it is durable and visible to
// the next snapshot(), and a snapshot never shows half of a write.
// snapshot() only copies a shared_ptr.
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
  Result<Index> register_service(const ServiceRegistration& reg, TimePoint now, Origin origin);
  // NotFound when no service has this ID.
  Result<Index> deregister_service(std::string_view service_id);
  // TTL update (pass/warn/fail/update). NotFound for an unknown check,
  // Conflict for a check that is not a TTL check.
  Result<Index> update_ttl(std::string_view check_id, HealthStatus status, std::string output,
                           TimePoint now);
  // Turns every TTL check whose deadline has passed critical.
  void expire_ttls(TimePoint now);
  // Results of HTTP/TCP/script check runs, applied in order through each
  // check's thresholds (registry/check_state.hpp). Reports naming a check that
  // is gone or no longer an interval check are ignored.
  Result<Index> report_checks(const std::vector<CheckReport>& reports, TimePoint now);
  // DeregisterCriticalServiceAfter: removes every service one of whose checks
  // has been critical without a break for longer than its limit. Returns the
  // removed service IDs.
  std::vector<std::string> reap_critical_services(TimePoint now);
  // Which script checks registrations may carry (enable_script_checks,
  // enable_local_script_checks). Default: none. Set before serving.
  void set_script_checks(ScriptChecks policy);
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

  // Nodes replicated from their owners by gossip (registry/registry_remote.cpp,
  // gossip/replicator.hpp). `record` null removes the node. Applied like a
  // catalog write, as one group at one new index stamped by this agent, but
  // never journaled: peers teach them again after a restart. Conflict if an
  // update names the local node, Invalid if a record's node name differs from
  // `name` (nothing is applied then). Updates that change nothing keep the index.
  struct RemoteUpdate {
    std::string name;
    std::shared_ptr<const NodeRecord> record;
  };
  Result<Index> apply_remote(const std::vector<RemoteUpdate>& updates);
  Result<Index> apply_remote(std::string name, std::shared_ptr<const NodeRecord> record);
  // The local node's record as last published (what gossip replicates).
  std::shared_ptr<const NodeRecord> local_record() const;

  // Deferred acknowledgement, for callers that must not block a thread on a
  // durable write (the HTTP server). While a DeferredCommit is open on a
  // thread and a commit executor is set, the writes that thread makes return
  // once applied (not yet durable or visible) and the scope records the
  // sequence number to wait for; the caller then acknowledges the write from
  // when_committed(). Without an executor, writes commit as usual.
  class DeferredCommit {
   public:
    explicit DeferredCommit(Registry& registry);
    ~DeferredCommit();
    DeferredCommit(const DeferredCommit&) = delete;
    DeferredCommit& operator=(const DeferredCommit&) = delete;
    // 0: nothing to wait for.
    std::uint64_t seq() const { return seq_; }

   private:
    friend class Registry;
    Registry& registry_;
    DeferredCommit* outer_;
    std::uint64_t seq_ = 0;
  };
  // Runs a commit task in the background (e.g. posts it to a dedicated thread).
  using CommitExecutor = std::function<void(std::function<void()>)>;
  // Set before serving. Groups of deferred writes are committed by tasks
  // given to `executor`, one at a time.
  void set_commit_executor(CommitExecutor executor);
  // Calls `done` (on the committing thread, or inline when already
  // committed) with the outcome of the group holding write `seq`.
  void when_committed(std::uint64_t seq, std::function<void(Status)> done);

  // Called after every published change. Subscribe before serving.
  void subscribe(Listener listener);

  // Loads persisted services and checks (replayed from a journal) as one
  // write; services registered from config files win (the persisted copy and
  // its checks are dropped). A TTL check gets its saved status and output back
  // only if its saved expiry (wall clock) is still ahead of `wall_now`, else
  // it starts critical. Returns how many services were restored.
  std::size_t restore(const PersistedState& state, TimePoint now, WallTime wall_now);
  // From now on every change to API-registered services and checks (and
  // every TTL update) is appended to `journal` before the write returns.
  // Starts by rewriting the journal with the current state (compaction).
  Status attach_journal(std::unique_ptr<Journal> journal, const Clock& clock);

 private:
  // Armed TTL timers by check ID, with their deadlines in order.
  class Timers {
   public:
    void arm(const std::string& id, TtlTimer t);
    void erase(const std::string& id);
    bool armed(const std::string& id) const { return by_id_.count(id) > 0; }
    const TtlTimer* find(const std::string& id) const;
    std::optional<TimePoint> next() const;
    std::vector<std::string> expired(TimePoint now) const;

   private:
    std::map<std::string, TtlTimer> by_id_;
    std::set<std::pair<TimePoint, std::string>> by_deadline_;
  };
  struct State {
    Index index = 1;
    std::shared_ptr<const NodeRecord> local;
    std::map<std::string, std::shared_ptr<const NodeRecord>> remote;  // by lower-cased name
    IndexTable indexes;
    Timers ttl_timers;
    // Interval checks' threshold counters, and since when each check with a
    // DeregisterCriticalServiceAfter has been critical (kept by apply()).
    std::map<std::string, CheckCounters> counters;
    std::map<std::string, TimePoint> critical_since;
    TimePoint now{};  // the time of the write being applied
    ScriptChecks scripts;
    std::set<std::string> config_services;  // IDs registered from config files
    // The local node's service checks by service ID, kept in step by apply().
    std::map<std::string, std::set<std::string>> service_checks;
    std::vector<std::string> checks_of(const std::string& service_id) const {
      const auto it = service_checks.find(service_id);
      return it == service_checks.end() ? std::vector<std::string>{}
                                        : std::vector<std::string>(it->second.begin(), it->second.end());
    }
    // The group not yet committed: writes applied since the last commit.
    std::uint64_t applied = 0;                                   // sequence of the last write applied
    std::map<std::string, Catalog::NodeChange> pending_changes;  // by lower-cased node name
    std::set<std::string> persist_checks;                        // TTL updates to journal even if unchanged
    std::string pending_records;                                 // journal bytes
    // Journal bookkeeping.
    Journal* journal = nullptr;
    std::uint64_t journal_live = 0;  // bytes of the last compaction
    std::uint64_t journal_appended = 0;
    bool compact_next = false;
  };
  // Edits a copy of the local node. `edit` returns an error, false (nothing
  // changes) or true (publish at `next`, the index it must stamp).
  using LocalEdit = std::function<Result<bool>(State&, NodeRecord&, Index next)>;

  Result<Index> edit_local(const LocalEdit& edit);
  // Applies `after` in place of `before` (null: a node added or removed) at
  // state.index to the working state and adds it to the pending group.
  void apply(State& state, const std::shared_ptr<const NodeRecord>& before,
             std::shared_ptr<const NodeRecord> after);
  // Journal records for the local node's change from `before` to `after`.
  void journal_change(State& state, const NodeRecord& before, const NodeRecord& after);
  void journal_check(State& state, const Check& check);
  // Keeps state.counters and state.critical_since in step with a check's
  // change (null: added or removed).
  static void track_check_state(State& state, const Check* before, const Check* after);
  std::string full_image(const State& state) const;
  // Returns once write `seq` is committed (durable and published); the error
  // of its group's journal append, if any.
  Status await_commit(std::uint64_t seq);
  // Commits everything applied so far as one group (registry_commit.cpp).
  // Called with `lk` held and no commit running; returns with it held.
  void commit_group(std::unique_lock<std::mutex>& lk);
  void run_commits();  // the executor's task: commit until no deferred write waits
  Status status_of(std::uint64_t seq) const;  // under commit_mu_
  bool is_local(std::string_view node_name) const;

  std::string datacenter_;
  std::string local_name_;
  Guarded<State> state_;
  mutable Guarded<std::shared_ptr<const Catalog>> current_;
  Guarded<std::vector<Listener>> listeners_;

  std::unique_ptr<Journal> journal_;
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  std::uint64_t committed_ = 0;  // under commit_mu_
  bool committing_ = false;      // under commit_mu_
  std::map<std::uint64_t, std::pair<std::uint64_t, Error>> failed_;  // first seq -> (last seq, error)
  std::multimap<std::uint64_t, std::function<void(Status)>> waiters_;  // deferred writes, under commit_mu_
  CommitExecutor commit_executor_;  // under commit_mu_
  bool commit_scheduled_ = false;   // under commit_mu_
  const Clock* clock_ = nullptr;  // set with the journal: wall-clock TTL expiries
};

}  // namespace roster::registry
