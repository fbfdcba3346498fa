#pragma once
// Builders for the resource records the DNS server emits (class IN). Each
// returns nullptr when a name is not a valid DNS name, so a bad catalog entry
// can never produce a broken packet: callers skip null records.
#include <cstdint>
#include <string_view>

#include "dns/wire/ip.hpp"
#include "dns/wire/ldns_handles.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns::wire {

// A for an IPv4 address, AAAA for an IPv6 one.
RrHandle make_address(const Labels& owner, std::uint32_t ttl, const IpAddress& ip);

RrHandle make_srv(const Labels& owner, std::uint32_t ttl, std::uint16_t priority,
                  std::uint16_t weight, std::uint16_t port, const Labels& target);

// One TXT record holding `text`, split into 255-byte character-strings.
RrHandle make_txt(const Labels& owner, std::uint32_t ttl, std::string_view text);

// NS, PTR or CNAME: a record whose only rdata field is a name.
RrHandle make_name_record(ldns_rr_type type, const Labels& owner, std::uint32_t ttl,
                          const Labels& target);

struct SoaFields {
  Labels mname;
  Labels rname;
  std::uint32_t serial = 0;
  std::uint32_t refresh = 0;
  std::uint32_t retry = 0;
  std::uint32_t expire = 0;
  std::uint32_t minimum = 0;
};
RrHandle make_soa(const Labels& owner, std::uint32_t ttl, const SoaFields& soa);

}  // namespace roster::dns::wire
