#pragma once
// The wire formats of the replicated registry (docs/replication.md): small
// version rumors for datagrams, whole node records and anti-entropy messages
// for streams. Pure functions; every decoder is bounds-checked, returns
// nullopt on malformed input and skips fields it does not know.
//
// Every payload starts with `format u8 | kind u8`. The format byte is the
// oldest format a reader must understand to read the payload; this version
// writes and reads format 1. Payloads of a kind this version does not know are
// ignored, not errors.
//
//   rumor     = 1 | 1 | owner tag u48 | holder tag u48 | digest u64 | boot varint | version varint
//               (≈ 30 B; trailing bytes, added by a later version, are ignored)
//   summary   = 1 | 2 | count varint | n varint | n × bucket hash u48     (n = 16: ≈ 101 B)
//   digest    = 1 | 5 | count varint | hash u48                           (≈ 10 B)
//   entries   = 1 | 3 | fields { 1: bucket mask, 2: entry* }
//   records   = 1 | 4 | fields { 1: shipped*, 2: want name*, 3: want tag*, 4: truncated }
//   record    = fields { 1 name, 2 id, 3 address, 4 datacenter, 5 meta*, 6 service*, 7 check* }
#include <array>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "registry/model.hpp"

namespace roster::gossip::replica {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t kFormat = 1;
enum class Kind : std::uint8_t { Rumor = 1, Summary = 2, Entries = 3, Records = 4, Digest = 5 };
inline constexpr std::size_t kBuckets = 16;
inline constexpr std::size_t kMaxName = 128;

// 64-bit hash of bytes (a digest, not a MAC): the same on every agent.
std::uint64_t hash64(std::span<const std::uint8_t> bytes, std::uint64_t seed = 0);
// A node's 48-bit tag: hash of its lower-cased name. Names a record's owner in
// rumors without sending the name.
std::uint64_t tag_of(std::string_view node_name);
// The anti-entropy bucket of a node (0..kBuckets-1).
std::size_t bucket_of(std::string_view node_name);

// The order of an owner's records. Only the owner raises it: `boot` is larger
// for every later start of the agent (persisted, or the wall clock at start),
// `version` grows with every change within a boot.
struct Stamp {
  std::uint64_t boot = 0;
  std::uint64_t version = 0;
  friend auto operator<=>(const Stamp&, const Stamp&) = default;
};

// "Owner `owner` is at `stamp`, digest `digest`; `holder` has the record."
struct Rumor {
  std::uint64_t owner = 0;   // tag_of(owner name)
  std::uint64_t holder = 0;  // tag_of(a node holding the record: the sender)
  Stamp stamp;
  std::uint64_t digest = 0;
  friend bool operator==(const Rumor&, const Rumor&) = default;
};

// What one replica holds, for comparison: no record bytes.
struct Entry {
  std::string name;
  Stamp stamp;
  std::uint64_t digest = 0;  // 0 for a tombstone
  bool removed = false;      // a tombstone: the node was removed at `stamp`
  friend bool operator==(const Entry&, const Entry&) = default;
};

// One node's state as shipped over a stream: its record bytes exactly as the
// owner encoded them (so every replica has the same digest), or a tombstone.
struct Shipped {
  std::string name;
  Stamp stamp;
  bool removed = false;
  std::int64_t removed_at = 0;  // tombstone: wall-clock seconds of the removal
  std::shared_ptr<const Bytes> record;  // encode_record() bytes; null for a tombstone
};

// Anti-entropy opener: count and per-bucket hash sums over all entries
// (sent and compared on their low 48 bits).
struct Summary {
  std::uint64_t count = 0;
  std::array<std::uint64_t, kBuckets> buckets{};
  friend bool operator==(const Summary&, const Summary&) = default;
};

// The push/pull blob: the summary folded to one hash (the sum of every
// entry's hash, compared on its low 48 bits). Equal digests: the replicas
// agree, and the round costs two of these; otherwise the full Summary follows.
struct Digest {
  std::uint64_t count = 0;
  std::uint64_t hash = 0;
  friend bool operator==(const Digest&, const Digest&) = default;
};
Digest fold(const Summary& s);

// "My entries in these buckets; answer with what I lack and what you want."
struct EntriesMsg {
  std::uint32_t bucket_mask = 0;  // bit b: bucket b
  std::vector<Entry> entries;
};

// Records (and tombstones), plus what the sender wants back (by name, or by
// owner tag when only a rumor named it). `truncated`: some wanted records did
// not fit and should be asked for again.
struct RecordsMsg {
  std::vector<Shipped> records;
  std::vector<std::string> want_names;
  std::vector<std::uint64_t> want_tags;
  bool truncated = false;
};

// --- records ---
// Everything but the agent-local indexes; deterministic (maps in key order).
// With `outputs` false, check outputs are left out (to tell output-only changes).
Bytes encode_record(const registry::NodeRecord& record, bool outputs = true);
std::optional<registry::NodeRecord> decode_record(std::span<const std::uint8_t> bytes);

// --- messages ---
Bytes encode_rumor(const Rumor& r);
std::optional<Rumor> decode_rumor(std::span<const std::uint8_t> bytes);
Bytes encode_summary(const Summary& s);
std::optional<Summary> decode_summary(std::span<const std::uint8_t> bytes);
Bytes encode_digest(const Digest& d);
std::optional<Digest> decode_digest(std::span<const std::uint8_t> bytes);
Bytes encode_entries(const EntriesMsg& m);
std::optional<EntriesMsg> decode_entries(std::span<const std::uint8_t> bytes);
Bytes encode_records(const RecordsMsg& m);
std::optional<RecordsMsg> decode_records(std::span<const std::uint8_t> bytes);

// The kind of a payload of a format this version reads, or nullopt (garbage,
// a newer format, or a kind it does not know).
std::optional<Kind> kind_of(std::span<const std::uint8_t> bytes);

}  // namespace roster::gossip::replica
