// The member table and the precedence rules (gossip.md §1.1, §3 item 5).
#include <algorithm>

#include "gossip/codec.hpp"
#include "gossip/membership.hpp"

namespace roster::gossip {

namespace {

constexpr std::uint32_t kEmptySlot = ~std::uint32_t{0};

std::uint64_t hash_tag(MemberTag tag) { return (tag * 0x9e3779b97f4a7c15ull) >> 16; }
std::uint64_t hash_name(std::string_view name) { return std::hash<std::string_view>{}(name); }

// The slot holding a row for which is(row) holds, probing from `hash`.
template <class Is>
std::optional<std::size_t> find_slot(const std::vector<std::uint32_t>& slots, std::uint64_t hash,
                                     Is is) {
  if (slots.empty()) return std::nullopt;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots[i] == kEmptySlot) return std::nullopt;
    if (is(slots[i])) return i;
  }
}

void put(std::vector<std::uint32_t>& slots, std::uint64_t hash, std::size_t row) {
  const std::size_t mask = slots.size() - 1;
  std::size_t i = hash & mask;
  while (slots[i] != kEmptySlot) i = (i + 1) & mask;
  slots[i] = std::uint32_t(row);
}

// Empties slot `hole`, shifting later entries of the probe chain back into it
// so that every lookup still finds them (no tombstones).
template <class HashOf>
void take_out(std::vector<std::uint32_t>& slots, std::size_t hole, HashOf hash_of) {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t j = (hole + 1) & mask; slots[j] != kEmptySlot; j = (j + 1) & mask) {
    const std::size_t home = hash_of(slots[j]) & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      slots[hole] = slots[j];
      hole = j;
    }
  }
  slots[hole] = kEmptySlot;
}

}  // namespace

std::optional<std::size_t> Membership::by_tag(MemberTag tag) const {
  auto slot = find_slot(tag_idx_, hash_tag(tag), [&](std::uint32_t r) { return rows_[r].tag == tag; });
  if (!slot) return std::nullopt;
  return tag_idx_[*slot];
}

std::optional<std::size_t> Membership::by_name(std::string_view name) const {
  auto slot = find_slot(name_idx_, hash_name(name),
                        [&](std::uint32_t r) { return rows_[r].name.str() == name; });
  if (!slot) return std::nullopt;
  return name_idx_[*slot];
}

void Membership::reindex(std::size_t slots) {
  name_idx_.assign(slots, kEmptySlot);
  tag_idx_.assign(slots, kEmptySlot);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    put(name_idx_, hash_name(rows_[i].name), i);
    put(tag_idx_, hash_tag(rows_[i].tag), i);
  }
}

void Membership::index_add(std::size_t idx) {
  // Rows are added one at a time, so idx == rows_.size() - 1.
  if (4 * rows_.size() > 3 * name_idx_.size()) {
    std::size_t slots = 16;
    while (3 * slots < 4 * rows_.size()) slots *= 2;
    reindex(slots);
    return;
  }
  put(name_idx_, hash_name(rows_[idx].name), idx);
  put(tag_idx_, hash_tag(rows_[idx].tag), idx);
}

void Membership::index_remove(std::size_t idx) {
  const Member& m = rows_[idx];
  auto is_idx = [&](std::uint32_t r) { return r == idx; };
  if (auto s = find_slot(name_idx_, hash_name(m.name), is_idx))
    take_out(name_idx_, *s, [&](std::uint32_t r) { return hash_name(rows_[r].name); });
  if (auto s = find_slot(tag_idx_, hash_tag(m.tag), is_idx))
    take_out(tag_idx_, *s, [&](std::uint32_t r) { return hash_tag(rows_[r].tag); });
}

void Membership::index_moved(std::size_t from, std::size_t to) {
  // rows_[to] now holds the row that was at `from`.
  const Member& m = rows_[to];
  auto is_from = [&](std::uint32_t r) { return r == from; };
  if (auto s = find_slot(name_idx_, hash_name(m.name), is_from)) name_idx_[*s] = std::uint32_t(to);
  if (auto s = find_slot(tag_idx_, hash_tag(m.tag), is_from)) tag_idx_[*s] = std::uint32_t(to);
}

void Membership::retag(std::size_t idx, MemberTag tag) {
  auto is_idx = [&](std::uint32_t r) { return r == idx; };
  if (auto s = find_slot(tag_idx_, hash_tag(rows_[idx].tag), is_idx))
    take_out(tag_idx_, *s, [&](std::uint32_t r) { return hash_tag(rows_[r].tag); });
  rows_[idx].tag = tag;
  put(tag_idx_, hash_tag(tag), idx);
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
  else ++gone_count_, note_gone(m);
  rows_.push_back(std::move(m));
  index_add(idx);
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
  index_remove(idx);
  suspicions_.erase(m.tag);
  const std::size_t last = rows_.size() - 1;
  if (idx != last) {
    rows_[idx] = std::move(rows_[last]);
    index_moved(last, idx);
    if (self_idx_ == last) self_idx_ = idx;
  }
  rows_.pop_back();
  // The probe list skips tags it cannot find; it is rebuilt at each lap.
}

