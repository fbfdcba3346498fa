// The replica messages (rumor, summary, entries, records) and the hashes
// every agent must compute identically.
#include "gossip/replica_codec.hpp"

#include "common/strings.hpp"
#include "gossip/replica_tlv.hpp"

namespace roster::gossip::replica {
namespace {

constexpr std::uint64_t kTagMask = (std::uint64_t{1} << 48) - 1;

// splitmix64's finaliser: a bijection that spreads every input bit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void header(Bytes& out, Kind kind) {
  out.push_back(kFormat);
  out.push_back(static_cast<std::uint8_t>(kind));
}

// The body after the header, if `in` is a payload of `kind` this version reads.
std::optional<std::span<const std::uint8_t>> body(std::span<const std::uint8_t> in, Kind kind) {
  if (kind_of(in) != kind) return std::nullopt;
  return in.subspan(2);
}

bool valid_name(std::string_view n) { return !n.empty() && n.size() <= kMaxName; }

void put_entry(TlvWriter& w, const Entry& e) {
  Bytes inner;
  TlvWriter iw(inner);
  iw.str(1, e.name);
  iw.varint_opt(2, e.stamp.boot);
  iw.varint_opt(3, e.stamp.version);
  if (e.digest != 0) iw.fixed64(4, e.digest);
  iw.varint_opt(5, e.removed ? 1 : 0);
  w.bytes(2, inner);
}

std::optional<Entry> get_entry(std::span<const std::uint8_t> in) {
  TlvReader r(in);
  Entry e;
  while (auto f = r.next()) {
    switch (f->number) {
      case 1: if (f->kind == FieldKind::Bytes) e.name = f->text(); break;
      case 2: if (f->kind == FieldKind::Varint) e.stamp.boot = f->value; break;
      case 3: if (f->kind == FieldKind::Varint) e.stamp.version = f->value; break;
      case 4: if (f->kind == FieldKind::Fixed64) e.digest = f->value; break;
      case 5: if (f->kind == FieldKind::Varint) e.removed = f->value != 0; break;
      default: break;
    }
  }
  if (!r.ok() || !valid_name(e.name)) return std::nullopt;
  return e;
}

void put_shipped(TlvWriter& w, const Shipped& s) {
  Bytes inner;
  TlvWriter iw(inner);
  iw.str(1, s.name);
  iw.varint_opt(2, s.stamp.boot);
  iw.varint_opt(3, s.stamp.version);
  iw.varint_opt(4, s.removed ? 1 : 0);
  iw.sint_opt(5, s.removed_at);
  if (!s.removed && s.record) iw.bytes(6, *s.record);
  w.bytes(1, inner);
}

std::optional<Shipped> get_shipped(std::span<const std::uint8_t> in) {
  TlvReader r(in);
  Shipped s;
  while (auto f = r.next()) {
    switch (f->number) {
      case 1: if (f->kind == FieldKind::Bytes) s.name = f->text(); break;
      case 2: if (f->kind == FieldKind::Varint) s.stamp.boot = f->value; break;
      case 3: if (f->kind == FieldKind::Varint) s.stamp.version = f->value; break;
      case 4: if (f->kind == FieldKind::Varint) s.removed = f->value != 0; break;
      case 5: if (f->kind == FieldKind::Varint) s.removed_at = f->sint(); break;
      case 6:
        if (f->kind == FieldKind::Bytes) s.record = std::make_shared<const Bytes>(f->bytes.begin(), f->bytes.end());
        break;
      default: break;
    }
  }
  if (!r.ok() || !valid_name(s.name)) return std::nullopt;
  if (s.removed) s.record.reset();
  else if (!s.record) return std::nullopt;  // a record without bytes
  return s;
}

}  // namespace

std::uint64_t hash64(std::span<const std::uint8_t> bytes, std::uint64_t seed) {
  std::uint64_t h = mix(seed ^ 0x6a09e667f3bcc908ULL ^ bytes.size());
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w = 0;
    for (int k = 7; k >= 0; --k) w = (w << 8) | bytes[i + static_cast<std::size_t>(k)];  // little-endian
    h = mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = bytes.size(); k > i; --k) tail = (tail << 8) | bytes[k - 1];
  return mix(h ^ tail ^ (std::uint64_t{bytes.size() - i} << 56));
}

std::uint64_t tag_of(std::string_view name) {
  const std::string lower = to_lower(name);
  return hash64({reinterpret_cast<const std::uint8_t*>(lower.data()), lower.size()}, 0x7461670000000000ULL) &
         kTagMask;
}

std::size_t bucket_of(std::string_view name) { return static_cast<std::size_t>(tag_of(name) >> 44) % kBuckets; }

std::optional<Kind> kind_of(std::span<const std::uint8_t> in) {
  if (in.size() < 2 || in[0] == 0 || in[0] > kFormat) return std::nullopt;
  if (in[1] < static_cast<std::uint8_t>(Kind::Rumor) || in[1] > static_cast<std::uint8_t>(Kind::Digest))
    return std::nullopt;
  return static_cast<Kind>(in[1]);
}

