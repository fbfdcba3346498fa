#pragma once
// The member's tags (Consul's serf tags: dc, role, id, build, vsn, ...) as the
// small meta blob every `alive` message carries, so /v1/agent/members shows
// the same Tags on every agent. Format: repeated [u8 key length][key]
// [u8 value length][value]; at most kMaxMetaBytes in all.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace roster::gossip::net {

using Tags = std::map<std::string, std::string>;

// Invalid when a key or value is longer than 255 bytes or the whole blob
// exceeds the member meta budget.
Result<std::vector<std::uint8_t>> encode_tags(const Tags& tags);
// Malformed input yields the tags decoded before the damage (never throws).
Tags decode_tags(std::span<const std::uint8_t> meta);

}  // namespace roster::gossip::net
