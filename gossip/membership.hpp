#pragma once
// The SWIM + Lifeguard membership state machine (gossip.md §1.1–1.5), sans
// I/O: it sends through a Transport, is fed received packets and stream
// requests by its shell, and is woken by tick(now) at next_deadline(). One
// thread (or strand) owns it; nothing here is thread-safe.
//
//   probe:   round-robin over a shuffled list, ping → ack within probe_timeout,
//            else ping-req through indirect_checks peers (they nack if they hear
//            nothing), else suspect at the end of the (health-scaled) period;
//   suspect: Lifeguard timer shrinking with independent confirmations → dead;
//            the accused refutes by raising its incarnation (buddy system: the
//            suspicion rides with the ping to the suspect);
//   spread:  broadcast queue piggybacked on every datagram, plus gossip to
//            gossip_fanout peers every gossip_interval while there is news;
//   repair:  push/pull of the member table (digest first) with a random peer
//            every push_pull_period, and with a failed peer every
//            reconnect_interval (heals partitions); join is the same exchange.
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/log.hpp"
#include "gossip/awareness.hpp"
#include "gossip/broadcast_queue.hpp"
#include "gossip/config.hpp"
#include "gossip/delegate.hpp"
#include "gossip/messages.hpp"
#include "gossip/suspicion.hpp"
#include "gossip/transport.hpp"

namespace roster::gossip {

// Who this node is. `incarnation` should start from a persisted value or the
// wall clock in seconds, so a restart outranks its previous life without a
// refutation round.
struct Identity {
  std::string name;
  BootId boot_id = 0;
  Address address;
  std::uint64_t incarnation = 0;
  std::vector<std::uint8_t> meta;
};

enum class JoinState : std::uint8_t { Idle, Joining, Joined, Failed };

struct MembershipStats {
  std::uint64_t probes = 0, probes_failed = 0, suspicions_raised = 0, failures_declared = 0;
  std::uint64_t refutations = 0, name_conflicts = 0, malformed_packets = 0, unknown_messages = 0;
  std::uint64_t stream_pings = 0, stream_ping_acks = 0;
  std::uint64_t push_pulls = 0, push_pull_tables = 0, reclaims = 0, broadcasts_dropped = 0;
};

class Membership final : public Broadcaster {
 public:
  Membership(Config config, Identity self, Transport& transport, Logger log, std::uint64_t seed,
             TimePoint now);
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  void set_delegate(Delegate* d) { delegate_ = d; }
  void set_listener(MemberListener* l) { listener_ = l; }
  // Called once per join() with its outcome (Ok once a seed accepted us).
  void set_join_callback(std::function<void(const Status&)> cb) { join_cb_ = std::move(cb); }

  // --- fed by the shell ---
  void on_datagram(const Address& from, std::span<const std::uint8_t> packet, TimePoint now);
  // Answers a stream request; an empty answer means "close without reply".
  std::vector<std::uint8_t> on_stream_request(const Address& from,
                                              std::span<const std::uint8_t> request, TimePoint now);
  void on_stream_response(std::uint64_t id, Result<std::vector<std::uint8_t>> response,
                          TimePoint now);
  void tick(TimePoint now);
  // When tick() next has work; TimePoint::max() if none.
  TimePoint next_deadline() const;

  // --- operations ---
  // Exchanges member tables with each seed (join). Outcome via the join callback.
  void join(const std::vector<Address>& seeds, TimePoint now);
  // Graceful leave: broadcasts "dead, from myself" (→ left everywhere) and
  // stops probing; keep ticking for Config::leave_propagate before shutting down.
  void leave(TimePoint now);
  bool leaving() const { return leaving_; }
  Status set_meta(std::vector<std::uint8_t> meta, TimePoint now);
  // Forgets a member that left or failed at once, as its reap would (a
  // Reaped event): force-leave -prune. False if `tag` is unknown, us, or live.
  bool prune(MemberTag tag, TimePoint now);
  // Starts from a known member table instead of joining: every row not yet
  // known (by name or tag) is taken as it is, as if learned long ago: a
  // Joined event each, no rumors, no change to timers or messages. Rows keep
  // sharing their name and meta with the caller's copies, so a simulated
  // cluster that starts converged (gossip/sim) holds each name once.
  void restore(std::span<const Member> rows, TimePoint now);

