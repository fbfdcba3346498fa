#pragma once
// Replicator: the replicated registry on top of gossip (docs/replication.md).
// It plugs into the membership core through gossip/delegate.hpp and keeps a
// ReplicaStore; pure: no I/O, no threads, time passed in. The agent's glue
// feeds it the local node's record when the registry publishes a change and
// applies what take_updates() returns with Registry::apply_remote.
//
//   local change  -> new version -> rumor (≈ 30 B) broadcast under "reg:<name>"
//   rumor that is news -> fetch the record over a stream from the rumor's
//                  holder (then the owner, then later holders), and only once
//                  held re-broadcast it naming ourselves as holder, so every
//                  fetch goes to a node that has the bytes
//   push/pull     -> our blob is the 10-byte Digest; where the peer's
//                  differs, the side with the smaller name sends its full
//                  Summary (16 bucket hashes), the other answers with its
//                  entries for the differing buckets, the leader pushes the
//                  records the other lacks with the names it wants, and gets
//                  those back
//   membership    -> failed: serfHealth critical ("Agent not live or
//                  unreachable") on that node's replica; alive again: the
//                  owner's record as is; then we announce our own record
//                  again and sync with one returned member (what changed
//                  while cut off spreads by rumor, and one exchange catches
//                  what the rumors missed); left or reaped: removed
//                  (tombstone)
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.hpp"
#include "gossip/delegate.hpp"
#include "gossip/replica_store.hpp"
#include "registry/registry.hpp"

namespace roster::gossip::replica {

using namespace std::chrono_literals;

inline constexpr std::string_view kSerfFailedOutput = "Agent not live or unreachable";

struct ReplicatorConfig {
  std::string self;                          // this agent's node name
  std::uint64_t boot = 0;                    // boot_epoch() of this start
  std::chrono::seconds tombstone_ttl = 80h;  // > gossip's dead/left reap time (72 h)
  Duration fetch_retry = 500ms;  // a holder without the record yet: ask the next one after this
  int fetch_attempts = 6;        // then leave it to anti-entropy
  std::size_t max_requests_per_peer = 2;     // fetches in flight to one peer
  std::size_t max_message_bytes = 4u << 20;  // records per stream message (the rest: asked again)
  bool gossip_output_changes = false;        // output-only check changes: anti-entropy only
  // The wall clock at the steady time `steady_origin` (tombstones carry wall-clock seconds).
  TimePoint steady_origin{};
  WallTime wall_origin{};
  // A member we held failed is alive again (a healed partition, a node back
  // from a freeze): once the returns have settled (`reannounce_quiet` after
  // the last one, at most `reannounce_within` after the first), announce our
  // own record again, so that the other side, which may have missed our
  // changes, fetches what it lacks; and run one anti-entropy exchange with
  // the last member that came back, for what we missed of its side (a rumor
  // can die out before reaching everyone: that exchange is the backstop).
  Duration reannounce_quiet = 1s;
  Duration reannounce_within = 5s;
  // A fetch not answered after this (a lost SYN costs a TCP connect 1 s) is
  // also sent to the next holder, up to `max_hedges` times, each
  // `hedge_after` after the last; the first answer wins.
  Duration hedge_after = 150ms;
  std::size_t max_hedges = 3;
};

struct ReplicatorStats {
  std::uint64_t rumors = 0, rumors_malformed = 0, rumors_news = 0, rumors_sent = 0, reannounced = 0;
  std::uint64_t fetches = 0, fetch_failures = 0, fetches_abandoned = 0, fetches_hedged = 0;
  std::uint64_t syncs = 0, syncs_agreed = 0, sync_bytes_sent = 0;
  std::uint64_t records_applied = 0, records_removed = 0, requests_malformed = 0;
};

class Replicator final : public Delegate, public MemberListener {
 public:
  using Update = registry::Registry::RemoteUpdate;

  Replicator(ReplicatorConfig config, Broadcaster& gossip, Logger log);

  // The registry published a change to the local node.
  void set_local(const registry::NodeRecord& record, TimePoint now);
  // Fetch retries and tombstone expiry; call at next_deadline() and now and then.
  void tick(TimePoint now);
  TimePoint next_deadline() const;

