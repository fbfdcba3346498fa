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
  e.qname.assign(query.begin() + wire::kHeaderSize, query.begin() + wire::kHeaderSize + qname_size);
  const std::uint32_t serial = serial_now();
  const std::uint64_t seed = cache.pick(~std::size_t{0});
  const SeededRandom first_draw(seed);
  Built b = decide(query, transport, &catalog, first_draw, serial);
  if (b.decision.kind == Decision::Kind::Forward) {
    e.kind = CachedAnswer::Kind::Forward;
    e.case_safe = true;
    return e;
  }
  if (b.decision.kind != Decision::Kind::Answer) return e;  // not cacheable: no variants
  e.complete = b.complete;
  // Case safety: the same draw for other spellings must differ only in the
  // question (names compressed against it change with it; names written out
  // in full do not). The all-lower and all-upper spellings are the ones that
  // can coincide with names not taken from the question (the configured
  // domain is lower-case), which would compress differently.
  e.case_safe = true;
  for (const bool upper : {false, true}) {
    const auto other_query = respelled(query, qname_size, upper);
    if (std::equal(other_query.begin(), other_query.end(), query.begin())) continue;
    const SeededRandom same_draw(seed);
    Built other = decide(other_query, transport, &catalog, same_draw, serial);
    const auto& mine = b.decision.bytes;
    auto& theirs = other.decision.bytes;
    if (theirs.size() != mine.size() || mine.size() < wire::kHeaderSize + qname_size) {
      e.case_safe = false;
      break;
    }
    std::copy_n(query.begin() + wire::kHeaderSize, qname_size, theirs.begin() + wire::kHeaderSize);
    if (theirs != mine) {
      e.case_safe = false;
      break;
    }
  }
  e.size = b.decision.bytes.size();
  e.variants.push_back(std::move(b.decision.bytes));
  const bool opt = b.opt;
  if (b.shuffled) {
    for (std::size_t i = 1; i < kVariants; ++i) {
      const SeededRandom draw(seed + i);
      Built v = decide(query, transport, &catalog, draw, serial);
      if (v.decision.kind != Decision::Kind::Answer || v.opt != opt) continue;
      e.size = std::max(e.size, v.decision.bytes.size());
      e.complete = e.complete && v.complete;
      e.variants.push_back(std::move(v.decision.bytes));
    }
  }
  e.opt = opt;
  e.kind = CachedAnswer::Kind::Reply;
  return e;
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
    std::array<std::uint8_t, 3 + wire::kMaxName> key;
    key[0] = static_cast<std::uint8_t>((transport == Transport::Tcp ? kModeTcp : 0) | (v->edns ? kModeEdns : 0) |
                                       (budget == kMinUdpPayload ? kModeSmall : 0) |
                                       ((v->flags & wire::kFlagRd) ? kModeRd : 0));
    key[1] = static_cast<std::uint8_t>(v->qtype >> 8);
    key[2] = static_cast<std::uint8_t>(v->qtype & 0xFF);
    const std::size_t key_size = 3 + wire::lower_qname(query, *v, key.data() + 3);
    const std::string_view k(reinterpret_cast<const char*>(key.data()), key_size);

    const CachedAnswer* e = cache.find(k);
    if (!e || (e->budget != budget && !(e->complete && e->size <= budget)))
      e = &cache.insert(k, build_entry(query, v->qname_size, transport, *catalog, budget, cache));
    if (e->kind == CachedAnswer::Kind::Forward) return {Decision::Kind::Forward, 0};
    if (e->variants.empty()) return copy_out(decide(query, transport, catalog, *rng_, serial_now()).decision, out);
    const std::uint8_t* qname = query.data() + wire::kHeaderSize;
    if (!e->case_safe && std::memcmp(e->qname.data(), qname, v->qname_size) != 0)
      return copy_out(decide(query, transport, catalog, *rng_, serial_now()).decision, out);

    const auto& bytes = e->variants.size() == 1 ? e->variants[0] : e->variants[cache.pick(e->variants.size())];
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
