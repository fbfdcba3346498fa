// /v1/catalog/* reads: the whole registry, whatever the health of its entries.
// Each read stamps (and blocks on) the index of the resource it shows.
#include <set>

#include "common/strings.hpp"
#include "http/filter/records.hpp"
#include "http/handlers/common.hpp"
#include "http/handlers/routes.hpp"

namespace roster::http::handlers {
namespace {

using M = Method;
using registry::Catalog;
using registry::Index;

// The services table; with ?node-meta, node changes can change the answer too.
Index services_index(const Catalog& c, const Request& req) {
  const auto& t = c.indexes();
  return req.query.has("node-meta") ? std::max(t.services, t.nodes) : t.services;
}
Index nodes_index(const Catalog& c, const Request&) { return c.indexes().nodes; }
Index service_index(const Catalog& c, const Request& req) { return c.indexes().service_definition(req.param); }
Index node_index(const Catalog& c, const Request& req) { return c.indexes().node(req.param); }

Response services(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::catalog_service_schema())) return *err;
  const auto cat = ctx.registry.snapshot();
  std::map<std::string, std::vector<std::string>> tags;
  if (!opts.filter && opts.node_meta.empty()) {
    tags = cat->service_tags();
  } else {
    std::map<std::string, std::set<std::string>> sets;
    for (const auto& rec : cat->nodes()) {
      if (!node_meta_matches(opts, rec->node)) continue;
      for (const auto& [id, svc] : rec->services) {
        const registry::Instance inst{rec.get(), &svc, {}, registry::HealthStatus::Passing};
        if (!filter_matches(opts, filter::CatalogServiceRecord(inst))) continue;
        sets[svc.name].insert(svc.tags.begin(), svc.tags.end());
      }
    }
    for (auto& [name, set] : sets) tags.emplace(name, std::vector<std::string>(set.begin(), set.end()));
  }
  return json_response(opts, services_index(*cat, req), [&](json::JsonOut& w) {
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
  if (auto err = check_read_options(req, ctx, opts, &filter::catalog_service_schema())) return *err;
  if (req.param.empty()) return error_response(400, "Missing service name");
  const auto cat = ctx.registry.snapshot();
  const auto instances = cat->instances(req.param);
  return json_response(opts, service_index(*cat, req), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& inst : instances)
      if (tags_match(opts, *inst.service) && node_meta_matches(opts, inst.node->node) &&
          filter_matches(opts, filter::CatalogServiceRecord(inst)))
        json::write_catalog_service(w, inst);
    w.EndArray();
  });
}

Response nodes(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::node_schema())) return *err;
  const auto cat = ctx.registry.snapshot();
  return json_response(opts, nodes_index(*cat, req), [&](json::JsonOut& w) {
    w.StartArray();
    for (const auto& rec : cat->nodes())
      if (node_meta_matches(opts, rec->node) && filter_matches(opts, filter::NodeRecordView(rec->node)))
        json::write_node(w, rec->node);
    w.EndArray();
  });
}

Response node(const Request& req, ApiContext& ctx) {
  ReadOptions opts;
  if (auto err = check_read_options(req, ctx, opts, &filter::agent_service_schema())) return *err;
  if (req.param.empty()) return error_response(400, "Missing node name");
  const auto cat = ctx.registry.snapshot();
  const auto* rec = cat->find_node(req.param);
  // An unknown node is 200 `null`, as Consul answers.
  return json_response(opts, node_index(*cat, req), [&](json::JsonOut& w) {
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
      if (!filter_matches(opts, filter::ServiceRecord(svc, cat->datacenter()))) continue;
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
  r.push_back({{M::Get}, "/v1/catalog/services", false, bind(services), services_index});
  r.push_back({{M::Get}, "/v1/catalog/service/", true, bind(service), service_index});
  r.push_back({{M::Get}, "/v1/catalog/nodes", false, bind(nodes), nodes_index});
  r.push_back({{M::Get}, "/v1/catalog/node/", true, bind(node), node_index});
  r.push_back({{M::Get}, "/v1/catalog/datacenters", false, bind(datacenters)});
}

}  // namespace roster::http::handlers
