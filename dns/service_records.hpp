#pragma once
// Records for the eligible instances of a service (consul-compat.md §1.4,
// §1.5): A/AAAA answers, or SRV answers with their targets' addresses and
// node meta in ADDITIONAL.
//
// Not implemented yet: the CNAME cases of §1.5 (a service or node address
// that is a hostname). For A/AAAA/ANY such instances give no record; for SRV
// the hostname itself is the target, with no additional records.
#include <cstdint>
#include <vector>

#include "dns/dns_config.hpp"
#include "dns/sections.hpp"
#include "dns/wire/name.hpp"
#include "registry/catalog.hpp"

namespace roster::dns {

struct ServiceQuestion {
  const wire::Labels& qname;  // owner of every answer, as asked
  std::uint16_t qtype;        // A, AAAA, ANY or SRV
  const wire::Labels& zone;   // our domain as spelled in the question
  const DnsConfig& config;
};

// Appends answers for `instances` (already filtered and shuffled) to `out`.
void add_service_records(const ServiceQuestion& q, const std::vector<registry::Instance>& instances,
                         Sections& out);

}  // namespace roster::dns
