// Node records as tagged fields (gossip/replica_tlv.hpp). Field numbers are
// part of the wire format: add new ones, never renumber or reuse.
#include <limits>

#include "gossip/replica_codec.hpp"
#include "gossip/replica_tlv.hpp"

namespace roster::gossip::replica {
namespace {

using registry::Check;
using registry::CheckSpec;
using registry::CheckType;
using registry::HealthStatus;
using registry::Service;

// Wire values of the enums: independent of the C++ enumerators' order.
std::uint64_t wire_status(HealthStatus s) {
  switch (s) {
    case HealthStatus::Passing: return 0;
    case HealthStatus::Warning: return 1;
    case HealthStatus::Critical: return 2;
  }
  return 2;
}
// An unknown status (from a later version) reads as critical: the safe side.
HealthStatus status_from_wire(std::uint64_t v) {
  return v == 0 ? HealthStatus::Passing : v == 1 ? HealthStatus::Warning : HealthStatus::Critical;
}
std::uint64_t wire_type(CheckType t) {
  switch (t) {
    case CheckType::Ttl: return 0;
    case CheckType::Serf: return 1;
    case CheckType::Maintenance: return 2;
    case CheckType::Catalog: return 3;
    case CheckType::Http: return 4;
    case CheckType::Tcp: return 5;
    case CheckType::Script: return 6;
  }
  return 3;
}
// An unknown type reads as Catalog: a check shown as written, never run here.
CheckType type_from_wire(std::uint64_t v) {
  switch (v) {
    case 0: return CheckType::Ttl;
    case 1: return CheckType::Serf;
    case 2: return CheckType::Maintenance;
    case 4: return CheckType::Http;
    case 5: return CheckType::Tcp;
    case 6: return CheckType::Script;
    default: return CheckType::Catalog;
  }
}

template <typename Fn>
void nested(TlvWriter& w, std::uint32_t field, Fn&& fill) {
  Bytes inner;
  TlvWriter iw(inner);
  fill(iw);
  w.bytes(field, inner);
}

void put_pair(TlvWriter& w, std::uint32_t field, const std::string& k, const std::string& v) {
  nested(w, field, [&](TlvWriter& p) {
    p.str(1, k);
    p.str_opt(2, v);
  });
}

void put_spec(TlvWriter& w, const CheckSpec& s) {
  w.str_opt(1, s.http);
  w.str_opt(2, s.method);
  for (const auto& header : s.header)  // (clang 14 cannot capture structured bindings)
    nested(w, 3, [&](TlvWriter& h) {
      h.str(1, header.first);
      for (const auto& v : header.second) h.str(2, v);
    });
  w.str_opt(4, s.body);
  w.varint_opt(5, s.tls_skip_verify ? 1 : 0);
  w.str_opt(6, s.tls_server_name);
  w.str_opt(7, s.tcp);
  for (const auto& a : s.args) w.str(8, a);
  w.sint_opt(9, s.interval.count());
  w.sint_opt(10, s.timeout.count());
  w.sint_opt(11, s.success_before_passing);
  w.sint_opt(12, s.failures_before_warning);
  w.sint_opt(13, s.failures_before_critical);
  w.sint_opt(14, s.deregister_critical_after.count());
  if (s.output_max_size != CheckSpec{}.output_max_size) w.sint(15, s.output_max_size);
}

void put_service(TlvWriter& w, const Service& s) {
  w.str(1, s.id);
  w.str_opt(2, s.name);
  for (const auto& t : s.tags) w.str(3, t);
  w.str_opt(4, s.address);
  w.sint_opt(5, s.port);
  for (const auto& [k, v] : s.meta) put_pair(w, 6, k, v);
  if (s.weights.passing != registry::Weights{}.passing) w.sint(7, s.weights.passing);
  if (s.weights.warning != registry::Weights{}.warning) w.sint(8, s.weights.warning);
  w.varint_opt(9, s.enable_tag_override ? 1 : 0);
  for (const auto& entry : s.tagged_addresses)
    nested(w, 10, [&entry](TlvWriter& p) {
      p.str(1, entry.first);
      p.str_opt(2, entry.second.address);
      p.sint_opt(3, entry.second.port);
    });
}

void put_check(TlvWriter& w, const Check& c, bool outputs) {
  w.str(1, c.id);
  w.str_opt(2, c.name);
  w.str_opt(3, c.notes);
  if (outputs) w.str_opt(4, c.output);
  w.varint(5, wire_status(c.status));
  w.str_opt(6, c.service_id);
  w.str_opt(7, c.service_name);
  for (const auto& t : c.service_tags) w.str(8, t);
  w.varint(9, wire_type(c.type));
  w.sint_opt(10, c.ttl.count());
  if (!(c.spec == CheckSpec{})) nested(w, 11, [&](TlvWriter& s) { put_spec(s, c.spec); });
}

// --- decoding -------------------------------------------------------------

int to_int(std::int64_t v) {
  if (v > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (v < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(v);
}

bool is_bytes(const Field& f) { return f.kind == FieldKind::Bytes; }
bool is_varint(const Field& f) { return f.kind == FieldKind::Varint; }

std::optional<std::pair<std::string, std::string>> get_pair(std::span<const std::uint8_t> in) {
  TlvReader r(in);
  std::pair<std::string, std::string> kv;
  while (auto f = r.next()) {
    if (f->number == 1 && is_bytes(*f)) kv.first = f->text();
    else if (f->number == 2 && is_bytes(*f)) kv.second = f->text();
  }
  if (!r.ok()) return std::nullopt;
  return kv;
}

bool get_spec(std::span<const std::uint8_t> in, CheckSpec& s) {
  TlvReader r(in);
  while (auto f = r.next()) {
    const bool b = is_bytes(*f), v = is_varint(*f);
    switch (f->number) {
      case 1: if (b) s.http = f->text(); break;
      case 2: if (b) s.method = f->text(); break;
      case 3:
        if (b) {
          TlvReader h(f->bytes);
          std::string name;
          std::vector<std::string> values;
          while (auto hf = h.next()) {
            if (hf->number == 1 && is_bytes(*hf)) name = hf->text();
            else if (hf->number == 2 && is_bytes(*hf)) values.emplace_back(hf->text());
          }
          if (!h.ok()) return false;
          s.header[name] = std::move(values);
        }
        break;
      case 4: if (b) s.body = f->text(); break;
      case 5: if (v) s.tls_skip_verify = f->value != 0; break;
      case 6: if (b) s.tls_server_name = f->text(); break;
      case 7: if (b) s.tcp = f->text(); break;
      case 8: if (b) s.args.emplace_back(f->text()); break;
      case 9: if (v) s.interval = Duration(f->sint()); break;
      case 10: if (v) s.timeout = Duration(f->sint()); break;
      case 11: if (v) s.success_before_passing = to_int(f->sint()); break;
      case 12: if (v) s.failures_before_warning = to_int(f->sint()); break;
      case 13: if (v) s.failures_before_critical = to_int(f->sint()); break;
      case 14: if (v) s.deregister_critical_after = Duration(f->sint()); break;
      case 15: if (v) s.output_max_size = to_int(f->sint()); break;
      default: break;  // a later version's field
    }
  }
  return r.ok();
}

std::optional<Service> get_service(std::span<const std::uint8_t> in) {
  TlvReader r(in);
  Service s;
  while (auto f = r.next()) {
    const bool b = is_bytes(*f), v = is_varint(*f);
    switch (f->number) {
      case 1: if (b) s.id = f->text(); break;
      case 2: if (b) s.name = f->text(); break;
      case 3: if (b) s.tags.emplace_back(f->text()); break;
      case 4: if (b) s.address = f->text(); break;
      case 5: if (v) s.port = to_int(f->sint()); break;
      case 6:
        if (b) {
          auto kv = get_pair(f->bytes);
          if (!kv) return std::nullopt;
          s.meta[kv->first] = std::move(kv->second);
        }
        break;
      case 7: if (v) s.weights.passing = to_int(f->sint()); break;
      case 8: if (v) s.weights.warning = to_int(f->sint()); break;
      case 9: if (v) s.enable_tag_override = f->value != 0; break;
      case 10:
        if (b) {
          TlvReader t(f->bytes);
          std::string tag;
          registry::ServiceAddress a;
          while (auto g = t.next()) {
            if (g->number == 1 && is_bytes(*g)) tag = g->text();
            else if (g->number == 2 && is_bytes(*g)) a.address = g->text();
            else if (g->number == 3 && is_varint(*g)) a.port = to_int(g->sint());
          }
          if (!t.ok()) return std::nullopt;
          s.tagged_addresses[std::move(tag)] = std::move(a);
        }
        break;
      default: break;
    }
  }
  if (!r.ok() || s.id.empty()) return std::nullopt;
  return s;
}

std::optional<Check> get_check(std::span<const std::uint8_t> in) {
  TlvReader r(in);
  Check c;
  c.status = HealthStatus::Critical;
  c.type = CheckType::Catalog;
  while (auto f = r.next()) {
    const bool b = is_bytes(*f), v = is_varint(*f);
    switch (f->number) {
      case 1: if (b) c.id = f->text(); break;
      case 2: if (b) c.name = f->text(); break;
      case 3: if (b) c.notes = f->text(); break;
      case 4: if (b) c.output = f->text(); break;
      case 5: if (v) c.status = status_from_wire(f->value); break;
      case 6: if (b) c.service_id = f->text(); break;
      case 7: if (b) c.service_name = f->text(); break;
      case 8: if (b) c.service_tags.emplace_back(f->text()); break;
      case 9: if (v) c.type = type_from_wire(f->value); break;
      case 10: if (v) c.ttl = Duration(f->sint()); break;
      case 11:
        if (b && !get_spec(f->bytes, c.spec)) return std::nullopt;
        break;
      default: break;
    }
  }
  if (!r.ok() || c.id.empty()) return std::nullopt;
  return c;
}

}  // namespace

Bytes encode_record(const registry::NodeRecord& rec, bool outputs) {
  Bytes out;
  TlvWriter w(out);
  w.str(1, rec.node.name);
  w.str_opt(2, rec.node.id);
  w.str_opt(3, rec.node.address);
  w.str_opt(4, rec.node.datacenter);
  for (const auto& [k, v] : rec.node.meta) put_pair(w, 5, k, v);
  for (const auto& svc : rec.services) nested(w, 6, [&](TlvWriter& sw) { put_service(sw, svc.second); });
  for (const auto& chk : rec.checks) nested(w, 7, [&](TlvWriter& cw) { put_check(cw, chk.second, outputs); });
  return out;
}

std::optional<registry::NodeRecord> decode_record(std::span<const std::uint8_t> in) {
  registry::NodeRecord rec;
  TlvReader r(in);
  while (auto f = r.next()) {
    if (!is_bytes(*f)) continue;
    switch (f->number) {
      case 1: rec.node.name = f->text(); break;
      case 2: rec.node.id = f->text(); break;
      case 3: rec.node.address = f->text(); break;
      case 4: rec.node.datacenter = f->text(); break;
      case 5: {
        auto kv = get_pair(f->bytes);
        if (!kv) return std::nullopt;
        rec.node.meta[kv->first] = std::move(kv->second);
        break;
      }
      case 6: {
        auto s = get_service(f->bytes);
        if (!s) return std::nullopt;
        const std::string id = s->id;
        rec.services.set(id, std::move(*s));
        break;
      }
      case 7: {
        auto c = get_check(f->bytes);
        if (!c) return std::nullopt;
        const std::string id = c->id;
        rec.checks.set(id, std::move(*c));
        break;
      }
      default: break;
    }
  }
  if (!r.ok() || rec.node.name.empty() || rec.node.name.size() > kMaxName) return std::nullopt;
  // A check of a service must name one of the node's services (the catalog
  // indexes checks by service).
  for (const auto& [id, c] : rec.checks)
    if (!c.service_id.empty() && !rec.services.contains(c.service_id)) return std::nullopt;
  return rec;
}

}  // namespace roster::gossip::replica
