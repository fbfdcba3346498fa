#include "gossip/codec.hpp"

#include <type_traits>

#include "gossip/delegate.hpp"
#include "gossip/wire.hpp"

namespace roster::gossip {
namespace {

void put_address(Writer& w, const Address& a) {
  w.u8(a.family);
  w.raw(std::span(a.ip.data(), a.ip_size()));
  w.u16(a.port);
}

bool get_address(Reader& r, Address& a) {
  a.family = r.u8();
  if (a.family != 4 && a.family != 6) {
    r.fail();
    return false;
  }
  auto ip = r.raw(a.ip_size());
  if (!r.ok()) return false;
  std::copy(ip.begin(), ip.end(), a.ip.begin());
  a.port = r.u16();
  return r.ok();
}

void put_alive(Writer& w, const Alive& m) {
  w.str(m.name);
  w.u64(m.boot_id);
  w.varint(m.incarnation);
  put_address(w, m.address);
  w.bytes(m.meta);
}

bool get_alive(Reader& r, Alive& m) {
  m.name = r.str(kMaxNameBytes);
  m.boot_id = r.u64();
  m.incarnation = r.varint();
  get_address(r, m.address);
  auto meta = r.bytes(kMaxMetaBytes);
  m.meta.assign(meta.begin(), meta.end());
  return r.ok() && !m.name.empty();
}

void put_body(Writer& w, const Message& m) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Ping>) {
          w.u16(v.seq);
          w.u48(v.target);
        } else if constexpr (std::is_same_v<T, Ack> || std::is_same_v<T, Nack>) {
          w.u16(v.seq);
        } else if constexpr (std::is_same_v<T, PingReq>) {
          w.u16(v.seq);
          w.u48(v.target);
          w.u8(v.want_nack ? 1 : 0);
        } else if constexpr (std::is_same_v<T, Alive>) {
          put_alive(w, v);
        } else if constexpr (std::is_same_v<T, Suspect> || std::is_same_v<T, Dead>) {
          w.u48(v.subject);
          w.varint(v.incarnation);
          w.u48(v.accuser);
        } else {
          static_assert(std::is_same_v<T, User>);
          w.raw(v.payload);
        }
      },
      m);
}

MsgType type_of(const Message& m) {
  static constexpr MsgType types[] = {MsgType::Ping,  MsgType::Ack,     MsgType::Nack,
                                      MsgType::PingReq, MsgType::Alive, MsgType::Suspect,
                                      MsgType::Dead,  MsgType::User};
  return types[m.index()];
}

}  // namespace

void append_message(const Message& m, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> body;
  Writer bw(body);
  put_body(bw, m);
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(type_of(m)));
  w.varint(body.size());
  w.raw(body);
}

std::vector<std::uint8_t> encode_message(const Message& m) {
  std::vector<std::uint8_t> out;
  append_message(m, out);
  return out;
}

