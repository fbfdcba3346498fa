#include "http/request.hpp"

#include "common/strings.hpp"

namespace roster::http {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Put: return "PUT";
    case Method::Post: return "POST";
    case Method::Delete: return "DELETE";
    case Method::Head: return "HEAD";
    case Method::Options: return "OPTIONS";
    case Method::Other: return "OTHER";
  }
  return "OTHER";
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_digit_value(s[i + 1]);
      const int lo = hex_digit_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

QueryParams QueryParams::parse(std::string_view q) {
  QueryParams p;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view item = q.substr(0, amp);
    if (!item.empty()) {
      const auto eq = item.find('=');
      std::string key = url_decode(item.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : url_decode(item.substr(eq + 1), true);
      p.items_.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return p;
}

bool QueryParams::has(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return true;
  return false;
}

std::optional<std::string> QueryParams::get(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::string> QueryParams::all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items_)
    if (k == key) out.push_back(v);
  return out;
}

std::optional<std::string> Request::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string Request::token() const {
  if (auto t = query.get("token"); t && !t->empty()) return *t;
  if (auto t = header("x-consul-token"); t && !t->empty()) return *t;
  if (auto auth = header("authorization")) {
    const std::string_view a = *auth;
    const auto space = a.find(' ');
    if (space != std::string_view::npos && iequals(a.substr(0, space), "bearer")) {
      std::string_view rest = a.substr(space + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      return std::string(rest.substr(0, rest.find(' ')));
    }
  }
  return "";
}

std::string Request::log_target() const {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : query.items()) {
    out += sep;
    sep = '&';
    out += k;
    if (k == "token") {
      out += "=<hidden>";
    } else if (!v.empty()) {
      out += '=';
      out += v;
    }
  }
  return out;
}

Response error_response(int status, std::string message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(message);
  if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
  return r;
}

Response empty_ok() { return Response{}; }

}  // namespace roster::http
