#pragma once
// The names Roster generates inside its zone, and node meta as TXT text.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/ip.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns {

// <node>.node.<dc>.<zone>  (a node name with dots spans several labels)
wire::Labels node_fqdn(std::string_view node, std::string_view dc, const wire::Labels& zone);
// <8 or 32 hex>.addr.<dc>.<zone>
wire::Labels addr_fqdn(const wire::IpAddress& ip, std::string_view dc, const wire::Labels& zone);
// <service>.service.<dc>.<zone>
wire::Labels service_fqdn(std::string_view service, std::string_view dc, const wire::Labels& zone);

// One TXT text per meta entry, in key order: `key=value` escaped as RFC 1464
// (backquotes doubled, `=` in the key quoted, leading and trailing spaces of
// the key quoted); keys starting with `rfc1035-` (any case) give the value only.
std::vector<std::string> meta_txt(const std::map<std::string, std::string>& meta);
std::string encode_rfc1464(std::string_view key, std::string_view value);

}  // namespace roster::dns
