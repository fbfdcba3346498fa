#pragma once
// The agent's persistent state (-data-dir, consul-compat §4.1): services and
// checks registered through the API, TTL check state with its wall-clock
// expiry, maintenance checks. Stored as an append-only log of framed records:
//
//   record  = u32 length (LE) | u32 CRC-32 of payload (LE) | payload
//   payload = u8 type | fields (varint lengths and integers, raw bytes)
//   types   = PutService | DelService (and its checks) | PutCheck | DelCheck
//   (a PutCheck may end with a versioned CheckSpec block: HTTP/TCP/script
//   targets, interval, thresholds; records without it are plain TTL checks)
//
// This header is the pure core: encoding, decoding and replay, no I/O. The
// registry appends the records of a group of writes with one fsync, and from
// time to time rewrites the whole log as the current state (compaction):
// registry/file_journal.hpp is the I/O shell.
//
// Replay stops at the first record whose frame runs past the end of the data
// or has length 0 (a torn tail: the rest is dropped); a record whose CRC does
// not match but whose frame fits is skipped and counted (corruption).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "registry/model.hpp"

namespace roster::registry {

using WallTime = std::chrono::system_clock::time_point;

struct PersistedCheck {
  Check check;                     // indexes, service name and tags are not stored
  std::optional<WallTime> expires;  // an armed TTL check: when it turns critical
};

struct PersistedState {
  std::map<std::string, Service> services;       // by ID
  std::map<std::string, PersistedCheck> checks;  // by ID
};

void encode_put_service(std::string& out, const Service& service);
void encode_del_service(std::string& out, std::string_view service_id);
void encode_put_check(std::string& out, const Check& check, std::optional<WallTime> expires);
void encode_del_check(std::string& out, std::string_view check_id);

struct ReplayResult {
  PersistedState state;
  std::size_t records = 0;      // applied
  std::size_t corrupt = 0;      // skipped: CRC mismatch or undecodable payload
  std::size_t valid_bytes = 0;  // prefix made of whole frames
  bool torn_tail = false;       // bytes after valid_bytes were dropped
};

// Applies every readable record of `log` in order.
ReplayResult replay(std::string_view log);

// Where the registry writes its records. Implementations: FileJournal; tests
// use an in-memory fake.
// Thread safety: the registry calls it from one committing thread at a time.
class Journal {
 public:
  virtual ~Journal() = default;
  // Appends `records` and returns once they are on stable storage.
  virtual Status append(std::string_view records) = 0;
  // Atomically replaces the whole log with `records` (durable on return).
  virtual Status rewrite(std::string_view records) = 0;
};

}  // namespace roster::registry
