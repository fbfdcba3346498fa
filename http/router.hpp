#pragma once
// Router: the one route table. A route is {methods, path or prefix, handler};
// the router answers 404 for unknown paths, 405 (with Allow) for a method the
// route does not take, and OPTIONS itself. Handlers never check methods.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/acl.hpp"
#include "http/request.hpp"

namespace roster::http {

using Handler = std::function<Response(const Request&)>;
// The per-resource index a blocking read's answer has in `catalog` (pure; the
// handler stamps the same value as X-Consul-Index).
using IndexOf = std::function<registry::Index(const registry::Catalog&, const Request&)>;
// The content hash of a hash-blocking read (/v1/agent/service/<id>); nullopt
// when the resource is gone.
using HashOf = std::function<std::optional<std::string>(const registry::Catalog&, const Request&)>;

struct Route {
  std::vector<Method> methods;
  std::string path;     // exact path, or a prefix when `prefix` is true
  bool prefix = false;  // the remainder becomes Request::param
  Handler handler;
  IndexOf index_of = nullptr;  // set: the route blocks on ?index=
  HashOf hash_of = nullptr;    // set: the route blocks on ?hash=
  // Set from the table in api.cpp: what the ACL decision sees, and for
  // ReadList the empty collection a filtered answer holds ("[]", "{}", "null").
  Access access = Access::Unset;
  std::string_view filtered = "[]";
};

// Thread safety: immutable after construction; dispatch() may run concurrently.
class Router {
 public:
  explicit Router(std::vector<Route> routes);
  // `matched`, when given, receives the route that handled the request (or null).
  Response dispatch(Request& req, const Route** matched = nullptr) const;
  // The two halves of dispatch(): the route for req.path (setting req.param;
  // null when none), then its answer(): 404/405/OPTIONS handled here.
  const Route* match(Request& req) const;
  Response answer(const Route* route, Request& req, const Route** matched = nullptr) const;
  // True when `route` takes `m` (HEAD goes with GET); OPTIONS is the router's.
  static bool accepts(const Route& route, Method m);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* match(const std::string& path, std::string& param) const;
  std::vector<Route> routes_;
};

}  // namespace roster::http
