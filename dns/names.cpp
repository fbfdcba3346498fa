#include "dns/names.hpp"

#include "common/strings.hpp"

namespace roster::dns {
namespace {

wire::Labels under(wire::Labels head, std::string_view kind, std::string_view dc,
                   const wire::Labels& zone) {
  head.emplace_back(kind);
  head.emplace_back(dc);
  return wire::concat(std::move(head), zone);
}

}  // namespace

wire::Labels node_fqdn(std::string_view node, std::string_view dc, const wire::Labels& zone) {
  return under(wire::split_name(node), "node", dc, zone);
}

wire::Labels addr_fqdn(const wire::IpAddress& ip, std::string_view dc, const wire::Labels& zone) {
  return under({wire::to_hex(ip)}, "addr", dc, zone);
}

wire::Labels service_fqdn(std::string_view service, std::string_view dc, const wire::Labels& zone) {
  return under(wire::split_name(service), "service", dc, zone);
}

std::string encode_rfc1464(std::string_view key, std::string_view value) {
  std::string k;
  for (char c : key) {
    if (c == '`') k += "``";
    else if (c == '=') k += "`=";
    else k += c;
  }
  // Back-quote each leading and trailing space of the key.
  const std::size_t first = k.find_first_not_of(' ');
  std::string out;
  if (first == std::string::npos) {
    for (std::size_t i = 0; i < k.size(); ++i) out += "` ";
  } else {
    const std::size_t last = k.find_last_not_of(' ');
    for (std::size_t i = 0; i < first; ++i) out += "` ";
    out += k.substr(first, last - first + 1);
    for (std::size_t i = last + 1; i < k.size(); ++i) out += "` ";
  }
  out += '=';
  for (char c : value) {
    if (c == '`') out += "``";
    else out += c;
  }
  return out;
}

std::vector<std::string> meta_txt(const std::map<std::string, std::string>& meta) {
  std::vector<std::string> out;
  out.reserve(meta.size());
  for (const auto& [key, value] : meta)
    out.push_back(starts_with_icase(key, "rfc1035-") ? value : encode_rfc1464(key, value));
  return out;
}

}  // namespace roster::dns
