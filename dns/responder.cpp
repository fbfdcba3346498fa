#include "dns/responder.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "dns/wire/ldns.hpp"

#include "common/strings.hpp"
#include "dns/packer.hpp"
#include "dns/wire/ldns_handles.hpp"

namespace roster::dns {
namespace {

using wire::Rcode;

std::string normalised_domain(std::string d, const char* key) {
  d = to_lower(d);
  if (d.empty() || d == ".") throw std::invalid_argument(std::string("dns: ") + key + " must not be empty");
  if (d.back() != '.') d += '.';
  if (!wire::valid_name(wire::split_name(d)))
    throw std::invalid_argument(std::string("dns: ") + key + " is not a valid DNS name: " + d);
  return d;
}

DnsConfig normalised(DnsConfig c) {
  c.domain = normalised_domain(c.domain, "domain");
  if (!c.alt_domain.empty()) c.alt_domain = normalised_domain(c.alt_domain, "alt_domain");
  return c;
}

Decision answer_with(std::vector<std::uint8_t> bytes) {
  return Decision{Decision::Kind::Answer, std::move(bytes)};
}

// The payload size a UDP reply may use (§1.11).
std::size_t udp_budget(std::optional<std::uint16_t> edns) {
  if (!edns) return kMinUdpPayload;
  return std::clamp<std::size_t>(*edns, kMinUdpPayload, kMaxUdpPayload);
}

}  // namespace

Responder::Responder(const registry::CatalogView& view, DnsConfig config, const Clock& clock,
                     std::shared_ptr<const RandomSource> rng)
    : view_(view),
      config_(normalised(std::move(config))),
      zones_{wire::split_name(config_.domain), wire::split_name(config_.alt_domain)},
      clock_(clock),
      rng_(rng ? std::move(rng) : std::make_shared<ThreadLocalRandom>()),
      builder_(config_, *rng_) {}

std::uint16_t Responder::flags_for(const wire::Header& h, Rcode rcode) const {
  std::uint16_t f = wire::reply_flags(h, rcode);
  if (!config_.recursors.addresses.empty()) f |= wire::kFlagRa;
  return f;
}

std::uint32_t Responder::serial_now() const {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch()).count());
}

Decision Responder::respond(std::span<const std::uint8_t> query, Transport transport) const {
  try {
    const auto catalog = view_.snapshot();
    if (!catalog) throw std::runtime_error("dns: no catalog snapshot");
    return decide(query, transport, catalog.get(), *rng_, serial_now()).decision;
  } catch (const std::exception&) {
    return servfail(query);
  }
}

Decision Responder::servfail(std::span<const std::uint8_t> query) const {
  // Internal failure: SERVFAIL, with the question when it can be read.
  try {
    const auto h = wire::read_header(query);
    if (!h) return {};
    const auto q = h->qdcount == 1 ? wire::read_question(query) : std::nullopt;
    wire::MessageParts parts;
    parts.id = h->id;
    parts.flags = flags_for(*h, Rcode::ServFail);
    parts.question = q ? &*q : nullptr;
    return answer_with(wire::encode(parts));
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<std::uint8_t> Responder::forward_failed(std::span<const std::uint8_t> query) const {
  try {
    const auto h = wire::read_header(query);
    const auto q = wire::read_question(query);
    if (!h || !q) return {};
    ldns_pkt* raw_pkt = nullptr;
    const ldns_status st = ldns_wire2pkt(&raw_pkt, query.data(), query.size());
    const wire::PktHandle pkt(raw_pkt);
    wire::MessageParts parts;
    parts.id = h->id;
    parts.flags = flags_for(*h, Rcode::ServFail);
    parts.question = &*q;
    if (st == LDNS_STATUS_OK && pkt && ldns_pkt_edns(pkt.get()))
      parts.edns_udp_size = ldns_pkt_edns_udp_size(pkt.get());
    return wire::encode(parts);
  } catch (const std::exception&) {
    return {};
  }
}

Responder::Built Responder::decide(std::span<const std::uint8_t> query, Transport transport,
                                   const registry::Catalog* catalog, const RandomSource& rng,
                                   std::uint32_t serial) const {
  Built out;
  // Acceptance (miekg/dns's default filter, as Consul uses it).
  const auto h = wire::read_header(query);
  if (!h || h->qr()) return out;
  const auto header_only = [&](Rcode rcode) {
    // No question: one we cannot (FORMERR) or will not (NOTIMP) read.
    wire::MessageParts parts;
    parts.id = h->id;
    parts.flags = flags_for(*h, rcode);
    out.decision = answer_with(wire::encode(parts));
    return out;
  };
  if (h->opcode() != wire::kOpcodeQuery) return header_only(Rcode::NotImp);
  if (h->qdcount != 1 || h->ancount > 1 || h->nscount > 1 || h->arcount > 2)
    return header_only(Rcode::FormErr);

  // The whole message must parse (this also reads the OPT record); the
  // question is then taken from the raw bytes so it is echoed as received.
  ldns_pkt* raw_pkt = nullptr;
  const ldns_status st = ldns_wire2pkt(&raw_pkt, query.data(), query.size());
  const wire::PktHandle pkt(raw_pkt);
  const auto question = wire::read_question(query);
  if (st != LDNS_STATUS_OK || !pkt || !question) return header_only(Rcode::FormErr);

  std::optional<std::uint16_t> edns;
  if (ldns_pkt_edns(pkt.get())) edns = ldns_pkt_edns_udp_size(pkt.get());

  wire::MessageParts frame;
  frame.id = h->id;
  frame.question = &*question;
  frame.compress = !config_.disable_compression;
  const auto reply = [&](Rcode rcode, bool with_edns) {
    frame.flags = flags_for(*h, rcode);
    frame.edns_udp_size = with_edns ? edns : std::nullopt;
    out.decision = answer_with(wire::encode(frame));
    out.complete = true;
    out.opt = frame.edns_udp_size.has_value();
    return out;
  };

  if (question->type == LDNS_RR_TYPE_AXFR || question->type == LDNS_RR_TYPE_IXFR)
    return reply(Rcode::NotImp, true);

  const Query q = parse_query(question->name, question->type, zones_, config_.datacenter);
  if (q.kind == QueryKind::Foreign) {
    // Not ours: the recursors' business, or REFUSED without any (RA stays 0).
    if (config_.recursors.addresses.empty()) return reply(Rcode::Refused, false);
    out.decision.kind = Decision::Kind::Forward;
    return out;
  }
  // We hold no data in other classes (CH, HS, ANY): REFUSED, as for a zone we
  // do not serve.
  if (question->klass != LDNS_RR_CLASS_IN) return reply(Rcode::Refused, false);

  if (!catalog) throw std::runtime_error("dns: no catalog snapshot");
  const Sections sections = builder_.build(q, question->type, question->name, *catalog, serial, &rng);

  frame.flags = static_cast<std::uint16_t>(flags_for(*h, sections.rcode) | wire::kFlagAa);
  frame.edns_udp_size = edns;
  PackLimits limits;
  if (transport == Transport::Udp) {
    limits.max_size = udp_budget(edns);
    // Consul's policy for small clients: a few answers, silently.
    if (limits.max_size == kMinUdpPayload)
      limits.max_answers = std::min<std::size_t>(config_.udp_answer_limit, 8);
  } else {
    limits.max_size = kMaxTcpMessage;
  }
  limits.set_tc = config_.enable_truncate;
  out.decision = answer_with(pack(sections, frame, limits, &out.complete));
  out.shuffled = sections.shuffled;
  out.opt = edns.has_value();
  return out;
}

}  // namespace roster::dns
