#include "wrapper/http_url.hpp"

#include "client/agent_address.hpp"

namespace roster::wrapper {

Result<HttpUrl> parse_http_url(std::string_view url) {
  const auto bad = [url](const std::string& why) { return invalid("--check-http " + std::string(url) + ": " + why); };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    if (url.find("://") != std::string_view::npos) return bad("only http:// URLs are supported");
    return bad("expected http://host[:port]/path");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find('#') != std::string_view::npos) return bad("a fragment (#) is not allowed");
  const auto slash = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.text = std::string(url);
  if (slash != std::string_view::npos) out.target = std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) return bad("user information is not supported");
  if (authority.empty()) return bad("the host is missing");

  std::string_view host = authority, port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated [IPv6] host");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after the host");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
    if (port_text.empty()) return bad("empty port");
  }
  if (host.empty()) return bad("the host is missing");
  out.host = std::string(host);
  if (!port_text.empty()) {
    auto port = client::parse_port("--check-http " + std::string(url), port_text);
    if (!port) return port.error();
    if (*port == 0) return bad("port 0");
    out.port = *port;
  }
  return out;
}

}  // namespace roster::wrapper
