#include "gossip/crypto/base64.hpp"

namespace roster::gossip::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string printable(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
  static constexpr char hex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

std::string base64_encode(ByteView in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    const std::uint32_t v = (in[i] << 16) | (rest == 2 ? in[i + 1] << 8 : 0);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  std::size_t skipped = 0;
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
    ++skipped;
  }
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return invalid("it is empty");
  if (text.size() % 4 != 0)
    return invalid("it is not valid base64: its length " + std::to_string(text.size()) +
                   " is not a multiple of 4");
  std::size_t pad = 0;
  if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const int v = i < text.size() - pad ? value_of(c) : 0;
    if (v < 0) {
      const std::string where = " at offset " + std::to_string(i + skipped);
      if (c == '=') return invalid("it is not valid base64: padding '='" + where + " before the end");
      if (c == '-' || c == '_')
        return invalid("it is not valid base64: " + printable(c) + where +
                       " belongs to URL-safe base64; use standard base64 (+ and /)");
      return invalid("it is not valid base64: unexpected " + printable(c) + where);
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    if (i % 4 == 3) {
      out.push_back(static_cast<std::uint8_t>(acc >> 16));
      out.push_back(static_cast<std::uint8_t>(acc >> 8));
      out.push_back(static_cast<std::uint8_t>(acc));
      acc = 0;
    }
  }
  out.resize(out.size() - pad);
  return out;
}

}  // namespace roster::gossip::crypto
