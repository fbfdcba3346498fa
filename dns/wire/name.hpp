#pragma once
// Domain names as label lists, kept in the letter case they arrived or were
// registered with. Names are built from labels, never from presentation text,
// so no escaping is involved.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/ldns_handles.hpp"

namespace roster::dns::wire {

// The labels of a name, leftmost first, without the root label.
using Labels = std::vector<std::string>;

inline constexpr std::size_t kMaxLabel = 63;
inline constexpr std::size_t kMaxName = 255;  // wire length, root label included

// An uncompressed name read from a message, and the offset just past it.
struct RawName {
  Labels labels;
  std::size_t end = 0;
};

// Reads the name at `offset`. nullopt if it uses a compression pointer or a
// reserved label type, runs past the end, or is longer than 255 bytes.
std::optional<RawName> read_name(std::span<const std::uint8_t> wire, std::size_t offset);

// Splits dotted text ("node1.node.dc1.consul.") into labels; one trailing dot
// is ignored. Empty labels are kept (and make the name invalid).
Labels split_name(std::string_view dotted);

// "a.b.c" (no trailing dot).
std::string join_labels(const Labels& labels);

// True if every label is 1..63 bytes and the wire form fits in 255 bytes.
bool valid_name(const Labels& labels);

// A DNAME rdf; nullptr if !valid_name(labels).
RdfHandle make_dname(const Labels& labels);

// Appends `tail` to `head` and returns it (for building names piece by piece).
Labels concat(Labels head, const Labels& tail);

}  // namespace roster::dns::wire
