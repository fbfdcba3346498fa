#include "http/handlers/common.hpp"

namespace roster::http::handlers {

std::optional<Response> check_read_options(const Request& req, const ApiContext& ctx,
                                           ReadOptions& out) {
  out.pretty = ctx.info.pretty_by_default || req.query.has("pretty");
  if (auto dc = req.query.get("dc"); dc && !dc->empty() && *dc != ctx.info.datacenter)
    return error_response(500, "No path to datacenter");
  if (req.query.has("stale") && req.query.has("consistent"))
    return error_response(400, "Cannot specify ?stale with ?consistent, conflicting semantics.");
  if (req.query.has("cached") && req.query.has("consistent"))
    return error_response(400, "Cannot specify ?cached with ?consistent, conflicting semantics.");
  return std::nullopt;
}

Response json_response(const ReadOptions& opts, registry::Index index,
                       const std::function<void(json::JsonOut&)>& body) {
  Response r;
  r.content_type = "application/json";
  r.body = json::to_json(body, opts.pretty);
  r.index = index;
  return r;
}

Response error_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::Invalid: return error_response(400, e.message);
    case ErrorCode::NotFound: return error_response(404, e.message);
    case ErrorCode::Conflict:
    case ErrorCode::Internal: return error_response(500, e.message);
  }
  return error_response(500, e.message);
}

std::optional<bool> parse_flag(const std::string& v) {
  if (v.empty() || v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True")
    return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

}  // namespace roster::http::handlers
