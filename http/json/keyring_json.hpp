#pragma once
// /v1/operator/keyring bodies: the list response (Consul's
// []api.KeyringResponse) and the {"Key": "..."} request of install/use/remove.
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "gossip/crypto/keyring_ops.hpp"
#include "http/json/encode.hpp"

namespace roster::http::json {

// [{"WAN":false,"Datacenter":"dc1","Segment":"","Keys":{"<key>":1},
//   "PrimaryKeys":{"<key>":1},"NumNodes":1}] ("Messages" only when not empty).
void write_keyring_pools(JsonOut& w, const std::vector<gossip::crypto::KeyringPool>& pools);

// The "Key" member (any case, as Go's decoder); errors read "Request decode failed: ...".
Result<std::string> decode_keyring_request(std::string_view body);

}  // namespace roster::http::json
