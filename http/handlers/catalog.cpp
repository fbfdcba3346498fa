// /v1/catalog/*: the whole registry, whatever the health of its entries.
#include "common/strings.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;

// ?tag= may repeat: an instance must carry every one.
bool has_all_tags(const registry::Service& s, const std::vector<std::string>& tags) {
  for (const auto& t : tags)
    if (!registry::has_tag(s, t)) return false;
  return true;
}

Response services(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  const auto tags = cat->service_tags();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartObject();
    for (const auto& [name, list] : tags) {
      w.Key(name.c_str());
      w.StartArray();
      for (const auto& t : list) w.String(t.c_str());
      w.EndArray();
    }
    w.EndObject();
  });
}

Response service(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  if (req.param.empty()) return error_response(400, "Missing service name");
  const auto cat = ctx.registry.snapshot();
  const auto tags = req.query.all("tag");
  const auto instances = cat->instances(req.param);
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& inst : instances)
      if (has_all_tags(*inst.service, tags)) json::write_catalog_service(w, inst);
    w.EndArray();
  });
}

Response nodes(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& rec : cat->nodes()) json::write_node(w, rec->node);
    w.EndArray();
  });
}

Response node(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  if (req.param.empty()) return error_response(400, "Missing node name");
  const auto cat = ctx.registry.snapshot();
  const auto* rec = cat->find_node(req.param);
  // An unknown node is 200 `null`, as Consul answers.
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    if (!rec) {
      w.Null();
      return;
    }
    w.StartObject();
    w.Key("Node");
    json::write_node(w, rec->node);
    w.Key("Services");
    w.StartObject();
    for (const auto& [id, svc] : rec->services) {
      w.Key(id.c_str());
      json::write_node_service(w, svc);
    }
    w.EndObject();
    w.EndObject();
  });
}

Response datacenters(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts)) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, cat->index(), [&](json::JsonOut& w) {
    w.StartArray();
    w.String(cat->datacenter().c_str());
    w.EndArray();
  });
}

}  // namespace

void add_catalog_routes(std::vector<Route>& r, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bind_handler(fn, ctx); };
  r.push_back({{M::Get}, "/v1/catalog/services", false, bind(services)});
  r.push_back({{M::Get}, "/v1/catalog/service/", true, bind(service)});
  r.push_back({{M::Get}, "/v1/catalog/nodes", false, bind(nodes)});
  r.push_back({{M::Get}, "/v1/catalog/node/", true, bind(node)});
  r.push_back({{M::Get}, "/v1/catalog/datacenters", false, bind(datacenters)});
}

}  // namespace roster::http::handlers
