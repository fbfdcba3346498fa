#include "dns/answer_builder.hpp"

#include "dns/wire/ldns.hpp"

#include "common/strings.hpp"
#include "dns/names.hpp"
#include "dns/service_records.hpp"
#include "dns/wire/records.hpp"

namespace roster::dns {
namespace {

using registry::HealthStatus;
using wire::Labels;

bool is_address_type(std::uint16_t t) {
  return t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA || t == LDNS_RR_TYPE_ANY;
}

bool family_wanted(std::uint16_t qtype, const wire::IpAddress& ip) {
  if (qtype == LDNS_RR_TYPE_ANY) return true;
  return ip.family == wire::IpAddress::Family::V4 ? qtype == LDNS_RR_TYPE_A
                                                  : qtype == LDNS_RR_TYPE_AAAA;
}

}  // namespace

AnswerBuilder::AnswerBuilder(const DnsConfig& config, const RandomSource& rng)
    : config_(config), rng_(rng) {}

Sections AnswerBuilder::build(const Query& q, std::uint16_t qtype, const Labels& qname,
                              const registry::Catalog& catalog, std::uint32_t serial,
                              const RandomSource* rng) const {
  const Ask a{q, qtype, qname, catalog, serial, rng ? *rng : rng_};
  Sections out;
  if (q.in_domain && qtype == LDNS_RR_TYPE_SOA) {
    soa_answer(a, out);
    return out;
  }
  if (q.in_domain && qtype == LDNS_RR_TYPE_NS) {
    ns_answer(a, out);
    return out;
  }
  switch (q.kind) {
    case QueryKind::Service: service(a, out); break;
    case QueryKind::Node: node(a, out); break;
    case QueryKind::Addr: addr(a, out); break;
    case QueryKind::Ptr: ptr(a, out); break;
    case QueryKind::NxDomain:
    case QueryKind::Foreign: negative(a, wire::Rcode::NxDomain, out); break;
  }
  return out;
}

void AnswerBuilder::service(const Ask& a, Sections& out) const {
  std::vector<registry::Instance> eligible;
  for (auto& inst : a.catalog.instances(a.q.name)) {
    if (inst.health == HealthStatus::Critical) continue;
    if (config_.only_passing && inst.health != HealthStatus::Passing) continue;
    if (a.q.tag && !registry::has_tag(*inst.service, *a.q.tag)) continue;
    eligible.push_back(std::move(inst));
  }
  if (eligible.empty()) return negative(a, wire::Rcode::NxDomain, out);
  if (a.qtype == LDNS_RR_TYPE_SRV || is_address_type(a.qtype)) {
    shuffle(eligible, a.rng);
    out.shuffled = eligible.size() > 1;
    add_service_records({a.qname, a.qtype, a.q.zone, config_, config_.service_ttl.ttl_for(a.q.name)},
                        eligible, out);
  }
  if (out.answer.empty()) negative(a, wire::Rcode::NoError, out);
}

void AnswerBuilder::node(const Ask& a, Sections& out) const {
  const registry::NodeRecord* rec = a.catalog.find_node(a.q.name);
  if (!rec) return negative(a, wire::Rcode::NxDomain, out);
  const registry::Node& n = rec->node;
  const bool txt_question = a.qtype == LDNS_RR_TYPE_TXT || a.qtype == LDNS_RR_TYPE_ANY;
  if (is_address_type(a.qtype)) {
    if (auto ip = wire::parse_ip(n.address)) {
      if (family_wanted(a.qtype, *ip))
        if (auto rr = wire::make_address(a.qname, config_.node_ttl, *ip))
          out.answer.push_back(std::move(rr));
    } else if (!n.address.empty()) {
      // A hostname address: a CNAME to it (§1.6); the client's resolver
      // follows it.
      if (auto rr = wire::make_name_record(LDNS_RR_TYPE_CNAME, a.qname, config_.node_ttl,
                                           wire::split_name(n.address)))
        out.answer.push_back(std::move(rr));
    }
  }
  const bool meta_extra = !txt_question && !out.answer.empty() &&
                          config_.enable_additional_node_meta_txt;
  if (txt_question || meta_extra) {
    for (const auto& text : meta_txt(n.meta)) {
      auto txt = wire::make_txt(a.qname, config_.node_ttl, text);
      if (!txt) continue;
      if (txt_question) out.answer.push_back(std::move(txt));
      else out.additional.push_back({std::move(txt), 0, false});
    }
  }
  if (out.answer.empty()) negative(a, wire::Rcode::NoError, out);
}

void AnswerBuilder::addr(const Ask& a, Sections& out) const {
  auto rr = wire::make_address(a.qname, config_.node_ttl, *a.q.address);
  if (rr && family_wanted(a.qtype, *a.q.address)) {
    out.answer.push_back(std::move(rr));
    return;
  }
  // Family mismatch: NOERROR, empty answer; the address rides in ADDITIONAL.
  negative(a, wire::Rcode::NoError, out);
  if (rr) out.additional.push_back({std::move(rr), kAnchorAuthority, true});
}

void AnswerBuilder::ptr(const Ask& a, Sections& out) const {
  // Node addresses first, then service addresses; the first match wins.
  std::optional<Labels> target;
  for (const auto& rec : a.catalog.nodes()) {
    if (wire::parse_ip(rec->node.address) == a.q.address) {
      target = node_fqdn(rec->node.name, config_.datacenter, a.q.zone);
      break;
    }
  }
  for (auto it = a.catalog.nodes().begin(); !target && it != a.catalog.nodes().end(); ++it) {
    for (const auto& [id, svc] : (*it)->services) {
      if (!svc.address.empty() && wire::parse_ip(svc.address) == a.q.address) {
        target = service_fqdn(svc.name, config_.datacenter, a.q.zone);
        break;
      }
    }
  }
  if (!target) return negative(a, wire::Rcode::NxDomain, out);
  if (a.qtype == LDNS_RR_TYPE_PTR || a.qtype == LDNS_RR_TYPE_ANY)
    if (auto rr = wire::make_name_record(LDNS_RR_TYPE_PTR, a.qname, 0, *target))
      out.answer.push_back(std::move(rr));
  if (out.answer.empty()) negative(a, wire::Rcode::NoError, out);
}

void AnswerBuilder::soa_answer(const Ask& a, Sections& out) const {
  if (auto soa = soa_record(a)) out.answer.push_back(std::move(soa));
  add_ns(a, out.authority, true, out);
}

void AnswerBuilder::ns_answer(const Ask& a, Sections& out) const {
  add_ns(a, out.answer, false, out);
  if (out.answer.empty()) negative(a, wire::Rcode::NoError, out);
}

void AnswerBuilder::add_ns(const Ask& a, std::vector<wire::RrHandle>& to, bool in_authority,
                           Sections& out) const {
  if (config_.ns_node.empty()) return;
  // The NS target is lower-cased and uses the configured domain (§1.9) the
  // question was asked in.
  const Labels domain = wire::split_name(a.q.alt ? config_.alt_domain : config_.domain);
  const Labels target = node_fqdn(to_lower(config_.ns_node), to_lower(config_.datacenter), domain);
  auto ns = wire::make_name_record(LDNS_RR_TYPE_NS, a.q.zone, config_.node_ttl, target);
  if (!ns) return;
  const int anchor = in_authority ? kAnchorAuthority : static_cast<int>(to.size());
  to.push_back(std::move(ns));
  if (auto ip = wire::parse_ip(config_.ns_address))
    if (auto glue = wire::make_address(target, config_.node_ttl, *ip))
      out.additional.push_back({std::move(glue), anchor, true});
}

wire::RrHandle AnswerBuilder::soa_record(const Ask& a) const {
  wire::SoaFields f;
  f.mname = wire::concat({"ns"}, a.q.zone);
  f.rname = wire::concat({"hostmaster"}, a.q.zone);
  f.serial = a.serial;
  f.refresh = config_.soa.refresh;
  f.retry = config_.soa.retry;
  f.expire = config_.soa.expire;
  f.minimum = config_.soa.min_ttl;
  return wire::make_soa(a.q.zone, config_.soa.min_ttl, f);
}

void AnswerBuilder::negative(const Ask& a, wire::Rcode rcode, Sections& out) const {
  out.rcode = rcode;
  if (auto soa = soa_record(a)) out.authority.push_back(std::move(soa));
}

}  // namespace roster::dns
