// Failure detection: SWIM probing with Lifeguard's health multiplier, nacks
// and buddy system (gossip.md §1.2), and the check behind a name reclaim.
#include <algorithm>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

namespace roster::gossip {

std::optional<MemberTag> Membership::next_probe_target(TimePoint now) {
  (void)now;
  for (std::size_t tries = 0; tries < 2 * probe_order_.size() + 2; ++tries) {
    if (probe_cursor_ >= probe_order_.size()) {
      // End of a lap: reshuffle, so the order differs between laps and
      // agents, and every member is still probed once per lap.
      probe_order_.clear();
      for (std::size_t i = 0; i < rows_.size(); ++i)
        if (i != self_idx_ && is_live(rows_[i].state)) probe_order_.push_back(rows_[i].tag);
      std::shuffle(probe_order_.begin(), probe_order_.end(), rng_);
      probe_cursor_ = 0;
      if (probe_order_.empty()) return std::nullopt;
    }
    const MemberTag tag = probe_order_[probe_cursor_++];
    auto idx = by_tag(tag);
    if (!idx || *idx == self_idx_ || !is_live(rows_[*idx].state)) continue;
    return tag;
  }
  return std::nullopt;
}

void Membership::start_probe(TimePoint now) {
  next_probe_ = now + awareness_.scale(config_.probe_interval);
  auto target = next_probe_target(now);
  if (!target) return;
  const Member& row = rows_[*by_tag(*target)];
  probe_ = Probe{};
  probe_.active = true;
  probe_.seq = next_seq();
  probe_.target = *target;
  probe_.timeout_at = now + awareness_.scale(config_.probe_timeout);
  probe_.end_at = next_probe_;
  ++stats_.probes;
  const Ping ping{probe_.seq, *target};
  if (row.state == MemberState::Suspect) {
    // Buddy system: tell the suspect directly, so it refutes at once.
    send(row.address, {ping, Suspect{row.tag, row.incarnation, self().tag}});
  } else {
    send(row.address, {ping});
  }
}

void Membership::probe_timeout(TimePoint now) {
  (void)now;
  probe_.indirect_sent = true;
  const MemberTag target = probe_.target;
  const auto helpers = pick_random(std::size_t(std::max(0, config_.indirect_checks)),
                                   [&](const Member& m) {
                                     return m.state == MemberState::Alive && m.tag != target;
                                   });
  for (std::size_t idx : helpers)
    send(rows_[idx].address, {PingReq{probe_.seq, target, config_.lifeguard}});
  probe_.nacks_expected = config_.lifeguard ? int(helpers.size()) : 0;
  auto idx = by_tag(target);
  if (!idx) return;
  const Member& row = rows_[*idx];
  if (config_.direct_retry) send(row.address, {Ping{probe_.seq, target}});
  if (config_.stream_ping) {
    const std::uint64_t id = next_stream_id_++;
    exchanges_[id] = Exchange{ExchangeKind::Ping, row.address, row.name, probe_.seq};
    ++stats_.stream_pings;
    transport_.send_stream(row.address, id, encode_stream(StreamPing{probe_.seq, target}));
  }
}

void Membership::finish_probe(TimePoint now) {
  probe_.active = false;
  if (probe_.acked) return;
  ++stats_.probes_failed;
  if (config_.lifeguard) {
    // Missing nacks mean our own network (or CPU) is the problem, not the target's.
    const int delta = probe_.nacks_expected > 0
                          ? std::max(0, probe_.nacks_expected - probe_.nacks)
                          : 1;
    awareness_.apply(delta);
  }
  auto idx = by_tag(probe_.target);
  if (!idx || !is_live(rows_[*idx].state)) return;
  const Member& row = rows_[*idx];
  if (row.state == MemberState::Alive) {
    ++stats_.suspicions_raised;
    log_.debug("probe failed, suspecting member", {{"member", row.name}});
  }
  apply_suspect(Suspect{row.tag, row.incarnation, self().tag}, now);
}

void Membership::on_ping(const Address& from, const Ping& m, TimePoint now) {
  (void)now;
  // A ping for another boot of our name (our previous life) gets no ack:
  // that boot is gone, and the pinger will learn of this one by gossip.
  if (m.target != self().tag) return;
  send(from, {Ack{m.seq}});
}

void Membership::on_ping_req(const Address& from, const PingReq& m, TimePoint now) {
  auto idx = by_tag(m.target);
  if (!idx || *idx == self_idx_) {
    if (m.want_nack) send(from, {Nack{m.seq}});
    return;
  }
  const std::uint16_t seq = next_seq();
  relays_[seq] = Relay{from, m.seq, m.want_nack, now + config_.probe_timeout};
  send(rows_[*idx].address, {Ping{seq, m.target}});
}

void Membership::on_ack(std::uint16_t seq, TimePoint now) {
  (void)now;
  if (probe_.active && !probe_.acked && seq == probe_.seq) {
    probe_.acked = true;
    probe_.active = false;
    if (config_.lifeguard) awareness_.apply(-1);
    return;
  }
  if (auto it = relays_.find(seq); it != relays_.end()) {
    send(it->second.requester, {Ack{it->second.their_seq}});
    relays_.erase(it);
    return;
  }
  for (auto& [name, r] : reclaims_)
    if (r.seq == seq) r.acked = true;
}

void Membership::on_nack(std::uint16_t seq) {
  if (probe_.active && seq == probe_.seq) ++probe_.nacks;
}

void Membership::expire_relays(TimePoint now) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now < it->second.deadline) {
      ++it;
      continue;
    }
    if (it->second.want_nack) send(it->second.requester, {Nack{it->second.their_seq}});
    it = relays_.erase(it);
  }
}

