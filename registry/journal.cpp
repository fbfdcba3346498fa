#include "registry/journal.hpp"

#include <boost/crc.hpp>

namespace roster::registry {
namespace {

enum class RecordType : std::uint8_t { PutService = 1, DelService = 2, PutCheck = 3, DelCheck = 4 };

constexpr std::size_t kFrameHeader = 8;
constexpr std::uint32_t kMaxRecord = 64u << 20;

std::uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint32_t get_u32(std::string_view in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_int(std::string& out, std::int64_t v) {  // zigzag
  put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// Reads fields from a payload; any overrun sets `bad`.
struct Reader {
  std::string_view in;
  bool bad = false;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) break;
      const auto b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    bad = true;
    return 0;
  }
  std::int64_t integer() {
    const std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string str() {
    const std::uint64_t n = varint();
    if (bad || n > in.size()) {
      bad = true;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

// The definition of a check beyond TTL, appended to a PutCheck record after
// its original fields (older logs end there: their checks get CheckSpec{}).
// A leading version number lets later versions add fields at the end.
constexpr std::uint64_t kSpecVersion = 1;

void put_spec(std::string& p, const CheckSpec& s) {
  put_varint(p, kSpecVersion);
  put_str(p, s.http);
  put_str(p, s.method);
  put_varint(p, s.header.size());
  for (const auto& [k, values] : s.header) {
    put_str(p, k);
    put_varint(p, values.size());
    for (const auto& v : values) put_str(p, v);
  }
  put_str(p, s.body);
  put_varint(p, s.tls_skip_verify ? 1 : 0);
  put_str(p, s.tls_server_name);
  put_str(p, s.tcp);
  put_varint(p, s.args.size());
  for (const auto& a : s.args) put_str(p, a);
  put_int(p, s.interval.count());
  put_int(p, s.timeout.count());
  put_int(p, s.success_before_passing);
  put_int(p, s.failures_before_warning);
  put_int(p, s.failures_before_critical);
  put_int(p, s.deregister_critical_after.count());
  put_int(p, s.output_max_size);
}

// False for a malformed block. Fields of later versions are skipped.
bool get_spec(Reader& r, CheckSpec& s) {
  if (r.varint() < 1 || r.bad) return false;
  s.http = r.str();
  s.method = r.str();
  for (auto n = r.varint(); n > 0 && !r.bad; --n) {
    std::string k = r.str();
    auto& values = s.header[k];
    for (auto m = r.varint(); m > 0 && !r.bad; --m) values.push_back(r.str());
  }
  s.body = r.str();
  s.tls_skip_verify = r.varint() != 0;
  s.tls_server_name = r.str();
  s.tcp = r.str();
  for (auto n = r.varint(); n > 0 && !r.bad; --n) s.args.push_back(r.str());
  s.interval = Duration(r.integer());
  s.timeout = Duration(r.integer());
  s.success_before_passing = static_cast<int>(r.integer());
  s.failures_before_warning = static_cast<int>(r.integer());
  s.failures_before_critical = static_cast<int>(r.integer());
  s.deregister_critical_after = Duration(r.integer());
  s.output_max_size = static_cast<int>(r.integer());
  r.in = {};
  return !r.bad;
}

void frame(std::string& out, const std::string& payload) {
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, crc32(payload));
  out.append(payload);
}

bool decode_into(std::string_view payload, PersistedState& st) {
  if (payload.empty()) return false;
  Reader r{payload.substr(1)};
  switch (static_cast<RecordType>(payload[0])) {
    case RecordType::PutService: {
      Service s;
      s.id = r.str();
      s.name = r.str();
      for (auto n = r.varint(); n > 0 && !r.bad; --n) s.tags.push_back(r.str());
      s.address = r.str();
      s.port = static_cast<int>(r.integer());
      for (auto n = r.varint(); n > 0 && !r.bad; --n) {
        std::string k = r.str();
        s.meta[k] = r.str();
      }
      s.weights.passing = static_cast<int>(r.integer());
      s.weights.warning = static_cast<int>(r.integer());
      s.enable_tag_override = r.varint() != 0;
      // Tagged addresses: absent from records written before they were kept.
      if (!r.in.empty())
        for (auto n = r.varint(); n > 0 && !r.bad; --n) {
          std::string tag = r.str();
          ServiceAddress a;
          a.address = r.str();
          a.port = static_cast<int>(r.integer());
          s.tagged_addresses[std::move(tag)] = std::move(a);
        }
      if (r.bad || !r.in.empty()) return false;
      st.services[s.id] = std::move(s);
      return true;
    }
    case RecordType::DelService: {
      const std::string id = r.str();
      if (r.bad || !r.in.empty()) return false;
      st.services.erase(id);
      for (auto it = st.checks.begin(); it != st.checks.end();)
        it = it->second.check.service_id == id ? st.checks.erase(it) : std::next(it);
      return true;
    }
    case RecordType::PutCheck: {
      PersistedCheck pc;
      Check& c = pc.check;
      c.id = r.str();
      c.name = r.str();
      c.notes = r.str();
      c.output = r.str();
      const auto status = r.varint();
      c.service_id = r.str();
      const auto type = r.varint();
      c.ttl = Duration(r.integer());
      const std::int64_t expires = r.integer();
      if (!r.bad && !r.in.empty() && !get_spec(r, c.spec)) return false;
      if (r.bad || !r.in.empty() || status > 2 || type > static_cast<std::uint64_t>(CheckType::Script)) return false;
      c.status = static_cast<HealthStatus>(status);
      c.type = static_cast<CheckType>(type);
      if (expires != 0) pc.expires = WallTime(std::chrono::duration_cast<WallTime::duration>(Duration(expires)));
      st.checks[c.id] = std::move(pc);
      return true;
    }
    case RecordType::DelCheck: {
      const std::string id = r.str();
      if (r.bad || !r.in.empty()) return false;
      st.checks.erase(id);
      return true;
    }
  }
  return false;
}

}  // namespace

void encode_put_service(std::string& out, const Service& s) {
  std::string p(1, static_cast<char>(RecordType::PutService));
  put_str(p, s.id);
  put_str(p, s.name);
  put_varint(p, s.tags.size());
  for (const auto& t : s.tags) put_str(p, t);
  put_str(p, s.address);
  put_int(p, s.port);
  put_varint(p, s.meta.size());
  for (const auto& [k, v] : s.meta) {
    put_str(p, k);
    put_str(p, v);
  }
  put_int(p, s.weights.passing);
  put_int(p, s.weights.warning);
  put_varint(p, s.enable_tag_override ? 1 : 0);
  if (!s.tagged_addresses.empty()) {
    put_varint(p, s.tagged_addresses.size());
    for (const auto& [tag, a] : s.tagged_addresses) {
      put_str(p, tag);
      put_str(p, a.address);
      put_int(p, a.port);
    }
  }
  frame(out, p);
}

void encode_del_service(std::string& out, std::string_view id) {
  std::string p(1, static_cast<char>(RecordType::DelService));
  put_str(p, id);
  frame(out, p);
}

void encode_put_check(std::string& out, const Check& c, std::optional<WallTime> expires) {
  std::string p(1, static_cast<char>(RecordType::PutCheck));
  put_str(p, c.id);
  put_str(p, c.name);
  put_str(p, c.notes);
  put_str(p, c.output);
  put_varint(p, static_cast<std::uint64_t>(c.status));
  put_str(p, c.service_id);
  put_varint(p, static_cast<std::uint64_t>(c.type));
  put_int(p, c.ttl.count());
  put_int(p, expires ? std::chrono::duration_cast<Duration>(expires->time_since_epoch()).count() : 0);
  if (!(c.spec == CheckSpec{})) put_spec(p, c.spec);
  frame(out, p);
}

void encode_del_check(std::string& out, std::string_view id) {
  std::string p(1, static_cast<char>(RecordType::DelCheck));
  put_str(p, id);
  frame(out, p);
}

ReplayResult replay(std::string_view log) {
  ReplayResult r;
  std::size_t pos = 0;
  while (pos < log.size()) {
    if (log.size() - pos < kFrameHeader) break;
    const std::uint32_t len = get_u32(log.substr(pos));
    const std::uint32_t crc = get_u32(log.substr(pos + 4));
    if (len == 0 || len > kMaxRecord || len > log.size() - pos - kFrameHeader) break;
    const std::string_view payload = log.substr(pos + kFrameHeader, len);
    if (crc32(payload) == crc && decode_into(payload, r.state)) ++r.records;
    else ++r.corrupt;
    pos += kFrameHeader + len;
  }
  r.valid_bytes = pos;
  r.torn_tail = pos < log.size();
  return r;
}

}  // namespace roster::registry