  // --- Broadcaster ---
  Status broadcast(std::string key, std::vector<std::uint8_t> payload) override;
  Result<std::uint64_t> request(const std::string& member,
                                std::vector<std::uint8_t> payload) override;

  // --- reading ---
  const Member& self() const { return rows_[self_idx_]; }
  const Member* find(std::string_view name) const;
  const std::vector<Member>& members() const { return rows_; }
  std::size_t size() const { return rows_.size(); }
  std::size_t num_live() const { return live_count_; }
  int health_score() const { return awareness_.score(); }
  JoinState join_state() const { return join_state_; }
  const std::string& join_error() const { return join_error_; }
  const MembershipStats& stats() const { return stats_; }
  std::size_t queued_broadcasts() const { return queue_.size(); }
  // Order-independent hash of (member, boot, incarnation, up/dead/left) over
  // the table: equal on two agents that agree (push/pull sends tables only
  // when digests differ).
  std::uint64_t digest() const;
  const Config& config() const { return config_; }

 private:
  struct Probe {
    bool active = false;
    bool acked = false;
    bool indirect_sent = false;
    std::uint16_t seq = 0;
    MemberTag target = 0;
    TimePoint timeout_at{}, end_at{};
    int nacks_expected = 0, nacks = 0;
  };
  struct Relay {  // a ping-req we serve for another member
    Address requester;
    std::uint16_t their_seq = 0;
    bool want_nack = false;
    TimePoint deadline{};
  };
  struct Reclaim {  // is the previous owner of a name still alive?
    MemberTag old_tag = 0;
    BootId new_boot = 0;
    Address old_address;
    std::uint16_t seq = 0;
    bool acked = false;
    bool second_sent = false;
    TimePoint second_at{}, deadline{};
    std::optional<Alive> claim;  // the newcomer's alive, taken if the owner is gone
  };
  // Starts checking whether the live owner of `row`'s name still answers
  // before a new boot (`claim`, if known) may take the name over.
  void start_reclaim(const Member& row, BootId new_boot, std::optional<Alive> claim, TimePoint now);
  enum class ExchangeKind : std::uint8_t { Join, PushPull, Push, App, Ping };
  struct Exchange {
    ExchangeKind kind = ExchangeKind::PushPull;
    Address peer;
    std::string peer_name;
    std::uint16_t seq = 0;  // Ping
  };

  // membership_state.cpp: the table and the precedence rules.
  bool apply_alive(const Alive& m, TimePoint now);
  void apply_suspect(const Suspect& m, TimePoint now);
  void apply_dead(const Dead& m, TimePoint now);
  void refute(std::uint64_t accused_incarnation, TimePoint now);
  void set_state(std::size_t idx, MemberState s, TimePoint now);
  std::size_t insert_row(Member m);
  void remove_row(std::size_t idx);
  void reap(TimePoint now);
  // A row is gone (dead or left) since m.state_changed: reap() may not skip
  // its scan past the time that row is due.
  void note_gone(const Member& m);
  void emit(MemberEventKind kind, std::size_t idx, TimePoint now,
            std::optional<Address> replaced = std::nullopt);
  Alive alive_of(const Member& m) const;
  void queue_member(const std::string& name, const Message& m);
  std::optional<std::size_t> by_tag(MemberTag tag) const;
  std::optional<std::size_t> by_name(std::string_view name) const;
  // Row numbers by name and by tag, open addressing (4 bytes a slot, at most
  // 3/4 full): a node-based map would cost ≈ 50 bytes a row plus a copy of
  // the name, which N=10,000 simulated tables cannot afford.
  using RowIndex = std::vector<std::uint32_t>;
  void index_add(std::size_t idx);
  void index_remove(std::size_t idx);
  void index_moved(std::size_t from, std::size_t to);
  void retag(std::size_t idx, MemberTag tag);
  void reindex(std::size_t slots);

