#pragma once
// Each resource file adds its routes to the one table.
#include <vector>

#include "http/api_context.hpp"
#include "http/router.hpp"

namespace roster::http::handlers {

void add_agent_routes(std::vector<Route>& routes, ApiContext& ctx);
void add_catalog_routes(std::vector<Route>& routes, ApiContext& ctx);
void add_health_routes(std::vector<Route>& routes, ApiContext& ctx);
void add_status_routes(std::vector<Route>& routes, ApiContext& ctx);
void add_unsupported_routes(std::vector<Route>& routes);

}  // namespace roster::http::handlers
