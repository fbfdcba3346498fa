// The member table and the precedence rules (gossip.md §1.1, §3 item 5).
#include <algorithm>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

namespace roster::gossip {

std::optional<std::size_t> Membership::by_tag(MemberTag tag) const {
  auto it = tag_idx_.find(tag);
  if (it == tag_idx_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Membership::by_name(std::string_view name) const {
  auto it = name_idx_.find(std::string(name));
  if (it == name_idx_.end()) return std::nullopt;
  return it->second;
}

Alive Membership::alive_of(const Member& m) const {
  return Alive{m.name, m.boot_id, m.incarnation, m.address, m.meta};
}

void Membership::queue_member(const std::string& name, const Message& m) {
  stats_.broadcasts_dropped += queue_.push("m:" + name, encode_message(m));
}

std::size_t Membership::insert_row(Member m) {
  const std::size_t idx = rows_.size();
  if (is_live(m.state)) ++live_count_;
  else ++gone_count_;
  name_idx_[m.name] = idx;
  tag_idx_[m.tag] = idx;
  rows_.push_back(std::move(m));
  // A new member goes to a random place of the probe list (gossip.md §1.1).
  if (idx != self_idx_ || rows_.size() > 1) {
    std::uniform_int_distribution<std::size_t> pos(0, probe_order_.size());
    probe_order_.insert(probe_order_.begin() + std::ptrdiff_t(pos(rng_)), rows_[idx].tag);
  }
  queue_.set_cap(std::max(config_.broadcast_queue_cap, 2 * rows_.size()));
  return idx;
}

void Membership::remove_row(std::size_t idx) {
  Member& m = rows_[idx];
  if (is_live(m.state)) --live_count_;
  else --gone_count_;
  name_idx_.erase(m.name);
  tag_idx_.erase(m.tag);
  suspicions_.erase(m.tag);
  const std::size_t last = rows_.size() - 1;
  if (idx != last) {
    rows_[idx] = std::move(rows_[last]);
    name_idx_[rows_[idx].name] = idx;
    tag_idx_[rows_[idx].tag] = idx;
    if (self_idx_ == last) self_idx_ = idx;
  }
  rows_.pop_back();
  // The probe list skips tags it cannot find; it is rebuilt at each lap.
}

void Membership::set_state(std::size_t idx, MemberState s, TimePoint now) {
  Member& m = rows_[idx];
  if (is_live(m.state) && !is_live(s)) --live_count_, ++gone_count_;
  if (!is_live(m.state) && is_live(s)) ++live_count_, --gone_count_;
  m.state = s;
  m.state_changed = now;
}

void Membership::emit(MemberEventKind kind, std::size_t idx, TimePoint now,
                      std::optional<Address> replaced) {
  if (listener_) listener_->on_member_event(MemberEvent{kind, rows_[idx], replaced, now});
}

bool Membership::apply_alive(const Alive& a, TimePoint now) {
  if (a.name.empty() || a.name.size() > kMaxNameBytes || a.meta.size() > kMaxMetaBytes)
    return false;
  const Member& me = rows_[self_idx_];
  if (a.name == me.name) {
    // Only this process speaks for its name. Another boot claiming it is a
    // conflict (or our own previous life, which our higher incarnation outranks).
    if (a.boot_id != me.boot_id) {
      if (a.incarnation >= me.incarnation) ++stats_.name_conflicts;
    }
    return false;
  }
  auto idx = by_name(a.name);
  if (!idx) {
    auto it = conflicts_.find(a.name);
    if (it != conflicts_.end() && it->second.first == a.boot_id && now < it->second.second)
      return false;
    Member m;
    m.name = a.name;
    m.boot_id = a.boot_id;
    m.tag = member_tag(a.name, a.boot_id);
    m.address = a.address;
    m.incarnation = a.incarnation;
    m.meta = a.meta;
    m.state_changed = now;
    const std::size_t at = insert_row(std::move(m));
    emit(MemberEventKind::Joined, at, now);
    queue_member(a.name, a);
    return true;
  }
  Member& row = rows_[*idx];
  if (a.boot_id == row.boot_id) {
    if (!alive_overrides(row, a.incarnation)) return false;
    // A member that left cannot come back in the same boot: a restart has a new boot id.
    if (row.state == MemberState::Left) return false;
    const bool changed_view = row.state != MemberState::Alive || row.address != a.address ||
                              row.meta != a.meta;
    row.incarnation = a.incarnation;
    row.address = a.address;
    row.meta = a.meta;
    suspicions_.erase(row.tag);
    if (row.state != MemberState::Alive) set_state(*idx, MemberState::Alive, now);
    if (changed_view) emit(MemberEventKind::Updated, *idx, now);
    queue_member(a.name, a);
    return true;
  }
  // A new boot of a known name: a restart (maybe at a new address) takes the
  // name back if the old one is gone or it outranks it; anything else is a conflict.
  if (is_live(row.state) && a.incarnation <= row.incarnation) {
    ++stats_.name_conflicts;
    return false;
  }
  auto it = conflicts_.find(a.name);
  if (it != conflicts_.end() && it->second.first == a.boot_id && now < it->second.second)
    return false;
  const Address old_address = row.address;
  const MemberTag old_tag = row.tag;
  suspicions_.erase(old_tag);
  tag_idx_.erase(old_tag);
  row.boot_id = a.boot_id;
  row.tag = member_tag(a.name, a.boot_id);
  row.address = a.address;
  row.incarnation = a.incarnation;
  row.meta = a.meta;
  tag_idx_[row.tag] = *idx;
  std::replace(probe_order_.begin(), probe_order_.end(), old_tag, row.tag);
  set_state(*idx, MemberState::Alive, now);
  log_.info("member restarted with a new boot",
            {{"member", a.name}, {"old_address", old_address.to_string()},
             {"address", a.address.to_string()}});
  emit(MemberEventKind::Joined, *idx, now, old_address);
  queue_member(a.name, a);
  return true;
}

void Membership::apply_suspect(const Suspect& s, TimePoint now) {
  auto idx = by_tag(s.subject);
  if (!idx) return;
  if (*idx == self_idx_) {
    if (!leaving_ && s.incarnation >= rows_[self_idx_].incarnation) refute(s.incarnation, now);
    return;
  }
  Member& row = rows_[*idx];
  if (s.incarnation < row.incarnation) return;
  if (!is_live(row.state)) return;
  if (row.state == MemberState::Suspect && s.incarnation == row.incarnation) {
    auto it = suspicions_.find(row.tag);
    // A new independent confirmation shortens the timer; pass it on so
    // others can count it too.
    if (it != suspicions_.end() && it->second.confirm(s.accuser)) queue_member(row.name, s);
    return;
  }
  row.incarnation = s.incarnation;
  set_state(*idx, MemberState::Suspect, now);
  const std::size_t n = live_count_;
  suspicions_.erase(row.tag);
  suspicions_.emplace(row.tag, Suspicion(s.accuser, config_.suspicion_confirmations(n),
                                         config_.suspicion_min(n), config_.suspicion_max(n), now));
  emit(MemberEventKind::Suspect, *idx, now);
  queue_member(row.name, s);
}

void Membership::apply_dead(const Dead& d, TimePoint now) {
  auto idx = by_tag(d.subject);
  if (!idx) return;
  const bool leave = d.accuser == d.subject;
  if (*idx == self_idx_) {
    if (!leaving_ && d.incarnation >= rows_[self_idx_].incarnation) refute(d.incarnation, now);
    return;
  }
  Member& row = rows_[*idx];
  if (d.incarnation < row.incarnation) return;
  if (!is_live(row.state)) {
    // A leave that arrives after a failure verdict still turns it into "left".
    if (!(leave && row.state == MemberState::Dead)) return;
  }
  row.incarnation = d.incarnation;
  suspicions_.erase(row.tag);
  set_state(*idx, leave ? MemberState::Left : MemberState::Dead, now);
  emit(leave ? MemberEventKind::Left : MemberEventKind::Failed, *idx, now);
  queue_member(row.name, d);
}

void Membership::refute(std::uint64_t accused_incarnation, TimePoint now) {
  Member& me = rows_[self_idx_];
  me.incarnation = std::max(me.incarnation, accused_incarnation) + 1;
  ++stats_.refutations;
  awareness_.apply(+1);  // being accused is a hint that we are the slow one
  queue_member(me.name, alive_of(me));
  (void)now;
}

void Membership::leave(TimePoint now) {
  if (leaving_) return;
  leaving_ = true;
  probe_ = Probe{};
  Member& me = rows_[self_idx_];
  queue_member(me.name, Dead{me.tag, me.incarnation, me.tag});
  me.state = MemberState::Left;
  me.state_changed = now;
  next_gossip_ = now;  // spread it at once
  log_.info("leaving the cluster", {{"member", me.name}});
}

void Membership::reap(TimePoint now) {
  for (std::size_t i = rows_.size(); i-- > 0;) {
    const Member& m = rows_[i];
    if (i == self_idx_ || is_live(m.state)) continue;
    const Duration keep = m.state == MemberState::Left ? config_.left_reap : config_.dead_reap;
    if (now - m.state_changed < keep) continue;
    emit(MemberEventKind::Reaped, i, now);
    remove_row(i);
  }
}

}  // namespace roster::gossip
