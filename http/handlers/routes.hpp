#pragma once
// Each resource file adds its routes to the one table.
#include <vector>

#include "http/api_context.hpp"
#include "http/router.hpp"

namespace roster::http::handlers {

void add_agent_routes(std::vector<Route>& routes, ApiContext& ctx);          // agent.cpp
void add_agent_service_routes(std::vector<Route>& routes, ApiContext& ctx);  // agent_services.cpp
void add_agent_check_routes(std::vector<Route>& routes, ApiContext& ctx);    // agent_checks.cpp
void add_catalog_routes(std::vector<Route>& routes, ApiContext& ctx);        // catalog.cpp
void add_catalog_write_routes(std::vector<Route>& routes, ApiContext& ctx);  // catalog_writes.cpp
void add_health_routes(std::vector<Route>& routes, ApiContext& ctx);         // health.cpp
void add_status_routes(std::vector<Route>& routes, ApiContext& ctx);         // status.cpp
void add_prometheus_routes(std::vector<Route>& routes, ApiContext& ctx);     // prometheus.cpp
void add_unsupported_routes(std::vector<Route>& routes);                     // status.cpp

}  // namespace roster::http::handlers