Bytes encode_rumor(const Rumor& r) {
  Bytes out;
  header(out, Kind::Rumor);
  Writer w(out);
  w.u48(r.owner & kTagMask);
  w.u48(r.holder & kTagMask);
  w.u64(r.digest);
  w.varint(r.stamp.boot);
  w.varint(r.stamp.version);
  return out;
}

std::optional<Rumor> decode_rumor(std::span<const std::uint8_t> in) {
  const auto b = body(in, Kind::Rumor);
  if (!b) return std::nullopt;
  Reader rd(*b);
  Rumor r;
  r.owner = rd.u48();
  r.holder = rd.u48();
  r.digest = rd.u64();
  r.stamp.boot = rd.varint();
  r.stamp.version = rd.varint();
  if (!rd.ok()) return std::nullopt;
  return r;  // trailing bytes: fields of a later version
}

Bytes encode_summary(const Summary& s) {
  Bytes out;
  header(out, Kind::Summary);
  Writer w(out);
  w.varint(s.count);
  w.varint(kBuckets);
  for (const auto h : s.buckets) w.u48(h & kTagMask);  // 48 bits per bucket are plenty to compare
  return out;
}

std::optional<Summary> decode_summary(std::span<const std::uint8_t> in) {
  const auto b = body(in, Kind::Summary);
  if (!b) return std::nullopt;
  Reader rd(*b);
  Summary s;
  s.count = rd.varint();
  // Another bucket count would hash differently: not comparable.
  if (rd.varint() != kBuckets) return std::nullopt;
  for (auto& h : s.buckets) h = rd.u48();
  if (!rd.ok()) return std::nullopt;
  return s;
}

Digest fold(const Summary& s) {
  Digest d{s.count, 0};
  for (const auto h : s.buckets) d.hash += h;
  d.hash &= kTagMask;
  return d;
}

Bytes encode_digest(const Digest& d) {
  Bytes out;
  header(out, Kind::Digest);
  Writer w(out);
  w.varint(d.count);
  w.u48(d.hash & kTagMask);
  return out;
}

std::optional<Digest> decode_digest(std::span<const std::uint8_t> in) {
  const auto b = body(in, Kind::Digest);
  if (!b) return std::nullopt;
  Reader rd(*b);
  Digest d;
  d.count = rd.varint();
  d.hash = rd.u48();
  if (!rd.ok()) return std::nullopt;
  return d;
}

Bytes encode_entries(const EntriesMsg& m) {
  Bytes out;
  header(out, Kind::Entries);
  TlvWriter w(out);
  w.varint(1, m.bucket_mask);
  for (const auto& e : m.entries) put_entry(w, e);
  return out;
}

std::optional<EntriesMsg> decode_entries(std::span<const std::uint8_t> in) {
  const auto b = body(in, Kind::Entries);
  if (!b) return std::nullopt;
  TlvReader r(*b);
  EntriesMsg m;
  while (auto f = r.next()) {
    if (f->number == 1 && f->kind == FieldKind::Varint) {
      m.bucket_mask = static_cast<std::uint32_t>(f->value & ((1u << kBuckets) - 1));
    } else if (f->number == 2 && f->kind == FieldKind::Bytes) {
      auto e = get_entry(f->bytes);
      if (!e) return std::nullopt;
      m.entries.push_back(std::move(*e));
    }
  }
  if (!r.ok()) return std::nullopt;
  return m;
}

Bytes encode_records(const RecordsMsg& m) {
  Bytes out;
  header(out, Kind::Records);
  TlvWriter w(out);
  for (const auto& s : m.records) put_shipped(w, s);
  for (const auto& n : m.want_names) w.str(2, n);
  for (const auto t : m.want_tags) w.varint(3, t & kTagMask);
  w.varint_opt(4, m.truncated ? 1 : 0);
  return out;
}

std::optional<RecordsMsg> decode_records(std::span<const std::uint8_t> in) {
  const auto b = body(in, Kind::Records);
  if (!b) return std::nullopt;
  TlvReader r(*b);
  RecordsMsg m;
  while (auto f = r.next()) {
    if (f->number == 1 && f->kind == FieldKind::Bytes) {
      auto s = get_shipped(f->bytes);
      if (!s) return std::nullopt;
      m.records.push_back(std::move(*s));
    } else if (f->number == 2 && f->kind == FieldKind::Bytes) {
      if (!valid_name(f->text())) return std::nullopt;
      m.want_names.emplace_back(f->text());
    } else if (f->number == 3 && f->kind == FieldKind::Varint) {
      m.want_tags.push_back(f->value & kTagMask);
    } else if (f->number == 4 && f->kind == FieldKind::Varint) {
      m.truncated = f->value != 0;
    }
  }
  if (!r.ok()) return std::nullopt;
  return m;
}

}  // namespace roster::gossip::replica