  // Node changes for the registry since the last call (one per node, newest):
  // a record to show, or null to remove.
  std::vector<Update> take_updates();
  // What the registry should show for `name` now, or null (unknown or removed).
  std::shared_ptr<const registry::NodeRecord> effective(std::string_view name) const;

  // --- gossip/delegate.hpp ---
  std::optional<std::string> on_broadcast(std::span<const std::uint8_t> payload, TimePoint now) override;
  std::vector<std::uint8_t> local_state(const std::string& peer, bool join) override;
  void merge_remote_state(const std::string& peer, std::span<const std::uint8_t> state, bool join,
                          TimePoint now) override;
  std::vector<std::uint8_t> on_request(const std::string& from, std::span<const std::uint8_t> payload,
                                       TimePoint now) override;
  void on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response, TimePoint now) override;
  void on_member_event(const MemberEvent& event) override;

  const ReplicaStore& store() const { return store_; }
  const ReplicatorStats& stats() const { return stats_; }
  // Fetches waiting or in flight.
  std::size_t pending_fetches() const { return pending_.size(); }

 private:
  struct Pending {  // a record some rumor announced, by owner tag
    Stamp stamp;
    std::uint64_t digest = 0;
    std::vector<std::string> candidates;  // holders to ask, in order
    std::size_t next = 0;
    int attempts = 0;
    TimePoint due{};
    std::vector<std::uint64_t> out;  // requests in flight: the fetch, then its hedges
    TimePoint sent_at{};             // of the latest of them
    std::size_t hedges = 0;          // sent for this attempt
    bool in_flight() const { return !out.empty(); }
  };
  enum class RequestKind { Fetch, Sync, Push };
  struct Request {
    RequestKind kind = RequestKind::Fetch;
    std::string peer;
    std::vector<std::uint64_t> tags;  // Fetch
    bool more = false;                // Push: ours was truncated, sync again
  };

  WallTime wall(TimePoint now) const;
  std::string name_of_tag(std::uint64_t tag) const;
  MemberState member_state(std::string_view name) const;
  bool is_member(std::string_view name) const;
  // Merges one shipped item through the membership gates; queues the
  // registry update. Returns the outcome.
  Merge take(const Shipped& item, TimePoint now);
  void queue_update(const std::string& name);
  void announce(const Replica& r);
  void announce_local();
  // A failed member came back: schedule announcing our record again.
  void member_returned(const std::string& name, TimePoint now);
  void pump(TimePoint now);
  std::optional<std::uint64_t> send(RequestKind kind, const std::string& peer, Bytes payload,
                                    std::vector<std::uint64_t> tags = {}, bool more = false);
  // Anti-entropy, as the side that leads: our Summary; the peer answers with
  // its entries in the buckets that differ (sync_answered), we push what it
  // lacks with the names we want, and it answers with those.
  void start_sync(const std::string& peer);
  void sync_answered(const Request& req, const Result<std::vector<std::uint8_t>>& response);
  // Records named in `names`/`tags`, as many as fit in one message.
  RecordsMsg ship(const std::vector<std::string>& names, const std::vector<std::uint64_t>& tags) const;
  void fetch_done(std::uint64_t id, const Request& req, bool answered, TimePoint now);
  // The holder the next hedge of `p` would ask, if it may have one.
  const std::string* hedge_peer(const Pending& p) const;

  ReplicatorConfig cfg_;
  Broadcaster& gossip_;
  Logger log_;
  ReplicaStore store_;
  std::uint64_t self_tag_;
  std::map<std::string, std::pair<std::string, MemberState>> members_;  // lower name -> (name, state)
  std::multimap<std::uint64_t, std::string> member_tags_;               // tag -> lower name
  std::map<std::uint64_t, Pending> pending_;                            // by owner tag
  std::map<std::uint64_t, Request> requests_;                           // in flight, by id
  std::map<std::string, std::size_t> inflight_;                         // by peer
  std::map<std::string, Update> updates_;                               // by lower name
  std::optional<TimePoint> reannounce_at_, first_return_;
  std::string last_returned_;
  ReplicatorStats stats_;
};

}  // namespace roster::gossip::replica
