// /v1/agent/*: the agent itself — self, members, maintenance, reload, and the
// gossip pool's operations (join, leave, force-leave) through ApiContext::cluster.
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
    w.Key("Stats");
    w.StartObject();
    if (ctx.cluster) {  // Consul's "serf_lan" block, values as strings
      w.Key("serf_lan");
      w.StartObject();
      for (const auto& [k, v] : ctx.cluster->stats()) {
        w.Key(k.c_str());
        w.String(v.c_str());
      }
      w.EndObject();
    }
    w.EndObject();
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

// One gossip member in Serf's shape. The protocol ranges are the ones a
// Consul agent reports, so clients that check them are satisfied.
void write_cluster_member(json::JsonOut& w, const ClusterMember& m) {
  w.StartObject();
  w.Key("Name"); w.String(m.name.c_str());
  w.Key("Addr"); w.String(m.addr.c_str());
  w.Key("Port"); w.Int(m.port);
  w.Key("Tags");
  w.StartObject();
  for (const auto& [k, v] : m.tags) {
    w.Key(k.c_str());
    w.String(v.c_str());
  }
  w.EndObject();
  w.Key("Status"); w.Int(m.status);
  constexpr std::pair<const char*, int> kProtocols[] = {
      {"ProtocolMin", 1}, {"ProtocolMax", 5}, {"ProtocolCur", 2},
      {"DelegateMin", 2}, {"DelegateMax", 5}, {"DelegateCur", 4}};
  for (const auto& [k, v] : kProtocols) {
    w.Key(k);
    w.Int(v);
  }
  w.EndObject();
}

// The LAN pool from gossip (without it: this agent alone); the WAN pool is
// empty (a client agent has none).
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
    if (!wan && ctx.cluster)
      for (const auto& m : ctx.cluster->members()) write_cluster_member(w, m);
    else if (!wan)
      json::write_member(w, ctx.info);
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

// Consul answers a failed reload with a 500 carrying the error.
Response reload(const Request&, ApiContext& ctx) {
  if (!ctx.reload) return error_response(500, "Reload is not available in this agent");
  if (auto st = ctx.reload(); !st) return error_response(500, "Failed reloading config: " + st.error().message);
  return empty_ok();
}

// PUT /v1/agent/join/<addr>: 200 once joined, else 500 with the error (Consul).
Response join(const Request& req, ApiContext& ctx) {
  if (req.query.has("wan")) {
    if (auto v = parse_flag(req.query.get("wan").value_or("")); !v || *v)
      return error_response(500, "Joining a WAN pool is not supported: Roster agents have no WAN pool");
  }
  if (req.param.empty()) return error_response(400, "Missing address to join");
  if (!ctx.cluster) return error_response(500, "Gossip is not running on this agent");
  if (auto st = ctx.cluster->join(req.param); !st) return error_response(500, st.error().message);
  return empty_ok();
}

// PUT /v1/agent/force-leave/<node>[?prune]: 200, or 404 for an unknown node.
Response force_leave(const Request& req, ApiContext& ctx) {
  if (req.param.empty()) return error_response(400, "Missing node name");
  if (!ctx.cluster) return error_response(500, "Gossip is not running on this agent");
  bool prune = false;
  if (auto v = req.query.get("prune")) {
    const auto flag = v->empty() ? std::optional<bool>(true) : parse_flag(*v);
    if (!flag) return error_response(400, "Invalid value for prune: \"" + *v + "\"");
    prune = *flag;
  }
  if (auto st = ctx.cluster->force_leave(req.param, prune); !st)
    return error_response(st.error().code == ErrorCode::NotFound ? 404 : 500, st.error().message);
  return empty_ok();
}

}  // namespace

void add_agent_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/agent/self", false, bind(self)});
  r.push_back({{M::Get}, "/v1/agent/members", false, bind(members)});
  r.push_back({{M::Put}, "/v1/agent/maintenance", false, bind(node_maintenance)});
  r.push_back({{M::Put}, "/v1/agent/leave", false, bind(leave)});
  // GET too on join and force-leave: python-consul 0.7.1 sends GET (consul-compat §6).
  r.push_back({{M::Put, M::Get}, "/v1/agent/join/", true, bind(join)});
  r.push_back({{M::Put, M::Get}, "/v1/agent/force-leave/", true, bind(force_leave)});
  r.push_back({{M::Put}, "/v1/agent/reload", false, bind(reload)});
}

}  // namespace roster::http::handlers
