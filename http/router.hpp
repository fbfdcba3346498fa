#pragma once
// Router: the one route table. A route is {methods, path or prefix, handler};
// the router answers 404 for unknown paths, 405 (with Allow) for a method the
// route does not take, and OPTIONS itself. Handlers never check methods.
#include <functional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace roster::http {

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::vector<Method> methods;
  std::string path;     // exact path, or a prefix when `prefix` is true
  bool prefix = false;  // the remainder becomes Request::param
  Handler handler;
};

// Thread safety: immutable after construction; dispatch() may run concurrently.
class Router {
 public:
  explicit Router(std::vector<Route> routes);
  Response dispatch(Request& req) const;

 private:
  const Route* match(const std::string& path, std::string& param) const;
  std::vector<Route> routes_;
};

}  // namespace roster::http
