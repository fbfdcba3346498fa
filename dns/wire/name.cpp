#include "dns/wire/name.hpp"

namespace roster::dns::wire {

std::optional<RawName> read_name(std::span<const std::uint8_t> wire, std::size_t offset) {
  RawName out;
  std::size_t pos = offset;
  std::size_t total = 1;  // the root label
  for (;;) {
    if (pos >= wire.size()) return std::nullopt;
    const std::uint8_t len = wire[pos];
    if (len == 0) break;
    if ((len & 0xC0) != 0) return std::nullopt;  // pointer or reserved label type
    total += 1 + len;
    if (total > kMaxName || pos + 1 + len > wire.size()) return std::nullopt;
    out.labels.emplace_back(reinterpret_cast<const char*>(wire.data() + pos + 1), len);
    pos += 1 + len;
  }
  out.end = pos + 1;
  return out;
}

Labels split_name(std::string_view dotted) {
  Labels out;
  if (!dotted.empty() && dotted.back() == '.') dotted.remove_suffix(1);
  if (dotted.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const auto dot = dotted.find('.', start);
    out.emplace_back(dotted.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string join_labels(const Labels& labels) {
  std::string out;
  for (const auto& l : labels) {
    if (!out.empty()) out += '.';
    out += l;
  }
  return out;
}

bool valid_name(const Labels& labels) {
  std::size_t total = 1;
  for (const auto& l : labels) {
    if (l.empty() || l.size() > kMaxLabel) return false;
    total += 1 + l.size();
  }
  return total <= kMaxName;
}

RdfHandle make_dname(const Labels& labels) {
  if (!valid_name(labels)) return nullptr;
  std::uint8_t data[kMaxName];
  std::size_t pos = 0;
  for (const auto& l : labels) {
    data[pos++] = static_cast<std::uint8_t>(l.size());
    for (char c : l) data[pos++] = static_cast<std::uint8_t>(c);
  }
  data[pos++] = 0;
  return RdfHandle(ldns_dname_new_frm_data(static_cast<std::uint16_t>(pos), data));
}

Labels concat(Labels head, const Labels& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace roster::dns::wire
