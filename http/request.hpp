#pragma once
// Request and Response: what handlers see and return. No sockets here, so the
// whole API can be driven from tests (Beast's handle_request idea).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "registry/model.hpp"

namespace roster::registry {
class Catalog;
}

namespace roster::http {

enum class Method { Get, Put, Post, Delete, Head, Options, Other };

std::string_view to_string(Method m);

// Query parameters in order; a key may repeat (`?tag=a&tag=b`).
class QueryParams {
 public:
  static QueryParams parse(std::string_view query);  // the text after '?', URL-decoded
  bool has(std::string_view key) const;
  std::optional<std::string> get(std::string_view key) const;  // first value
  std::vector<std::string> all(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  Method method = Method::Get;
  std::string method_text;  // as sent, for 405 messages
  std::string path;         // URL-decoded path, no query
  QueryParams query;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string param;  // the path remainder after a prefix route, URL-decoded

  std::optional<std::string> header(std::string_view lower_name) const;
  // The ACL token, from the one place Consul takes it: ?token= first, then
  // X-Consul-Token, then `Authorization: Bearer <t>` (scheme case-insensitive).
  // Api::serve checks it against the ACL config (http/acl.hpp); handlers never see it.
  std::string token() const;
  // Path and query for logs, with every token= value replaced: tokens never
  // reach a log (consul-compat §2.2; Consul redacts logged URLs the same way).
  std::string log_target() const;
};

// What a blocking read asks of the server: the answer did not move past what
// the client holds, so wait (up to `wait`, before jitter) until `changed` holds
// for a newer catalog, then evaluate the request again.
struct WaitSpec {
  using Changed = std::function<bool(const registry::Catalog&)>;
  Duration wait{0};
  Changed changed;  // pure; called from the writing thread
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no body type (Consul's empty 200s)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by read handlers: the catalog index the answer was computed at.
  std::optional<registry::Index> index;
  // Set by Api::handle on a blocking read that has nothing new yet.
  std::optional<WaitSpec> wait;
};

// A one-line text/plain error, as Consul sends them.
Response error_response(int status, std::string message);
// 200 with an empty body (agent write endpoints).
Response empty_ok();

// Percent-decoding; '+' is kept as is in paths and turned into ' ' in queries.
std::string url_decode(std::string_view s, bool plus_is_space);

}  // namespace roster::http
