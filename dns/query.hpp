#pragma once
// parse_query: what a question name asks for (consul-compat.md §1.2, §1.7).
// Pure; "no such name" is an ordinary outcome (QueryKind::NxDomain).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/wire/ip.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns {

enum class QueryKind {
  Service,   // [<tag>.]<svc>.service, _<svc>._<proto>[.service]
  Node,      // <node>.node
  Addr,      // <hex>.addr
  Ptr,       // <reverse>.in-addr.arpa / <nibbles>.ip6.arpa
  NxDomain,  // inside our zone (or a malformed reverse name) but names nothing
  Foreign,   // outside our domain: not ours to answer
};

struct Query {
  QueryKind kind = QueryKind::Foreign;
  // True for names inside our domain (SOA and NS questions are answered for
  // any of them); false for reverse names and foreign names.
  bool in_domain = false;
  // The domain labels as spelled in the question (for reverse names: the
  // configured domain). Generated names end in these.
  wire::Labels zone;
  // True when the question used alt_domain rather than domain.
  bool alt = false;
  std::string name;                        // Service/Node, lower-cased; node names re-joined with '.'
  std::optional<std::string> tag;          // Service, lower-cased
  std::optional<wire::IpAddress> address;  // Addr, Ptr
};

// The zones we answer for: the domain and the optional alt_domain, as
// lower-case labels (alt empty when not configured).
struct Zones {
  wire::Labels primary;
  wire::Labels alt;
};

// `qname`: the question's labels as received. When both zones match, the
// longer suffix wins. `datacenter`: the agent's datacenter.
Query parse_query(const wire::Labels& qname, std::uint16_t qtype, const Zones& zones,
                  std::string_view datacenter);

}  // namespace roster::dns