  // membership_probe.cpp: failure detection.
  void start_probe(TimePoint now);
  void probe_timeout(TimePoint now);
  void finish_probe(TimePoint now);
  void on_ping(const Address& from, const Ping& m, TimePoint now);
  void on_ping_req(const Address& from, const PingReq& m, TimePoint now);
  void on_ack(std::uint16_t seq, TimePoint now);
  void on_nack(std::uint16_t seq);
  void expire_relays(TimePoint now);
  void expire_reclaims(TimePoint now);
  void gossip(TimePoint now);
  std::optional<MemberTag> next_probe_target(TimePoint now);
  std::uint16_t next_seq() { return ++seq_; }

  // membership_sync.cpp: join, push/pull, application streams.
  void start_sync(const Address& peer, const std::string& peer_name, ExchangeKind kind,
                  TimePoint now);
  void push_pull(TimePoint now);
  void reconnect(TimePoint now);
  std::vector<MemberRecord> table() const;
  void merge_table(const std::vector<MemberRecord>& table, MemberTag accuser, TimePoint now);
  std::vector<std::uint8_t> serve_sync(const Address& from, SyncRequest&& req, TimePoint now);
  void on_sync_reply(const Exchange& ex, SyncReply&& reply, TimePoint now);
  void join_done(const Status& s);
  std::optional<SyncReply> vet_joiner(const Alive& joiner, TimePoint now);

  // membership.cpp: packets.
  void send(const Address& to, std::initializer_list<Message> primary);
  int retransmit_limit() const { return config_.retransmit_limit(live_count_); }
  // Up to k random members passing `ok` (never self).
  std::vector<std::size_t> pick_random(std::size_t k,
                                       const std::function<bool(const Member&)>& ok);

  Config config_;
  Transport& transport_;
  Logger log_;
  std::mt19937_64 rng_;
  Delegate* delegate_ = nullptr;
  MemberListener* listener_ = nullptr;
  std::function<void(const Status&)> join_cb_;

  std::vector<Member> rows_;
  RowIndex name_idx_, tag_idx_;
  std::size_t self_idx_ = 0;
  std::size_t live_count_ = 0;
  std::size_t gone_count_ = 0;  // dead + left rows waiting to be reaped
  // No gone row is due for reaping before this: reap() then skips its scan
  // of the table (each node of a simulated N=10,000 cluster holding a failed
  // row would scan 10,000 rows every second).
  TimePoint reap_due_ = TimePoint::max();

  std::vector<MemberTag> probe_order_;
  std::size_t probe_cursor_ = 0;
  Probe probe_;
  std::uint16_t seq_ = 0;
  std::unordered_map<std::uint16_t, Relay> relays_;
  std::unordered_map<std::string, Reclaim> reclaims_;
  std::unordered_map<std::string, std::pair<BootId, TimePoint>> conflicts_;
  std::unordered_map<MemberTag, Suspicion> suspicions_;
  Awareness awareness_;
  BroadcastQueue queue_;

  TimePoint next_probe_{}, next_gossip_{}, next_push_pull_{}, next_reconnect_{}, next_reap_{};
  std::optional<TimePoint> join_retry_at_;
  std::vector<Address> join_seeds_;
  int join_attempt_ = 0;
  int join_pending_ = 0;
  JoinState join_state_ = JoinState::Idle;
  std::string join_error_;
  bool leaving_ = false;

  std::uint64_t next_stream_id_ = 1;
  std::unordered_map<std::uint64_t, Exchange> exchanges_;
  MembershipStats stats_;
};

}  // namespace roster::gossip
