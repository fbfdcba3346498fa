#pragma once
// Standard base64 (RFC 4648 §4, with padding), the encoding of Consul's
// gossip keys. Decoding is strict except that it ignores surrounding
// whitespace (a key pasted from a file keeps its newline).
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "gossip/crypto/bytes.hpp"

namespace roster::gossip::crypto {

std::string base64_encode(ByteView bytes);
// Errors say what is wrong and where ("unexpected character '%' at offset 5").
Result<Bytes> base64_decode(std::string_view text);

}  // namespace roster::gossip::crypto
