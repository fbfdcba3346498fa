#include "dns/responder.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "dns/wire/ldns.hpp"

#include "common/strings.hpp"
#include "dns/packer.hpp"
#include "dns/query.hpp"
#include "dns/wire/ldns_handles.hpp"
#include "dns/wire/message.hpp"

namespace roster::dns {
namespace {

using wire::Rcode;

DnsConfig normalised(DnsConfig c) {
  c.domain = to_lower(c.domain);
  if (c.domain.empty() || c.domain == ".") throw std::invalid_argument("dns: domain must not be empty");
  if (c.domain.back() != '.') c.domain += '.';
  if (!wire::valid_name(wire::split_name(c.domain)))
    throw std::invalid_argument("dns: domain is not a valid DNS name: " + c.domain);
  return c;
}

Decision answer_with(std::vector<std::uint8_t> bytes) {
  return Decision{Decision::Kind::Answer, std::move(bytes)};
}

// A reply without question or records: for queries whose question we cannot
// (FORMERR) or will not (NOTIMP opcode) read.
Decision header_only(const wire::Header& h, Rcode rcode) {
  wire::MessageParts parts;
  parts.id = h.id;
  parts.flags = wire::reply_flags(h, rcode);
  return answer_with(wire::encode(parts));
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
      domain_(wire::split_name(config_.domain)),
      clock_(clock),
      rng_(rng ? std::move(rng) : std::make_shared<ThreadLocalRandom>()),
      builder_(config_, *rng_) {}

Decision Responder::respond(std::span<const std::uint8_t> query, Transport transport) const {
  try {
    return answer(query, transport);
  } catch (const std::exception&) {
    // Internal failure: SERVFAIL, with the question when it can be read.
    try {
      const auto h = wire::read_header(query);
      if (!h) return {};
      const auto q = h->qdcount == 1 ? wire::read_question(query) : std::nullopt;
      wire::MessageParts parts;
      parts.id = h->id;
      parts.flags = wire::reply_flags(*h, Rcode::ServFail);
      parts.question = q ? &*q : nullptr;
      return answer_with(wire::encode(parts));
    } catch (const std::exception&) {
      return {};
    }
  }
}

Decision Responder::answer(std::span<const std::uint8_t> query, Transport transport) const {
  // Acceptance (miekg/dns's default filter, as Consul uses it).
  const auto h = wire::read_header(query);
  if (!h || h->qr()) return {};
  if (h->opcode() != wire::kOpcodeQuery) return header_only(*h, Rcode::NotImp);
  if (h->qdcount != 1 || h->ancount > 1 || h->nscount > 1 || h->arcount > 2)
    return header_only(*h, Rcode::FormErr);

  // The whole message must parse (this also reads the OPT record); the
  // question is then taken from the raw bytes so it is echoed as received.
  ldns_pkt* raw_pkt = nullptr;
  const ldns_status st = ldns_wire2pkt(&raw_pkt, query.data(), query.size());
  const wire::PktHandle pkt(raw_pkt);
  const auto question = wire::read_question(query);
  if (st != LDNS_STATUS_OK || !pkt || !question) return header_only(*h, Rcode::FormErr);

  std::optional<std::uint16_t> edns;
  if (ldns_pkt_edns(pkt.get())) edns = ldns_pkt_edns_udp_size(pkt.get());

  wire::MessageParts frame;
  frame.id = h->id;
  frame.question = &*question;
  const auto reply = [&](Rcode rcode, bool with_edns) {
    frame.flags = wire::reply_flags(*h, rcode);
    frame.edns_udp_size = with_edns ? edns : std::nullopt;
    return answer_with(wire::encode(frame));
  };

  if (question->type == LDNS_RR_TYPE_AXFR || question->type == LDNS_RR_TYPE_IXFR)
    return reply(Rcode::NotImp, true);
  // We hold no data in other classes (CH, HS, ANY): REFUSED, as for a zone we
  // do not serve.
  if (question->klass != LDNS_RR_CLASS_IN) return reply(Rcode::Refused, false);

  const Query q = parse_query(question->name, question->type, domain_, config_.datacenter);
  // No recursors yet: names outside our domain are refused (RA stays 0).
  if (q.kind == QueryKind::Foreign) return reply(Rcode::Refused, false);

  const auto catalog = view_.snapshot();
  if (!catalog) throw std::runtime_error("dns: no catalog snapshot");
  const auto serial = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch()).count());
  const Sections sections = builder_.build(q, question->type, question->name, *catalog, serial);

  frame.flags = static_cast<std::uint16_t>(wire::reply_flags(*h, sections.rcode) | wire::kFlagAa);
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
  return answer_with(pack(sections, frame, limits));
}

}  // namespace roster::dns
