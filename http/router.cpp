#include "http/router.hpp"

#include <algorithm>
#include <exception>

namespace roster::http {
namespace {

std::string allow_header(const Route& r) {
  std::string allow = "OPTIONS";
  for (Method m : r.methods) {
    allow += ",";
    allow += to_string(m);
  }
  return allow;
}

}  // namespace

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  // Longest path first, so "/v1/agent/service/register" wins over "/v1/agent/service/".
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const Route& a, const Route& b) { return a.path.size() > b.path.size(); });
}

const Route* Router::match(const std::string& path, std::string& param) const {
  for (const Route& r : routes_) {
    if (!r.prefix) {
      if (path == r.path) return &r;
    } else if (path.size() >= r.path.size() && path.compare(0, r.path.size(), r.path) == 0) {
      param = path.substr(r.path.size());
      return &r;
    }
  }
  return nullptr;
}

const Route* Router::match(Request& req) const { return match(req.path, req.param); }

bool Router::accepts(const Route& route, Method m) {
  const auto takes = [&route](Method x) {
    return std::find(route.methods.begin(), route.methods.end(), x) != route.methods.end();
  };
  return takes(m) || (m == Method::Head && takes(Method::Get));
}

Response Router::dispatch(Request& req, const Route** matched) const {
  return answer(match(req), req, matched);
}

Response Router::answer(const Route* route, Request& req, const Route** matched) const {
  if (matched) *matched = nullptr;
  if (!route) {
    if (req.path == "/") {
      Response r = error_response(200, "Roster Agent (Consul-compatible)");
      return r;
    }
    return error_response(404, "Invalid URL path: not a recognized HTTP API endpoint");
  }
  if (req.method == Method::Options) {
    Response r;
    r.headers.emplace_back("Allow", allow_header(*route));
    return r;
  }
  if (!accepts(*route, req.method)) {
    Response r = error_response(405, "method " + req.method_text + " not allowed");
    r.headers.emplace_back("Allow", allow_header(*route));
    return r;
  }
  if (matched) *matched = route;
  try {
    return route->handler(req);
  } catch (const std::exception& e) {
    return error_response(500, std::string("Internal error: ") + e.what());
  }
}

}  // namespace roster::http
