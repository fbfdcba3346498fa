// Join, push/pull anti-entropy (digest first) and application streams
// (gossip.md §1.4, §1.5; name reclaim and conflicts, §3 item 5).
#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

namespace roster::gossip {

void Membership::join(const std::vector<Address>& seeds, TimePoint now) {
  join_seeds_ = seeds;
  join_attempt_ = 1;
  join_pending_ = 0;
  join_retry_at_.reset();
  join_error_.clear();
  if (seeds.empty()) {
    join_state_ = JoinState::Failed;
    join_done(invalid("no address to join"));
    return;
  }
  join_state_ = JoinState::Joining;
  for (const auto& seed : seeds) start_sync(seed, "", ExchangeKind::Join, now);
}

void Membership::start_sync(const Address& peer, const std::string& peer_name, ExchangeKind kind,
                            TimePoint now) {
  (void)now;
  SyncRequest req;
  req.join = kind == ExchangeKind::Join;
  req.has_table = kind == ExchangeKind::Push;
  req.self = alive_of(self());
  req.digest = digest();
  if (req.has_table) req.table = table();
  if (kind != ExchangeKind::Push && delegate_) req.app = delegate_->local_state(peer_name, req.join);
  const std::uint64_t id = next_stream_id_++;
  exchanges_[id] = Exchange{kind, peer, peer_name};
  if (kind == ExchangeKind::Join) ++join_pending_;
  if (kind == ExchangeKind::PushPull) ++stats_.push_pulls;
  transport_.send_stream(peer, id, encode_stream(req));
}

void Membership::push_pull(TimePoint now) {
  auto pick = pick_random(1, [](const Member& m) { return m.state == MemberState::Alive; });
  if (pick.empty()) return;
  const Member& m = rows_[pick.front()];
  start_sync(m.address, m.name, ExchangeKind::PushPull, now);
}

void Membership::reconnect(TimePoint now) {
  // A failed member may be on the other side of a healed partition: one
  // exchange makes both sides hear of (and refute) their death verdicts.
  auto pick = pick_random(1, [](const Member& m) { return m.state == MemberState::Dead; });
  if (pick.empty()) return;
  const Member& m = rows_[pick.front()];
  start_sync(m.address, m.name, ExchangeKind::PushPull, now);
}

std::vector<MemberRecord> Membership::table() const {
  std::vector<MemberRecord> out;
  out.reserve(rows_.size());
  for (const auto& m : rows_) out.push_back(MemberRecord{alive_of(m), m.state});
  return out;
}

void Membership::merge_table(const std::vector<MemberRecord>& table, MemberTag accuser,
                             TimePoint now) {
  for (const auto& rec : table) {
    const Alive& a = rec.identity;
    const MemberTag tag = member_tag(a.name, a.boot_id);
    switch (rec.state) {
      case MemberState::Alive:
        apply_alive(a, now);
        break;
      case MemberState::Suspect:
        apply_alive(a, now);
        apply_suspect(Suspect{tag, a.incarnation, accuser}, now);
        break;
      case MemberState::Dead:
        // Someone else's failure verdict is only a suspicion here: the
        // member gets its chance to refute (memberlist does the same).
        if (by_tag(tag)) apply_suspect(Suspect{tag, a.incarnation, accuser}, now);
        break;
      case MemberState::Left:
        if (by_tag(tag)) apply_dead(Dead{tag, a.incarnation, tag}, now);
        break;
    }
  }
}

std::optional<SyncReply> Membership::vet_joiner(const Alive& joiner, TimePoint now) {
  const Member& me = self();
  auto refuse = [&](const Member& holder) {
    SyncReply r;
    r.status = SyncStatus::NameConflict;
    r.error = "node name \"" + joiner.name + "\" is already used by a live member at " +
              holder.address.to_string() + "; pick another name (-node) or stop that agent";
    return r;
  };
  if (joiner.name == me.name) {
    if (joiner.boot_id == me.boot_id) return std::nullopt;  // joined itself
    ++stats_.name_conflicts;
    log_.warn("refused a joiner using our own name", {{"address", joiner.address.to_string()}});
    return refuse(me);
  }
  auto idx = by_name(joiner.name);
  if (!idx) return std::nullopt;
  const Member& row = rows_[*idx];
  if (!is_live(row.state) || row.boot_id == joiner.boot_id) return std::nullopt;
  if (auto c = conflicts_.find(joiner.name);
      c != conflicts_.end() && c->second.first == joiner.boot_id && now < c->second.second)
    return refuse(row);
  start_reclaim(row, joiner.boot_id, std::nullopt, now);
  SyncReply r;
  r.status = SyncStatus::Retry;
  r.error = "node name \"" + joiner.name + "\" is held by a member at " +
            row.address.to_string() + " that is still listed as alive";
  return r;
}

std::vector<std::uint8_t> Membership::on_stream_request(const Address& from,
                                                        std::span<const std::uint8_t> request,
                                                        TimePoint now) {
  auto msg = decode_stream(request);
  if (!msg) {
    ++stats_.malformed_packets;
    return {};
  }
  if (auto* req = std::get_if<SyncRequest>(&msg.value()))
    return serve_sync(from, std::move(*req), now);
  if (auto* ping = std::get_if<StreamPing>(&msg.value()))
    return encode_stream(StreamPingReply{ping->seq, ping->target == self().tag});
  if (auto* req = std::get_if<AppRequest>(&msg.value())) {
    AppReply reply;
    if (delegate_) reply.payload = delegate_->on_request(req->from, req->payload, now);
    return encode_stream(reply);
  }
  ++stats_.malformed_packets;
  return {};
}

std::vector<std::uint8_t> Membership::serve_sync(const Address& from, SyncRequest&& req,
                                                 TimePoint now) {
  (void)from;
  if (req.join) {
    if (auto refusal = vet_joiner(req.self, now)) return encode_stream(*refusal);
  }
  apply_alive(req.self, now);
  SyncReply reply;
  const std::uint64_t mine = digest();
  const bool first = !req.has_table;  // the second exchange of a round carries no app state
  if (first && delegate_) reply.app = delegate_->local_state(req.self.name, req.join);
  reply.digest = mine;
  reply.has_table = req.join || (first && req.digest != mine);
  if (reply.has_table) reply.table = table();
  if (req.has_table) merge_table(req.table, member_tag(req.self.name, req.self.boot_id), now);
  if (first && delegate_) delegate_->merge_remote_state(req.self.name, req.app, req.join, now);
  return encode_stream(reply);
}

void Membership::on_stream_response(std::uint64_t id, Result<std::vector<std::uint8_t>> response,
                                    TimePoint now) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  const Exchange ex = std::move(it->second);
  exchanges_.erase(it);
  std::optional<StreamMessage> msg;
  Error err{ErrorCode::Internal, ""};
  if (!response) {
    err = response.error();
  } else if (auto decoded = decode_stream(response.value()); decoded) {
    msg = std::move(decoded.value());
  } else {
    err = decoded.error();
    ++stats_.malformed_packets;
  }
  if (ex.kind == ExchangeKind::Ping) {
    auto* reply = msg ? std::get_if<StreamPingReply>(&*msg) : nullptr;
    if (reply && reply->acked && reply->seq == ex.seq) {
      ++stats_.stream_ping_acks;
      on_ack(ex.seq, now);
    }
    return;
  }
  if (ex.kind == ExchangeKind::App) {
    if (!delegate_) return;
    if (msg && std::holds_alternative<AppReply>(*msg)) {
      delegate_->on_response(id, std::move(std::get<AppReply>(*msg).payload), now);
    } else {
      if (msg) err = invalid("unexpected reply to an application request");
      delegate_->on_response(id, Result<std::vector<std::uint8_t>>(err), now);
    }
    return;
  }
  if (msg && std::holds_alternative<SyncReply>(*msg)) {
    on_sync_reply(ex, std::move(std::get<SyncReply>(*msg)), now);
    return;
  }
  if (msg) err = invalid("unexpected reply to a sync request");
  if (ex.kind == ExchangeKind::Join) {
    --join_pending_;
    join_error_ = "could not join " + ex.peer.to_string() + ": " + err.message;
    if (join_pending_ <= 0 && join_state_ == JoinState::Joining && !join_retry_at_) {
      join_state_ = JoinState::Failed;
      join_done(Error{err.code, join_error_});
    }
  } else {
    log_.debug("push/pull failed", {{"peer", ex.peer.to_string()}, {"error", err.message}});
  }
}

