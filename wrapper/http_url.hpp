#pragma once
// --check-http URL: "http://host[:port][/path][?query]" split for the HTTP
// client. Pure.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace roster::wrapper {

struct HttpUrl {
  std::string host;            // "127.0.0.1", "::1" (no brackets), "localhost"
  std::uint16_t port = 80;
  std::string target = "/";    // path and query, sent as is
  std::string text;            // the URL as given, for notes and logs
};

// Only http:// (the wrapper speaks plain HTTP/1.1); no user info, no fragment.
Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace roster::wrapper
