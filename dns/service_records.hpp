#pragma once
// Records for the eligible instances of a service (consul-compat.md §1.4,
// §1.5): A/AAAA answers, or SRV answers with their targets' addresses and
// node meta in ADDITIONAL.
//
// Hostname addresses (§1.5): for A/AAAA/ANY, when no instance gives an IP
// record, the answer is one CNAME to the first instance's hostname (not
// resolved further: the client's resolver follows it); for SRV the hostname
// itself is the target, with no additional records.
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
  std::uint32_t ttl;  // the service's TTL (service_ttl), for every record
};

// Appends answers for `instances` (already filtered and shuffled) to `out`.
void add_service_records(const ServiceQuestion& q, const std::vector<registry::Instance>& instances,
                         Sections& out);

}  // namespace roster::dns