void Membership::restore(std::span<const Member> rows, TimePoint now) {
  const std::size_t first = rows_.size();
  rows_.reserve(first + rows.size());
  std::size_t slots = std::max<std::size_t>(16, name_idx_.size());
  while (3 * slots < 4 * (first + rows.size())) slots *= 2;
  if (slots != name_idx_.size()) reindex(slots);
  for (const Member& m : rows) {
    const std::uint64_t hn = hash_name(m.name), ht = hash_tag(m.tag);
    if (find_slot(name_idx_, hn, [&](std::uint32_t r) { return rows_[r].name == m.name; }) ||
        find_slot(tag_idx_, ht, [&](std::uint32_t r) { return rows_[r].tag == m.tag; }))
      continue;
    if (is_live(m.state)) ++live_count_;
    else ++gone_count_, note_gone(m);
    put(name_idx_, hn, rows_.size());
    put(tag_idx_, ht, rows_.size());
    rows_.push_back(m);
  }
  // One shuffle instead of a random insertion per row (insert_row).
  for (std::size_t i = first; i < rows_.size(); ++i) probe_order_.push_back(rows_[i].tag);
  std::shuffle(probe_order_.begin(), probe_order_.end(), rng_);
  queue_.set_cap(std::max(config_.broadcast_queue_cap, 2 * rows_.size()));
  for (std::size_t i = first; i < rows_.size(); ++i) emit(MemberEventKind::Joined, i, now);
}

void Membership::set_state(std::size_t idx, MemberState s, TimePoint now) {
  Member& m = rows_[idx];
  if (is_live(m.state) && !is_live(s)) --live_count_, ++gone_count_;
  if (!is_live(m.state) && is_live(s)) ++live_count_, --gone_count_;
  m.state = s;
  m.state_changed = now;
  if (!is_live(s)) note_gone(m);
}

void Membership::note_gone(const Member& m) {
  const Duration keep = m.state == MemberState::Left ? config_.left_reap : config_.dead_reap;
  reap_due_ = std::min(reap_due_, m.state_changed + keep);
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
  if (row.state == MemberState::Alive) {
    // The owner we know is up: a restart (it died unnoticed) or a second
    // live agent with the name (a member joined it, or tables merged)? Ask
    // the owner first; the new boot takes over only if it does not answer.
    start_reclaim(row, a.boot_id, a, now);
    return false;
  }
  const Address old_address = row.address;
  const MemberTag old_tag = row.tag;
  suspicions_.erase(old_tag);
  row.boot_id = a.boot_id;
  retag(*idx, member_tag(a.name, a.boot_id));
  row.address = a.address;
  row.incarnation = a.incarnation;
  row.meta = a.meta;
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
    if (leaving_) return;
    if (s.incarnation >= rows_[self_idx_].incarnation) {
      refute(s.incarnation, now);
    } else if (s.accuser != rows_[self_idx_].tag) {
      // An accusation we already refuted: its sender missed the refutation
      // (a rumor reaches almost everyone, not everyone), and a suspicion's
      // final check, which carries the accusation, gets here. Tell the
      // accuser directly, and spread our alive once more.
      if (auto accuser = by_tag(s.accuser); accuser && is_live(rows_[*accuser].state))
        send(rows_[*accuser].address, {alive_of(rows_[self_idx_])});
      if (!queue_.contains("m:" + rows_[self_idx_].name.str()))
        queue_member(rows_[self_idx_].name, alive_of(rows_[self_idx_]));
    }
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

bool Membership::prune(MemberTag tag, TimePoint now) {
  auto idx = by_tag(tag);
  if (!idx || *idx == self_idx_ || is_live(rows_[*idx].state)) return false;
  emit(MemberEventKind::Reaped, *idx, now);
  remove_row(*idx);
  return true;
}

void Membership::reap(TimePoint now) {
  if (now < reap_due_) return;
  reap_due_ = TimePoint::max();
  for (std::size_t i = rows_.size(); i-- > 0;) {
    const Member& m = rows_[i];
    if (i == self_idx_ || is_live(m.state)) continue;
    const Duration keep = m.state == MemberState::Left ? config_.left_reap : config_.dead_reap;
    if (now - m.state_changed < keep) {
      note_gone(m);
      continue;
    }
    emit(MemberEventKind::Reaped, i, now);
    remove_row(i);
  }
}

}  // namespace roster::gossip
