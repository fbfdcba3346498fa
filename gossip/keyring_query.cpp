#include "gossip/keyring_query.hpp"

namespace roster::gossip {
namespace {

constexpr std::uint8_t kVersion = 1;

}  // namespace

KeyringQueryOp to_query_op(crypto::KeyringOp op) {
  switch (op) {
    case crypto::KeyringOp::Install: return KeyringQueryOp::Install;
    case crypto::KeyringOp::Use: return KeyringQueryOp::Use;
    case crypto::KeyringOp::Remove: return KeyringQueryOp::Remove;
  }
  return KeyringQueryOp::List;
}

std::vector<std::uint8_t> encode_keyring_request(const KeyringRequest& r) {
  std::vector<std::uint8_t> out{kKeyringMagic, kVersion, std::uint8_t(r.op)};
  const auto key = r.key ? r.key->bytes() : crypto::ByteView{};
  out.push_back(std::uint8_t(key.size()));
  out.insert(out.end(), key.begin(), key.end());
  return out;
}

std::optional<KeyringRequest> decode_keyring_request(std::span<const std::uint8_t> b) {
  if (b.size() < 4 || b[0] != kKeyringMagic || b[1] != kVersion || b[2] > 3) return std::nullopt;
  KeyringRequest r;
  r.op = KeyringQueryOp(b[2]);
  const std::size_t len = b[3];
  if (b.size() != 4 + len) return std::nullopt;
  if (r.op == KeyringQueryOp::List) {
    if (len != 0) return std::nullopt;
    return r;
  }
  auto key = crypto::Key::from_bytes(b.subspan(4, len));
  if (!key) return std::nullopt;
  r.key = *key;
  return r;
}

std::vector<std::uint8_t> encode_keyring_answer(const KeyringAnswer& a) {
  std::vector<std::uint8_t> out{kKeyringMagic, kVersion, std::uint8_t(a.error.empty() ? 1 : 0)};
  const std::size_t elen = std::min<std::size_t>(a.error.size(), 0xffff);
  out.push_back(std::uint8_t(elen >> 8));
  out.push_back(std::uint8_t(elen));
  for (std::size_t i = 0; i < elen; ++i) out.push_back(std::uint8_t(a.error[i]));
  const std::size_t n = std::min<std::size_t>(a.keys.size(), crypto::Keyring::kMaxKeys);
  out.push_back(std::uint8_t(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = a.keys[i].bytes();
    out.push_back(std::uint8_t(k.size()));
    out.insert(out.end(), k.begin(), k.end());
  }
  return out;
}

std::optional<KeyringAnswer> decode_keyring_answer(std::span<const std::uint8_t> b) {
  if (b.size() < 6 || b[0] != kKeyringMagic || b[1] != kVersion || b[2] > 1) return std::nullopt;
  const bool ok = b[2] == 1;
  const std::size_t elen = (std::size_t(b[3]) << 8) | b[4];
  std::size_t at = 5;
  if (b.size() < at + elen + 1) return std::nullopt;
  KeyringAnswer a;
  a.error.assign(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + elen));
  if (ok != a.error.empty()) return std::nullopt;
  at += elen;
  const std::size_t n = b[at++];
  if (n > crypto::Keyring::kMaxKeys) return std::nullopt;
  for (std::size_t i = 0; i < n; ++i) {
    if (at >= b.size()) return std::nullopt;
    const std::size_t len = b[at++];
    if (b.size() < at + len) return std::nullopt;
    auto key = crypto::Key::from_bytes(b.subspan(at, len));
    if (!key) return std::nullopt;
    a.keys.push_back(*key);
    at += len;
  }
  if (at != b.size()) return std::nullopt;
  return a;
}

KeyringAnswer apply_keyring_request(crypto::KeyringStore& store, const KeyringRequest& r) {
  KeyringAnswer a;
  if (r.op != KeyringQueryOp::List) {
    const Status st = store.update([&](crypto::Keyring& ring) -> Status {
      if (ring.empty()) return conflict("gossip encryption is not enabled on this agent");
      switch (r.op) {
        case KeyringQueryOp::Install: return ring.install(*r.key);
        case KeyringQueryOp::Use: return ring.use(*r.key);
        case KeyringQueryOp::Remove: return ring.remove(*r.key);
        case KeyringQueryOp::List: break;
      }
      return ok();
    });
    if (!st) a.error = st.error().message;
  }
  a.keys = store.snapshot()->keys();
  return a;
}

KeyringQueries::KeyringQueries(std::shared_ptr<crypto::KeyringStore> store, Broadcaster& gossip)
    : store_(std::move(store)), gossip_(gossip) {}

void KeyringQueries::count(Query& q, const std::vector<crypto::Key>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string b64 = keys[i].to_base64();
    ++q.view.keys[b64];
    if (i == 0) ++q.view.primary_keys[b64];
  }
}

void KeyringQueries::start(const KeyringRequest& r, const std::vector<std::string>& members, Done done) {
  const std::uint64_t qid = next_query_++;
  Query& q = queries_[qid];
  q.done = std::move(done);
  q.view.num_nodes = int(members.size()) + 1;
  q.waiting = 1;  // held until every request is out, so an early failure cannot finish the query
  const auto payload = encode_keyring_request(r);
  for (const auto& m : members) {
    auto id = gossip_.request(m, payload);
    if (!id) {
      q.view.messages[m] = id.error().message;
      continue;
    }
    owner_[*id] = {qid, m};
    ++q.waiting;
  }
  finish_one(qid);
}

void KeyringQueries::finish_one(std::uint64_t qid) {
  auto it = queries_.find(qid);
  if (it == queries_.end() || --it->second.waiting > 0) return;
  Query q = std::move(it->second);
  queries_.erase(it);
  count(q, store_->snapshot()->keys());  // this agent's own ring
  if (q.done) q.done(std::move(q.view));
}

std::vector<std::uint8_t> KeyringQueries::on_request(const std::string&, std::span<const std::uint8_t> payload) {
  const auto r = decode_keyring_request(payload);
  if (!r) return encode_keyring_answer(KeyringAnswer{"malformed keyring request", store_->snapshot()->keys()});
  return encode_keyring_answer(apply_keyring_request(*store_, *r));
}

bool KeyringQueries::on_response(std::uint64_t id, const Result<std::vector<std::uint8_t>>& response) {
  const auto node = owner_.extract(id);
  if (node.empty()) return false;
  const auto [qid, member] = node.mapped();
  auto it = queries_.find(qid);
  if (it != queries_.end()) {
    Query& q = it->second;
    std::optional<KeyringAnswer> a;
    if (response && !response->empty()) a = decode_keyring_answer(*response);
    if (!response) {
      q.view.messages[member] = "no answer: " + response.error().message;
    } else if (!a) {
      q.view.messages[member] = "no keyring answer (an agent without cluster-wide keyring operations?)";
    } else {
      if (!a->error.empty()) q.view.messages[member] = a->error;
      count(q, a->keys);
    }
  }
  finish_one(qid);
  return true;
}

}  // namespace roster::gossip