void Membership::start_reclaim(const Member& row, BootId new_boot, std::optional<Alive> claim, TimePoint now) {
  if (auto it = reclaims_.find(row.name); it != reclaims_.end()) {
    if (claim && it->second.new_boot == new_boot) it->second.claim = std::move(claim);
    return;
  }
  // The name's previous owner is still listed as up: ask it directly
  // (twice, against loss) whether it is still there.
  Reclaim r;
  r.old_tag = row.tag;
  r.new_boot = new_boot;
  r.old_address = row.address;
  r.seq = next_seq();
  r.second_at = now + config_.probe_timeout;
  r.deadline = now + config_.probe_interval;
  r.claim = std::move(claim);
  reclaims_[row.name] = std::move(r);
  send(row.address, {Ping{reclaims_[row.name].seq, row.tag}});
}

void Membership::expire_reclaims(TimePoint now) {
  for (auto it = reclaims_.begin(); it != reclaims_.end();) {
    Reclaim& r = it->second;
    if (!r.acked && !r.second_sent && now >= r.second_at) {
      r.second_sent = true;
      send(r.old_address, {Ping{r.seq, r.old_tag}});
    }
    if (now < r.deadline) {
      ++it;
      continue;
    }
    const std::string name = it->first;
    auto idx = by_name(name);
    if (r.acked) {
      // The previous owner answered: two live agents want one name.
      conflicts_[name] = {r.new_boot, now + std::chrono::seconds(60)};
      ++stats_.name_conflicts;
      log_.warn("name conflict: a live member already uses this name, refusing the newcomer",
                {{"member", name}, {"address", r.old_address.to_string()}});
    } else if (idx && rows_[*idx].tag == r.old_tag && is_live(rows_[*idx].state)) {
      ++stats_.reclaims;
      log_.info("previous owner of the name does not answer: declaring it failed",
                {{"member", name}, {"address", r.old_address.to_string()}});
      apply_dead(Dead{r.old_tag, rows_[*idx].incarnation, self().tag}, now);
    }
    const std::optional<Alive> claim = r.acked ? std::nullopt : std::move(r.claim);
    it = reclaims_.erase(it);
    if (claim) apply_alive(*claim, now);  // the owner is gone: the new boot takes the name
  }
}

}  // namespace roster::gossip
