#pragma once
// pack(): encodes the sections of an answer within a size budget
// (consul-compat.md §1.11, with Roster's TC fix).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dns/sections.hpp"
#include "dns/wire/message.hpp"

namespace roster::dns {

struct PackLimits {
  std::size_t max_size = 512;    // the whole message, OPT record included
  std::size_t max_answers = 0;   // silent cap on ANSWER records; 0 = none
  bool set_tc = true;            // set TC when answers are dropped for size
};

// Encodes `sections` into `frame` (id, flags, question, EDNS; its record spans
// are ignored). Answers beyond max_answers are cut silently. While the message
// is larger than max_size it drops, in order: AUTHORITY, non-essential
// ADDITIONAL records (node meta TXT), then answers from the end (keeping at
// least one, with only the additional records the kept answers need), then
// ADDITIONAL altogether. TC is set when answers were dropped for size and
// `set_tc`, and always when not even one answer fits.
// `complete` (optional) is set to true when every record was packed.
std::vector<std::uint8_t> pack(const Sections& sections, const wire::MessageParts& frame,
                               const PackLimits& limits, bool* complete = nullptr);

}  // namespace roster::dns