Result<Message> decode_message(MsgType type, std::span<const std::uint8_t> body) {
  Reader r(body);
  // Trailing bytes after the fields this version knows are a newer version's
  // additions: ignored on purpose.
  switch (type) {
    case MsgType::Ping: {
      Ping m{r.u16(), r.u48()};
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::Ack: {
      Ack m{r.u16()};
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::Nack: {
      Nack m{r.u16()};
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::PingReq: {
      PingReq m;
      m.seq = r.u16();
      m.target = r.u48();
      m.want_nack = r.u8() != 0;
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::Alive: {
      Alive m;
      if (get_alive(r, m)) return Message(std::move(m));
      break;
    }
    case MsgType::Suspect: {
      Suspect m;
      m.subject = r.u48();
      m.incarnation = r.varint();
      m.accuser = r.u48();
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::Dead: {
      Dead m;
      m.subject = r.u48();
      m.incarnation = r.varint();
      m.accuser = r.u48();
      if (r.ok()) return Message(m);
      break;
    }
    case MsgType::User: {
      if (body.empty() || body.size() > kMaxBroadcastBytes) break;
      return Message(User{std::vector<std::uint8_t>(body.begin(), body.end())});
    }
  }
  return invalid("malformed gossip message");
}

PacketBuilder::PacketBuilder(std::size_t budget) : budget_(budget) {
  bytes_.reserve(budget);
  bytes_.push_back(kProtocolVersion);
}

bool PacketBuilder::add_framed(std::span<const std::uint8_t> framed) {
  if (framed.size() > remaining()) return false;
  bytes_.insert(bytes_.end(), framed.begin(), framed.end());
  ++count_;
  return true;
}

PacketStats decode_packet(std::span<const std::uint8_t> packet,
                          const std::function<void(Message&&)>& visit) {
  PacketStats stats;
  Reader r(packet);
  // Any version ≥ 1 keeps this framing (the contract that lets an older
  // agent read a newer one's packets); 0 is not a gossip packet.
  const std::uint8_t version = r.u8();
  if (!r.ok() || version == 0) {
    stats.framing_ok = false;
    return stats;
  }
  while (r.ok() && !r.done()) {
    const std::uint8_t type = r.u8();
    const std::uint64_t len = r.varint();
    if (!r.ok() || len > r.remaining()) {
      stats.framing_ok = false;
      break;
    }
    auto body = r.raw(std::size_t(len));
    if (type < 1 || type > static_cast<std::uint8_t>(MsgType::User)) {
      ++stats.unknown;
      continue;
    }
    auto msg = decode_message(static_cast<MsgType>(type), body);
    if (!msg) {
      ++stats.malformed;
      continue;
    }
    ++stats.decoded;
    visit(std::move(msg.value()));
  }
  return stats;
}

namespace {

void put_records(Writer& w, const std::vector<MemberRecord>& table) {
  w.varint(table.size());
  for (const auto& rec : table) {
    put_alive(w, rec.identity);
    w.u8(static_cast<std::uint8_t>(rec.state));
  }
}

bool get_records(Reader& r, std::vector<MemberRecord>& table) {
  const std::uint64_t n = r.varint();
  // Each record takes at least 15 bytes: a lying count cannot make us reserve much.
  if (!r.ok() || n > kMaxTableRows || n > r.remaining() / 15) {
    r.fail();
    return false;
  }
  table.reserve(std::size_t(n));
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    MemberRecord rec;
    if (!get_alive(r, rec.identity)) return false;
    const std::uint8_t st = r.u8();
    if (st > static_cast<std::uint8_t>(MemberState::Left)) return r.fail(), false;
    rec.state = static_cast<MemberState>(st);
    table.push_back(std::move(rec));
  }
  return r.ok();
}

}  // namespace

std::vector<std::uint8_t> encode_stream(const StreamMessage& m) {
  std::vector<std::uint8_t> out;
  Writer w(out);
  w.u8(kProtocolVersion);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SyncRequest>) {
          w.u8(static_cast<std::uint8_t>(StreamKind::Sync));
          w.u8((v.join ? 1 : 0) | (v.has_table ? 2 : 0));
          put_alive(w, v.self);
          w.u64(v.digest);
          if (v.has_table) put_records(w, v.table);
          w.bytes(v.app);
        } else if constexpr (std::is_same_v<T, SyncReply>) {
          w.u8(static_cast<std::uint8_t>(StreamKind::SyncReply));
          w.u8(static_cast<std::uint8_t>(v.status));
          w.str(v.error);
          w.u64(v.digest);
          w.u8(v.has_table ? 1 : 0);
          if (v.has_table) put_records(w, v.table);
          w.bytes(v.app);
        } else if constexpr (std::is_same_v<T, AppRequest>) {
          w.u8(static_cast<std::uint8_t>(StreamKind::AppRequest));
          w.str(v.from);
          w.bytes(v.payload);
        } else if constexpr (std::is_same_v<T, AppReply>) {
          w.u8(static_cast<std::uint8_t>(StreamKind::AppReply));
          w.bytes(v.payload);
        } else if constexpr (std::is_same_v<T, StreamPing>) {
          w.u8(static_cast<std::uint8_t>(StreamKind::Ping));
          w.u16(v.seq);
          w.u48(v.target);
        } else {
          static_assert(std::is_same_v<T, StreamPingReply>);
          w.u8(static_cast<std::uint8_t>(StreamKind::PingReply));
          w.u16(v.seq);
          w.u8(v.acked ? 1 : 0);
        }
      },
      m);
  return out;
}

Result<StreamMessage> decode_stream(std::span<const std::uint8_t> frame) {
  Reader r(frame);
  const std::uint8_t version = r.u8();
  const std::uint8_t kind = r.u8();
  if (!r.ok() || version == 0) return invalid("not a gossip stream frame");
  switch (static_cast<StreamKind>(kind)) {
    case StreamKind::Sync: {
      SyncRequest m;
      const std::uint8_t flags = r.u8();
      m.join = flags & 1;
      m.has_table = flags & 2;
      get_alive(r, m.self);
      m.digest = r.u64();
      if (m.has_table) get_records(r, m.table);
      auto app = r.bytes(kMaxStreamPayloadBytes);
      m.app.assign(app.begin(), app.end());
      if (r.ok()) return StreamMessage(std::move(m));
      break;
    }
    case StreamKind::SyncReply: {
      SyncReply m;
      const std::uint8_t st = r.u8();
      if (st > static_cast<std::uint8_t>(SyncStatus::Retry)) return invalid("bad sync status");
      m.status = static_cast<SyncStatus>(st);
      m.error = r.str(1024);
      m.digest = r.u64();
      m.has_table = r.u8() != 0;
      if (m.has_table) get_records(r, m.table);
      auto app = r.bytes(kMaxStreamPayloadBytes);
      m.app.assign(app.begin(), app.end());
      if (r.ok()) return StreamMessage(std::move(m));
      break;
    }
    case StreamKind::AppRequest: {
      AppRequest m;
      m.from = r.str(kMaxNameBytes);
      auto p = r.bytes(kMaxStreamPayloadBytes);
      m.payload.assign(p.begin(), p.end());
      if (r.ok()) return StreamMessage(std::move(m));
      break;
    }
    case StreamKind::AppReply: {
      AppReply m;
      auto p = r.bytes(kMaxStreamPayloadBytes);
      m.payload.assign(p.begin(), p.end());
      if (r.ok()) return StreamMessage(std::move(m));
      break;
    }
    case StreamKind::Ping: {
      StreamPing m;
      m.seq = r.u16();
      m.target = r.u48();
      if (r.ok()) return StreamMessage(m);
      break;
    }
    case StreamKind::PingReply: {
      StreamPingReply m;
      m.seq = r.u16();
      m.acked = r.u8() != 0;
      if (r.ok()) return StreamMessage(m);
      break;
    }
    default:
      return invalid("unknown gossip stream kind");
  }
  return invalid("malformed gossip stream frame");
}

}  // namespace roster::gossip
