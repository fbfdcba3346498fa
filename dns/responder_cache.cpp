// Responder's cached path (the servers' hot path): see answer_cache.hpp.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "dns/responder.hpp"
#include "dns/wire/query_view.hpp"

namespace roster::dns {
namespace {

// Pre-shuffled variants kept for an answer whose order is random. Eight
// draws give every instance of a small service its turn in front and keep a
// large service's first records varied; a whole permutation per hit would
// cost an encode.
constexpr std::size_t kVariants = 8;

constexpr std::uint8_t kModeTcp = 1;
constexpr std::uint8_t kModeEdns = 2;
constexpr std::uint8_t kModeSmall = 4;  // the 512-byte budget (answer count limit)
constexpr std::uint8_t kModeRd = 8;

Outcome copy_out(const Decision& d, std::span<std::uint8_t> out) {
  if (d.kind != Decision::Kind::Answer) return {d.kind, 0};
  if (d.bytes.size() > out.size()) return {};
  std::memcpy(out.data(), d.bytes.data(), d.bytes.size());
  return {Decision::Kind::Answer, d.bytes.size()};
}

// The same query with the question name's ASCII letters all upper-case or all
// lower-case.
std::vector<std::uint8_t> respelled(std::span<const std::uint8_t> query, std::size_t qname_size, bool upper) {
  std::vector<std::uint8_t> q(query.begin(), query.end());
  for (std::size_t i = wire::kHeaderSize; i < wire::kHeaderSize + qname_size; ++i) {
    const std::uint8_t c = q[i];
    if (upper && c >= 'a' && c <= 'z') q[i] = static_cast<std::uint8_t>(c - 0x20);
    if (!upper && c >= 'A' && c <= 'Z') q[i] = static_cast<std::uint8_t>(c + 0x20);
  }
  return q;
}

}  // namespace

CachedAnswer Responder::build_entry(std::span<const std::uint8_t> query, std::size_t qname_size,
                                    Transport transport, const registry::Catalog& catalog,
                                    std::size_t budget, AnswerCache& cache) const {
  CachedAnswer e;
  e.budget = budget;
  e.query.assign(query.begin(), query.end());
  e.qname_size = qname_size;
  e.serial = serial_now();
  e.seed = cache.next_random();
  const SeededRandom first_draw(e.seed);
  Built b = decide(query, transport, &catalog, first_draw, e.serial);
  if (b.decision.kind == Decision::Kind::Forward) {
    e.kind = CachedAnswer::Kind::Forward;
    e.case_safety = CaseSafety::Safe;
    return e;
  }
  if (b.decision.kind != Decision::Kind::Answer) return e;  // not cacheable: no variants
  e.complete = b.complete;
  e.opt = b.opt;
  e.add_variant(b.decision.bytes);
  if (b.shuffled) {
    for (std::size_t i = 1; i < kVariants; ++i) {
      const SeededRandom draw(e.seed + i);
      Built v = decide(query, transport, &catalog, draw, e.serial);
      if (v.decision.kind != Decision::Kind::Answer || v.opt != e.opt) continue;
      e.complete = e.complete && v.complete;
      e.add_variant(v.decision.bytes);
    }
  }
  e.kind = CachedAnswer::Kind::Reply;
  return e;
}

CaseSafety Responder::check_case(const CachedAnswer& e, Transport transport, const registry::Catalog& catalog) const {
  // The same draw for other spellings must differ only in the question
  // (names compressed against it change with it; names written out in full
  // do not). The all-lower and all-upper spellings are the ones that can
  // coincide with names not taken from the question (the configured domain is
  // lower-case), which would compress differently. Repeats the first build
  // (its query, seed and serial) with those spellings.
  const std::span<const std::uint8_t> query = e.query;
  const auto mine = e.variant(0);
  for (const bool upper : {false, true}) {
    const auto other_query = respelled(query, e.qname_size, upper);
    if (std::equal(other_query.begin(), other_query.end(), query.begin())) continue;
    const SeededRandom same_draw(e.seed);
    Built other = decide(other_query, transport, &catalog, same_draw, e.serial);
    auto& theirs = other.decision.bytes;
    if (theirs.size() != mine.size() || mine.size() < wire::kHeaderSize + e.qname_size) return CaseSafety::Unsafe;
    std::copy_n(query.begin() + wire::kHeaderSize, e.qname_size, theirs.begin() + wire::kHeaderSize);
    if (!std::equal(theirs.begin(), theirs.end(), mine.begin())) return CaseSafety::Unsafe;
  }
  return CaseSafety::Safe;
}

Outcome Responder::respond(std::span<const std::uint8_t> query, Transport transport, AnswerCache& cache,
                           std::span<std::uint8_t> out) const {
  try {
    const auto* catalog = cache.catalog().get();
    const auto v = wire::view_query(query);
    // Unusual shapes (and EDNS sizes below 512) take the reference path.
    if (!v || !catalog || (v->edns && *v->edns < kMinUdpPayload)) {
      if (!catalog) return copy_out(respond(query, transport), out);
      return copy_out(decide(query, transport, catalog, *rng_, serial_now()).decision, out);
    }
    const std::size_t budget = transport == Transport::Udp
                                   ? std::clamp<std::size_t>(v->edns.value_or(kMinUdpPayload), kMinUdpPayload,
                                                             kMaxUdpPayload)
                                   : kMaxTcpMessage;
    const std::uint8_t* qname = query.data() + wire::kHeaderSize;
    CacheKey key;
    make_key(static_cast<std::uint8_t>((transport == Transport::Tcp ? kModeTcp : 0) | (v->edns ? kModeEdns : 0) |
                                       (budget == kMinUdpPayload ? kModeSmall : 0) |
                                       ((v->flags & wire::kFlagRd) ? kModeRd : 0)),
             v->qtype, {qname, v->qname_size}, key);

    CachedAnswer* e = cache.find(key.view(), key.hash);
    if (!e || (e->budget != budget && !(e->complete && e->size <= budget)))
      e = &cache.insert(key.view(), key.hash, build_entry(query, v->qname_size, transport, *catalog, budget, cache));
    if (e->kind == CachedAnswer::Kind::Forward) return {Decision::Kind::Forward, 0};
    if (e->variant_count() == 0) return copy_out(decide(query, transport, catalog, *rng_, serial_now()).decision, out);
    if (e->case_safety != CaseSafety::Safe && std::memcmp(e->qname().data(), qname, v->qname_size) != 0) {
      if (e->case_safety == CaseSafety::Unknown)
        e->case_safety = check_case(*e, transport, *catalog);
      if (e->case_safety == CaseSafety::Unsafe)
        return copy_out(decide(query, transport, catalog, *rng_, serial_now()).decision, out);
    }

    const auto bytes = e->variant_count() == 1 ? e->variant(0) : e->variant(cache.pick(e->variant_count()));
    if (bytes.size() > out.size()) return {};
    std::memcpy(out.data(), bytes.data(), bytes.size());
    out[0] = query[0];  // the ID
    out[1] = query[1];
    std::memcpy(out.data() + wire::kHeaderSize, qname, v->qname_size);
    if (e->opt && v->edns) {  // the OPT record is last: its CLASS echoes the client's size
      out[bytes.size() - 8] = static_cast<std::uint8_t>(*v->edns >> 8);
      out[bytes.size() - 7] = static_cast<std::uint8_t>(*v->edns & 0xFF);
    }
    return {Decision::Kind::Answer, bytes.size()};
  } catch (const std::exception&) {
    return copy_out(servfail(query), out);
  }
}

}  // namespace roster::dns
