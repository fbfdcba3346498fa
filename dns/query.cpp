#include "dns/query.hpp"

#include <algorithm>
#include <array>

#include "dns/wire/ldns.hpp"

#include "common/strings.hpp"

namespace roster::dns {
namespace {

using wire::Labels;

constexpr std::array<std::string_view, 7> kKinds = {"service", "node", "addr", "query",
                                                    "connect", "virtual", "ingress"};

bool is_kind(std::string_view label) {
  for (auto k : kKinds)
    if (label == k) return true;
  return false;
}

bool ends_with(const Labels& name, std::initializer_list<std::string_view> suffix) {
  if (name.size() < suffix.size()) return false;
  std::size_t i = name.size() - suffix.size();
  for (auto s : suffix)
    if (!iequals(name[i++], s)) return false;
  return true;
}

Query nxdomain(Query q) {
  q.kind = QueryKind::NxDomain;
  return q;
}

// d.c.b.a.in-addr.arpa (exactly four decimal labels).
std::optional<wire::IpAddress> reverse_v4(const Labels& name) {
  if (name.size() != 6) return std::nullopt;
  wire::IpAddress ip;
  ip.family = wire::IpAddress::Family::V4;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string& l = name[3 - i];
    if (l.empty() || l.size() > 3) return std::nullopt;
    unsigned v = 0;
    for (char c : l) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 255) return std::nullopt;
    ip.bytes[i] = static_cast<std::uint8_t>(v);
  }
  return ip;
}

// 32 single-nibble labels, least significant first, then ip6.arpa.
std::optional<wire::IpAddress> reverse_v6(const Labels& name) {
  if (name.size() != 34) return std::nullopt;
  std::string hex;
  for (std::size_t i = 32; i-- > 0;) {
    if (name[i].size() != 1) return std::nullopt;
    hex += name[i];
  }
  return wire::from_hex(hex);
}

Query parse_reverse(const Labels& qname, const Labels& domain) {
  Query q;
  q.zone = domain;
  q.kind = QueryKind::Ptr;
  q.address = ends_with(qname, {"in-addr", "arpa"}) ? reverse_v4(qname) : reverse_v6(qname);
  if (!q.address) q.kind = QueryKind::NxDomain;
  return q;
}

// The service forms: [<tag>.]<svc> and _<svc>._<proto> (RFC 2782).
Query parse_service(Query q, const Labels& parts) {
  const std::size_t n = parts.size();
  if (n == 2 && parts[0].size() > 1 && parts[1].size() > 1 && parts[0][0] == '_' &&
      parts[1][0] == '_') {
    q.name = parts[0].substr(1);
    if (parts[1] != "_tcp") q.tag = parts[1].substr(1);
  } else {
    q.name = parts[n - 1];
    if (n >= 2) q.tag = wire::join_labels(Labels(parts.begin(), parts.end() - 1));
  }
  q.kind = QueryKind::Service;
  return q;
}

}  // namespace

Query parse_query(const Labels& qname, std::uint16_t qtype, const Zones& zones,
                  std::string_view datacenter) {
  const auto under = [&](const Labels& domain) {
    return !domain.empty() && qname.size() >= domain.size() &&
           std::equal(domain.begin(), domain.end(), qname.end() - domain.size(),
                      [](const std::string& d, const std::string& l) { return iequals(d, l); });
  };
  const bool in_primary = under(zones.primary);
  const bool in_alt = under(zones.alt);
  if (!in_primary && !in_alt) {
    if (ends_with(qname, {"in-addr", "arpa"}) || ends_with(qname, {"ip6", "arpa"}))
      return parse_reverse(qname, zones.primary);
    return Query{};
  }
  const bool alt = in_alt && (!in_primary || zones.alt.size() > zones.primary.size());
  const Labels& domain = alt ? zones.alt : zones.primary;
  Query q;
  q.in_domain = true;
  q.alt = alt;
  q.zone.assign(qname.end() - domain.size(), qname.end());
  q.kind = QueryKind::NxDomain;

  Labels rest;
  rest.reserve(qname.size() - domain.size());
  for (auto it = qname.begin(); it != qname.end() - domain.size(); ++it) rest.push_back(to_lower(*it));

  // The kind label is the rightmost known one. For SRV the `.service` label
  // may be left out: then the rightmost `_x` label ends the query parts.
  std::string kind;
  Labels parts;
  Labels locality;
  for (std::size_t i = rest.size(); i-- > 0;) {
    if (is_kind(rest[i])) {
      kind = rest[i];
      parts.assign(rest.begin(), rest.begin() + i);
      locality.assign(rest.begin() + i + 1, rest.end());
      break;
    }
    if (qtype == LDNS_RR_TYPE_SRV && rest[i].size() > 1 && rest[i][0] == '_') {
      kind = "service";
      parts.assign(rest.begin(), rest.begin() + i + 1);
      locality.assign(rest.begin() + i + 1, rest.end());
      break;
    }
  }
  if (kind.empty() || parts.empty()) return q;

  // Locality: nothing, `<dc>` or `<dc>.dc`. Peers and other shapes are not
  // supported.
  std::optional<std::string> dc;
  if (locality.size() == 1) dc = locality[0];
  else if (locality.size() == 2 && locality[1] == "dc") dc = locality[0];
  else if (!locality.empty()) return q;

  if (kind == "addr") {  // the datacenter is ignored for .addr names
    if (parts.size() != 1) return q;
    q.address = wire::from_hex(parts[0]);
    if (!q.address) return q;
    q.kind = QueryKind::Addr;
    return q;
  }
  if (dc && !iequals(*dc, datacenter)) return q;
  if (kind == "service") return parse_service(std::move(q), parts);
  if (kind == "node") {
    q.name = wire::join_labels(parts);
    q.kind = QueryKind::Node;
    return q;
  }
  return nxdomain(std::move(q));  // query, connect, virtual, ingress: not supported
}

}  // namespace roster::dns
