#pragma once
// Pieces every handler shares: read options (?dc, ?stale/?consistent,
// ?pretty), JSON responses, and error-to-status mapping.
#include <functional>
#include <optional>
#include <string>

#include "http/api_context.hpp"
#include "http/json/encode.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace roster::http::handlers {

struct ReadOptions {
  bool pretty = false;
};

// Validates the query parameters common to reads. An error is a ready response.
std::optional<Response> check_read_options(const Request& req, const ApiContext& ctx,
                                           ReadOptions& out);

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

}  // namespace roster::http::handlers
