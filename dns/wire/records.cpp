#include "dns/wire/records.hpp"

#include <algorithm>
#include <stdexcept>

namespace roster::dns::wire {
namespace {

// A record with owner, type, class IN and TTL set, and no rdata yet.
RrHandle new_record(ldns_rr_type type, const Labels& owner, std::uint32_t ttl) {
  RdfHandle name = make_dname(owner);
  if (!name) return nullptr;
  RrHandle rr(ldns_rr_new());
  if (!rr) throw std::bad_alloc();
  ldns_rr_set_owner(rr.get(), name.release());
  ldns_rr_set_type(rr.get(), type);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl);
  return rr;
}

// Hands `rdf` to `rr`; throws if ldns could not allocate it.
void push(ldns_rr* rr, ldns_rdf* rdf) {
  if (!rdf) throw std::bad_alloc();
  if (!ldns_rr_push_rdf(rr, rdf)) {
    RdfHandle drop(rdf);
    throw std::bad_alloc();
  }
}

}  // namespace

RrHandle make_address(const Labels& owner, std::uint32_t ttl, const IpAddress& ip) {
  const bool v4 = ip.family == IpAddress::Family::V4;
  RrHandle rr = new_record(v4 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA, owner, ttl);
  if (!rr) return nullptr;
  push(rr.get(), ldns_rdf_new_frm_data(v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, ip.size(),
                                       ip.bytes.data()));
  return rr;
}

RrHandle make_srv(const Labels& owner, std::uint32_t ttl, std::uint16_t priority,
                  std::uint16_t weight, std::uint16_t port, const Labels& target) {
  RdfHandle target_rdf = make_dname(target);
  if (!target_rdf) return nullptr;
  RrHandle rr = new_record(LDNS_RR_TYPE_SRV, owner, ttl);
  if (!rr) return nullptr;
  push(rr.get(), ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, priority));
  push(rr.get(), ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, weight));
  push(rr.get(), ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, port));
  push(rr.get(), target_rdf.release());
  return rr;
}

RrHandle make_txt(const Labels& owner, std::uint32_t ttl, std::string_view text) {
  RrHandle rr = new_record(LDNS_RR_TYPE_TXT, owner, ttl);
  if (!rr) return nullptr;
  // An empty TXT still carries one (empty) character-string.
  do {
    const std::size_t n = std::min<std::size_t>(text.size(), 255);
    std::uint8_t chunk[256];
    chunk[0] = static_cast<std::uint8_t>(n);
    std::copy_n(text.data(), n, chunk + 1);
    push(rr.get(), ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, n + 1, chunk));
    text.remove_prefix(n);
  } while (!text.empty());
  return rr;
}

RrHandle make_name_record(ldns_rr_type type, const Labels& owner, std::uint32_t ttl,
                          const Labels& target) {
  RdfHandle target_rdf = make_dname(target);
  if (!target_rdf) return nullptr;
  RrHandle rr = new_record(type, owner, ttl);
  if (!rr) return nullptr;
  push(rr.get(), target_rdf.release());
  return rr;
}

RrHandle make_soa(const Labels& owner, std::uint32_t ttl, const SoaFields& soa) {
  RdfHandle mname = make_dname(soa.mname);
  RdfHandle rname = make_dname(soa.rname);
  if (!mname || !rname) return nullptr;
  RrHandle rr = new_record(LDNS_RR_TYPE_SOA, owner, ttl);
  if (!rr) return nullptr;
  push(rr.get(), mname.release());
  push(rr.get(), rname.release());
  push(rr.get(), ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, soa.serial));
  push(rr.get(), ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, soa.refresh));
  push(rr.get(), ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, soa.retry));
  push(rr.get(), ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, soa.expire));
  push(rr.get(), ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, soa.minimum));
  return rr;
}

}  // namespace roster::dns::wire
