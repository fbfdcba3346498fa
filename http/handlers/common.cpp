#include "http/handlers/common.hpp"

#include "http/blocking.hpp"

namespace roster::http::handlers {

std::optional<Response> check_read_options(const Request& req, const ApiContext& ctx, ReadOptions& out,
                                           const filter::Schema* schema) {
  out.pretty = ctx.info.pretty_by_default || req.query.has("pretty");
  if (auto dc = req.query.get("dc"); dc && !dc->empty() && *dc != ctx.info.datacenter)
    return error_response(500, "No path to datacenter");
  if (req.query.has("stale") && req.query.has("consistent"))
    return error_response(400, "Cannot specify ?stale with ?consistent, conflicting semantics.");
  if (req.query.has("cached") && req.query.has("consistent"))
    return error_response(400, "Cannot specify ?cached with ?consistent, conflicting semantics.");
  if (auto blocking = parse_blocking(req.query); !blocking) return error_for(blocking.error());
  out.tags = req.query.all("tag");
  for (const auto& pair : req.query.all("node-meta")) {
    const auto colon = pair.find(':');
    out.node_meta.emplace_back(pair.substr(0, colon),
                               colon == std::string::npos ? "" : pair.substr(colon + 1));
  }
  if (auto text = req.query.get("filter"); text && !text->empty() && schema) {
    auto f = filter::Filter::compile(*text, *schema);
    if (!f) return error_for(f.error());
    out.filter = std::move(*f);
  }
  return std::nullopt;
}

bool tags_match(const ReadOptions& opts, const registry::Service& s) {
  for (const auto& t : opts.tags)
    if (!registry::has_tag(s, t)) return false;
  return true;
}

bool node_meta_matches(const ReadOptions& opts, const registry::Node& n) {
  for (const auto& [k, v] : opts.node_meta) {
    const auto it = n.meta.find(k);
    if (it == n.meta.end() || it->second != v) return false;
  }
  return true;
}

bool all_passing(const registry::Instance& inst) {
  for (const auto* c : inst.checks)
    if (c->status != registry::HealthStatus::Passing) return false;
  return true;
}

bool filter_matches(const ReadOptions& opts, const filter::Record& record) {
  return !opts.filter || opts.filter->matches(record);
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

std::optional<Response> parse_enable(const Request& req, bool& enable) {
  const auto v = req.query.get("enable");
  if (!v || v->empty()) return error_response(400, "Missing value for enable");
  const auto flag = parse_flag(*v);
  if (!flag) return error_response(400, "Invalid value for enable: \"" + *v + "\"");
  enable = *flag;
  return std::nullopt;
}

const registry::NodeRecord* local_node(const registry::Catalog& cat, const ApiContext& ctx) {
  return cat.find_node(ctx.info.node_name);
}

}  // namespace roster::http::handlers
