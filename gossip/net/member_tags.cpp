#include "gossip/net/member_tags.hpp"

#include "gossip/member.hpp"

namespace roster::gossip::net {

Result<std::vector<std::uint8_t>> encode_tags(const Tags& tags) {
  std::vector<std::uint8_t> out;
  for (const auto& [k, v] : tags) {
    if (k.size() > 255 || v.size() > 255) return invalid("gossip tag \"" + k + "\" is too long");
    out.push_back(static_cast<std::uint8_t>(k.size()));
    out.insert(out.end(), k.begin(), k.end());
    out.push_back(static_cast<std::uint8_t>(v.size()));
    out.insert(out.end(), v.begin(), v.end());
  }
  if (out.size() > kMaxMetaBytes)
    return invalid("gossip tags take " + std::to_string(out.size()) + " bytes; at most " +
                   std::to_string(kMaxMetaBytes) + " fit");
  return out;
}

Tags decode_tags(std::span<const std::uint8_t> meta) {
  Tags out;
  std::size_t i = 0;
  auto field = [&](std::string& s) {
    if (i >= meta.size()) return false;
    const std::size_t n = meta[i++];
    if (meta.size() - i < n) return false;
    s.assign(reinterpret_cast<const char*>(meta.data() + i), n);
    i += n;
    return true;
  };
  while (i < meta.size()) {
    std::string k, v;
    if (!field(k) || !field(v)) break;
    out[std::move(k)] = std::move(v);
  }
  return out;
}

}  // namespace roster::gossip::net
