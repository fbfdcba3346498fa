#pragma once
// AnswerBuilder: the records for one parsed question, read from one catalog
// snapshot, section by section (ANSWER, then AUTHORITY, then ADDITIONAL), as
// consul-compat.md §1.3-§1.10 and §1.12 describe. Size limits are applied
// later (Packer).
#include <cstdint>

#include "dns/dns_config.hpp"
#include "dns/query.hpp"
#include "dns/random.hpp"
#include "dns/sections.hpp"
#include "registry/catalog.hpp"

namespace roster::dns {

// Thread safety: immutable after construction; build() may be called from
// several threads at once (the RandomSource is thread-safe).
class AnswerBuilder {
 public:
  // `config.domain` must already be normalised (lower-case, one trailing
  // dot); `config` and `rng` must outlive the builder.
  AnswerBuilder(const DnsConfig& config, const RandomSource& rng);

  // `qname`: the question name as asked. `serial`: the SOA serial to use.
  // `q.kind` must not be Foreign. `rng` (optional) replaces the builder's own
  // source for this answer (the answer cache builds reproducible variants).
  Sections build(const Query& q, std::uint16_t qtype, const wire::Labels& qname,
                 const registry::Catalog& catalog, std::uint32_t serial,
                 const RandomSource* rng = nullptr) const;

 private:
  struct Ask {
    const Query& q;
    std::uint16_t qtype;
    const wire::Labels& qname;
    const registry::Catalog& catalog;
    std::uint32_t serial;
    const RandomSource& rng;
  };

  void service(const Ask& a, Sections& out) const;
  void node(const Ask& a, Sections& out) const;
  void addr(const Ask& a, Sections& out) const;
  void ptr(const Ask& a, Sections& out) const;
  void soa_answer(const Ask& a, Sections& out) const;
  void ns_answer(const Ask& a, Sections& out) const;

  // Appends the NS record (owner: the zone) to `to`, which is out.answer or
  // out.authority, and its glue to ADDITIONAL, anchored to that NS record.
  void add_ns(const Ask& a, std::vector<wire::RrHandle>& to, bool in_authority,
              Sections& out) const;
  wire::RrHandle soa_record(const Ask& a) const;
  // Sets `rcode` and puts the SOA in AUTHORITY (NXDOMAIN, or NODATA when the
  // answer is empty).
  void negative(const Ask& a, wire::Rcode rcode, Sections& out) const;

  const DnsConfig& config_;
  const RandomSource& rng_;
};

}  // namespace roster::dns