void Membership::on_sync_reply(const Exchange& ex, SyncReply&& reply, TimePoint now) {
  const bool join = ex.kind == ExchangeKind::Join;
  if (join) --join_pending_;
  if (reply.status != SyncStatus::Ok) {
    if (!join || join_state_ != JoinState::Joining) return;
    if (reply.status == SyncStatus::Retry && join_attempt_ < config_.join_attempts) {
      if (!join_retry_at_) {
        ++join_attempt_;
        join_retry_at_ = now + config_.probe_interval + config_.probe_timeout;
      }
      return;
    }
    if (join_pending_ > 0 || join_retry_at_) return;  // another seed may still accept us
    join_state_ = JoinState::Failed;
    join_error_ = reply.error;
    log_.error("join refused", {{"seed", ex.peer.to_string()}, {"error", reply.error}});
    join_done(conflict(reply.error));
    return;
  }
  std::string peer_name = ex.peer_name;
  MemberTag accuser = 0;
  if (reply.has_table) {
    for (const auto& rec : reply.table)
      if (peer_name.empty() && rec.identity.address == ex.peer) peer_name = rec.identity.name;
    if (auto idx = by_name(peer_name)) accuser = rows_[*idx].tag;
    merge_table(reply.table, accuser, now);
  }
  if (ex.kind != ExchangeKind::Push && delegate_)
    delegate_->merge_remote_state(peer_name, reply.app, join, now);
  if (join) {
    if (join_state_ != JoinState::Joined) {
      join_state_ = JoinState::Joined;
      join_retry_at_.reset();
      join_error_.clear();
      const Member& me = self();
      queue_member(me.name, alive_of(me));
      log_.info("joined the cluster", {{"seed", ex.peer.to_string()},
                                       {"members", std::to_string(live_count_)}});
      join_done(ok());
    }
    return;
  }
  if (ex.kind == ExchangeKind::PushPull && reply.has_table) {
    // Our tables differed: let the peer merge ours too.
    ++stats_.push_pull_tables;
    start_sync(ex.peer, peer_name, ExchangeKind::Push, now);
  }
}

void Membership::join_done(const Status& s) {
  if (!s) log_.error("join failed", {{"error", s.error().message}});
  if (join_cb_) join_cb_(s);
}

}  // namespace roster::gossip
