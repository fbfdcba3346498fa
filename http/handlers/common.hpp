#pragma once
// Pieces every handler shares: read options (?dc, ?stale/?consistent/?cached,
// ?pretty, ?tag, ?node-meta, ?filter, ?index/?wait), JSON responses, and
// error-to-status mapping.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/api_context.hpp"
#include "http/filter/filter.hpp"
#include "http/json/encode.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace roster::http::handlers {

struct ReadOptions {
  bool pretty = false;
  std::vector<std::string> tags;                               // ?tag=, all must match
  std::vector<std::pair<std::string, std::string>> node_meta;  // ?node-meta=k:v, all must match
  std::optional<filter::Filter> filter;                        // ?filter=
};

// Validates the query parameters common to reads. `schema` is the shape
// ?filter= selects from (null: the endpoint takes no filter, which is then
// ignored, as Consul does). An error is a ready response.
std::optional<Response> check_read_options(const Request& req, const ApiContext& ctx, ReadOptions& out,
                                           const filter::Schema* schema = nullptr);

// True when the instance carries every ?tag= (case-insensitive).
bool tags_match(const ReadOptions& opts, const registry::Service& s);
// True when the node has every ?node-meta= pair.
bool node_meta_matches(const ReadOptions& opts, const registry::Node& n);
// True when every check deciding the instance (node's and its own) passes (?passing).
bool all_passing(const registry::Instance& inst);
// True when there is no filter or `record` matches it.
bool filter_matches(const ReadOptions& opts, const filter::Record& record);

// A 200 JSON response at `index`.
Response json_response(const ReadOptions& opts, registry::Index index,
                       const std::function<void(json::JsonOut&)>& body);

// Maps a registry error: Invalid → 400, NotFound → 404, Conflict/Internal → 500.
Response error_for(const Error& e);

// A handler function bound to the API context, as the route table stores it.
using ApiHandler = Response (*)(const Request&, ApiContext&);
inline Handler bind_handler(ApiHandler fn, ApiContext& ctx) {
  return [fn, &ctx](const Request& req) { return fn(req, ctx); };
}

// Go's strconv.ParseBool, with "" meaning true (Consul's presence flags).
std::optional<bool> parse_flag(const std::string& value);

// ?enable=true|false (required) of the maintenance endpoints; an error is a ready response.
std::optional<Response> parse_enable(const Request& req, bool& enable);

// The local agent's node in `cat` (never null while the agent runs).
const registry::NodeRecord* local_node(const registry::Catalog& cat, const ApiContext& ctx);

}  // namespace roster::http::handlers
