#include "http/json/keyring_json.hpp"

#include "http/json/json_fields.hpp"

namespace roster::http::json {
namespace {

void key(JsonOut& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void str(JsonOut& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }

void counts(JsonOut& w, std::string_view name, const std::map<std::string, int>& m) {
  key(w, name);
  w.StartObject();
  for (const auto& [k, n] : m) {
    key(w, k);
    w.Int(n);
  }
  w.EndObject();
}

}  // namespace

void write_keyring_pools(JsonOut& w, const std::vector<gossip::crypto::KeyringPool>& pools) {
  w.StartArray();
  for (const auto& p : pools) {
    w.StartObject();
    key(w, "WAN");
    w.Bool(p.wan);
    key(w, "Datacenter");
    str(w, p.datacenter);
    key(w, "Segment");
    str(w, p.segment);
    if (!p.messages.empty()) {
      key(w, "Messages");
      w.StartObject();
      for (const auto& [node, msg] : p.messages) {
        key(w, node);
        str(w, msg);
      }
      w.EndObject();
    }
    counts(w, "Keys", p.keys);
    counts(w, "PrimaryKeys", p.primary_keys);
    key(w, "NumNodes");
    w.Int(p.num_nodes);
    w.EndObject();
  }
  w.EndArray();
}

Result<std::string> decode_keyring_request(std::string_view body) {
  auto doc = parse_body(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return invalid("Request decode failed: expected a JSON object with a Key");
  std::string k;
  Fields f(*doc, "");
  if (auto st = f.string({"Key"}, k); !st) return invalid("Request decode failed: " + st.error().message);
  if (k.empty()) return invalid("Request decode failed: missing Key");
  return k;
}

}  // namespace roster::http::json
