#include "gossip/membership.hpp"

#include <algorithm>

#include "gossip/codec.hpp"

namespace roster::gossip {

namespace {
Duration jitter(std::mt19937_64& rng, Duration span) {
  if (span.count() <= 0) return Duration::zero();
  return Duration(std::uniform_int_distribution<Duration::rep>(0, span.count() - 1)(rng));
}
}  // namespace

Membership::Membership(Config config, Identity self, Transport& transport, Logger log,
                       std::uint64_t seed, TimePoint now)
    : config_(std::move(config)),
      transport_(transport),
      log_(std::move(log)),
      rng_(seed),
      awareness_(config_.awareness_max),
      queue_(config_.broadcast_queue_cap) {
  Member m;
  m.name = std::move(self.name);
  m.boot_id = self.boot_id;
  m.tag = member_tag(m.name, m.boot_id);
  m.address = self.address;
  m.incarnation = self.incarnation;
  m.meta = std::move(self.meta);
  m.state_changed = now;
  self_idx_ = insert_row(std::move(m));
  // Periodic tasks start at a random offset inside their period so agents
  // started together do not tick in lock-step.
  next_probe_ = now + jitter(rng_, config_.probe_interval);
  next_gossip_ = now;
  next_push_pull_ = now + config_.push_pull_interval / 2 + jitter(rng_, config_.push_pull_interval);
  next_reconnect_ = now + jitter(rng_, config_.reconnect_interval);
  next_reap_ = now + std::chrono::seconds(1);
}

void Membership::on_datagram(const Address& from, std::span<const std::uint8_t> packet,
                             TimePoint now) {
  const auto st = decode_packet(packet, [&](Message&& msg) {
    std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, Ping>) on_ping(from, m, now);
          else if constexpr (std::is_same_v<T, Ack>) on_ack(m.seq, now);
          else if constexpr (std::is_same_v<T, Nack>) on_nack(m.seq);
          else if constexpr (std::is_same_v<T, PingReq>) on_ping_req(from, m, now);
          else if constexpr (std::is_same_v<T, Alive>) apply_alive(m, now);
          else if constexpr (std::is_same_v<T, Suspect>) apply_suspect(m, now);
          else if constexpr (std::is_same_v<T, Dead>) apply_dead(m, now);
          else {
            if (!delegate_) return;
            auto key = delegate_->on_broadcast(m.payload, now);
            if (key) {
              stats_.broadcasts_dropped +=
                  queue_.push("a:" + *key, encode_message(User{std::move(m.payload)}));
            }
          }
        },
        msg);
  });
  stats_.unknown_messages += st.unknown;
  if (!st.framing_ok || st.malformed) ++stats_.malformed_packets;
}

void Membership::tick(TimePoint now) {
  if (probe_.active) {
    if (!probe_.acked && !probe_.indirect_sent && now >= probe_.timeout_at) probe_timeout(now);
    if (now >= probe_.end_at) finish_probe(now);
  }
  if (!probe_.active && now >= next_probe_) {
    if (!leaving_) start_probe(now);
    if (!probe_.active) next_probe_ = now + awareness_.scale(config_.probe_interval);
  }
  if (!relays_.empty()) expire_relays(now);
  if (!reclaims_.empty()) expire_reclaims(now);
  if (!suspicions_.empty()) {
    std::vector<MemberTag> expired;
    for (auto& [tag, s] : suspicions_) {
      if (now < s.deadline()) continue;
      auto idx = by_tag(tag);
      if (idx && s.confirmations() < s.wanted() && !s.final_check_done()) {
        s.start_final_check(config_.probe_interval);
        const Member& m = rows_[*idx];
        send(m.address, {Ping{next_seq(), tag}, Suspect{tag, m.incarnation, self().tag}});
        continue;
      }
      expired.push_back(tag);
    }
    for (MemberTag tag : expired) {
      auto idx = by_tag(tag);
      suspicions_.erase(tag);
      if (!idx || rows_[*idx].state != MemberState::Suspect) continue;
      const Member& m = rows_[*idx];
      log_.info("suspect has failed, no acks received",
                {{"member", m.name}, {"incarnation", std::to_string(m.incarnation)}});
      ++stats_.failures_declared;
      apply_dead(Dead{tag, m.incarnation, self().tag}, now);
    }
  }
  if (now >= next_gossip_ && !queue_.empty()) {
    gossip(now);
    next_gossip_ = now + config_.gossip_interval;
  }
  if (now >= next_push_pull_) {
    if (!leaving_ && join_state_ != JoinState::Failed) push_pull(now);
    next_push_pull_ = now + config_.push_pull_period(live_count_);
  }
  if (now >= next_reconnect_) {
    if (!leaving_ && gone_count_ > 0) reconnect(now);
    next_reconnect_ = now + config_.reconnect_interval;
  }
  if (now >= next_reap_) {
    if (gone_count_ > 0) reap(now);
    next_reap_ = now + std::chrono::seconds(1);
  }
  if (join_retry_at_ && now >= *join_retry_at_) {
    join_retry_at_.reset();
    join_pending_ = 0;
    for (const auto& seed : join_seeds_) start_sync(seed, "", ExchangeKind::Join, now);
  }
}

