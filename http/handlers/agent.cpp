// /v1/agent/*: the agent itself — self, members, maintenance, and the cluster
// operations whose features arrive with later issues (join, force-leave, reload).
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"
#include "http/json/agent_json.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;

Response self(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto* local = local_node(*cat, ctx);
  const AgentInfo& info = ctx.info;
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    w.Key("Config");
    w.StartObject();
    w.Key("Datacenter"); w.String(info.datacenter.c_str());
    w.Key("PrimaryDatacenter"); w.String(info.datacenter.c_str());
    w.Key("NodeName"); w.String(info.node_name.c_str());
    w.Key("NodeID"); w.String(info.node_id.c_str());
    w.Key("Revision"); w.String(info.revision.c_str());
    w.Key("Server"); w.Bool(false);
    w.Key("Version"); w.String(info.version.c_str());
    w.Key("BuildDate"); w.String("");
    w.EndObject();
    w.Key("DebugConfig"); w.StartObject(); w.EndObject();
    w.Key("Coord"); w.Null();
    w.Key("Member"); json::write_member(w, info);
    w.Key("Stats"); w.StartObject(); w.EndObject();
    w.Key("Meta");
    w.StartObject();
    if (local)
      for (const auto& [k, v] : local->node.meta) {
        w.Key(k.c_str());
        w.String(v.c_str());
      }
    w.EndObject();
    w.EndObject();
  });
}

// Without gossip the agent's LAN pool is itself; the WAN pool is empty
// (a client agent has none).
Response members(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  bool wan = false;
  if (auto v = req.query.get("wan")) {
    const auto flag = parse_flag(*v);
    if (!flag) return error_response(400, "Invalid value for wan: \"" + *v + "\"");
    wan = *flag;
  }
  if (wan && req.query.has("segment")) return error_response(400, "Cannot provide a segment with wan=true");
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    if (!wan) json::write_member(w, ctx.info);
    w.EndArray();
  });
}

Response node_maintenance(const Request& req, ApiContext& ctx) {
  bool enable = false;
  if (auto err = parse_enable(req, enable)) return *err;
  auto r = ctx.registry.set_node_maintenance(enable, req.query.get("reason").value_or(""));
  if (!r) return error_for(r.error());
  return empty_ok();
}

Response leave(const Request&, ApiContext& ctx) {
  if (!ctx.leave) return error_response(500, "Leave is not available in this agent");
  ctx.leave();
  return empty_ok();
}

Response not_yet(std::string what) { return error_response(500, what + " is not implemented yet in this version of roster"); }

}  // namespace

void add_agent_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/agent/self", false, bind(self)});
  r.push_back({{M::Get}, "/v1/agent/members", false, bind(members)});
  r.push_back({{M::Put}, "/v1/agent/maintenance", false, bind(node_maintenance)});
  r.push_back({{M::Put}, "/v1/agent/leave", false, bind(leave)});
  // GET too on join and force-leave: python-consul 0.7.1 sends GET (consul-compat §6).
  r.push_back({{M::Put, M::Get}, "/v1/agent/join/", true,
               [](const Request&) { return not_yet("Joining other agents (gossip)"); }});
  r.push_back({{M::Put, M::Get}, "/v1/agent/force-leave/", true,
               [](const Request&) { return not_yet("Forcing a member out (gossip)"); }});
  r.push_back({{M::Put}, "/v1/agent/reload", false,
               [](const Request&) { return not_yet("Configuration reload"); }});
}

}  // namespace roster::http::handlers