TimePoint Membership::next_deadline() const {
  TimePoint t = TimePoint::max();
  auto at = [&](TimePoint x) { t = std::min(t, x); };
  if (probe_.active) {
    if (!probe_.acked && !probe_.indirect_sent) at(probe_.timeout_at);
    at(probe_.end_at);
  } else if (!leaving_) {
    at(next_probe_);
  }
  for (const auto& [seq, r] : relays_) at(r.deadline);
  for (const auto& [name, r] : reclaims_) at(r.second_sent || r.acked ? r.deadline : r.second_at);
  for (const auto& [tag, s] : suspicions_) at(s.deadline());
  if (!queue_.empty()) at(next_gossip_);
  if (live_count_ > 1) at(next_push_pull_);
  if (gone_count_ > 0) {
    at(next_reconnect_);
    at(next_reap_);
  }
  if (join_retry_at_) at(*join_retry_at_);
  return t;
}

void Membership::send(const Address& to, std::initializer_list<Message> primary) {
  PacketBuilder pb(config_.payload_budget());
  for (const auto& m : primary) pb.add(m);
  const int limit = retransmit_limit();
  queue_.take(pb.remaining(), limit, [&](std::span<const std::uint8_t> s) { pb.add_framed(s); });
  transport_.send_datagram(to, pb.bytes());
}

void Membership::gossip(TimePoint now) {
  const auto targets = pick_random(std::size_t(config_.gossip_fanout), [&](const Member& m) {
    if (is_live(m.state)) return true;
    return now - m.state_changed < config_.gossip_to_dead;
  });
  const int limit = retransmit_limit();
  for (std::size_t idx : targets) {
    if (queue_.empty()) break;
    PacketBuilder pb(config_.payload_budget());
    // Gossip to a member we hold dead (so that it can refute) most likely
    // goes nowhere: it does not use up the rumors' transmissions, which in a
    // small or split cluster are few.
    queue_.take(pb.remaining(), limit, [&](std::span<const std::uint8_t> s) { pb.add_framed(s); },
                is_live(rows_[idx].state));
    if (pb.count() == 0) break;
    transport_.send_datagram(rows_[idx].address, pb.bytes());
  }
}

std::vector<std::size_t> Membership::pick_random(std::size_t k,
                                                 const std::function<bool(const Member&)>& ok) {
  std::vector<std::size_t> out;
  const std::size_t n = rows_.size();
  if (n <= 1 || k == 0) return out;
  auto eligible = [&](std::size_t i) {
    return i != self_idx_ && ok(rows_[i]) &&
           std::find(out.begin(), out.end(), i) == out.end();
  };
  // Rejection sampling is O(k) when most rows qualify; fall back to a scan.
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  for (std::size_t tries = 0; tries < 4 * k + 16 && out.size() < k; ++tries) {
    const std::size_t i = pick(rng_);
    if (eligible(i)) out.push_back(i);
  }
  if (out.size() < k) {
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < n; ++i)
      if (eligible(i)) rest.push_back(i);
    std::shuffle(rest.begin(), rest.end(), rng_);
    for (std::size_t i = 0; i < rest.size() && out.size() < k; ++i) out.push_back(rest[i]);
  }
  return out;
}

Status Membership::broadcast(std::string key, std::vector<std::uint8_t> payload) {
  if (payload.empty() || payload.size() > kMaxBroadcastBytes)
    return invalid("gossip broadcast must be 1.." + std::to_string(kMaxBroadcastBytes) + " bytes");
  stats_.broadcasts_dropped +=
      queue_.push("a:" + key, encode_message(User{std::move(payload)}));
  return ok();
}

Result<std::uint64_t> Membership::request(const std::string& member,
                                          std::vector<std::uint8_t> payload) {
  auto idx = by_name(member);
  if (!idx || !is_live(rows_[*idx].state) || *idx == self_idx_)
    return not_found("no live member named " + member);
  if (payload.size() > kMaxStreamPayloadBytes) return invalid("request too large");
  const std::uint64_t id = next_stream_id_++;
  exchanges_[id] = Exchange{ExchangeKind::App, rows_[*idx].address, member};
  transport_.send_stream(rows_[*idx].address, id,
                         encode_stream(AppRequest{self().name, std::move(payload)}));
  return id;
}

const Member* Membership::find(std::string_view name) const {
  auto idx = by_name(name);
  return idx ? &rows_[*idx] : nullptr;
}

std::uint64_t Membership::digest() const {
  std::uint64_t sum = 0;
  for (const auto& m : rows_) {
    // Suspect counts as up: suspicion is a local, transient opinion.
    const std::uint64_t cls = m.state == MemberState::Dead ? 1 : m.state == MemberState::Left ? 2 : 0;
    std::uint64_t h = m.tag * 0x9e3779b97f4a7c15ull ^ (m.incarnation + (cls << 62));
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    sum += h;
  }
  return sum;
}

Status Membership::set_meta(std::vector<std::uint8_t> meta, TimePoint now) {
  if (meta.size() > kMaxMetaBytes)
    return invalid("node meta must be at most " + std::to_string(kMaxMetaBytes) + " bytes");
  Member& me = rows_[self_idx_];
  me.meta = std::move(meta);
  ++me.incarnation;
  me.state_changed = now;
  queue_member(me.name, alive_of(me));
  return ok();
}

}  // namespace roster::gossip
