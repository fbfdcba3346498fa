#pragma once
// The agent API requests the wrapper makes, as pure values (method, target,
// JSON body), so tests can check exactly what goes on the wire.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "wrapper/health_policy.hpp"

namespace roster::wrapper {

// The HTTP status the agent answered, or an Error for a transport failure
// (refused, timed out, reset, unparsable reply).
using ApiOutcome = Result<int>;

struct ServiceRegistration {
  std::string name;
  std::string id;
  std::vector<std::string> tags;
  std::optional<std::uint16_t> port;
  std::chrono::milliseconds ttl{10'000};
  std::string address;                                     // "" = the agent's node address
  std::vector<std::pair<std::string, std::string>> meta;  // in the order given
};

struct ApiRequest {
  std::string method;  // "PUT"
  std::string target;  // path and query, already percent-encoded
  std::string body;    // empty when there is none
};

// The ID of the TTL check embedded in a registration: "service:<service id>".
std::string check_id_for(std::string_view service_id);

// A TTL as a Go duration string: "10s", "2.5s", "0.001s".
std::string format_ttl(std::chrono::milliseconds ttl);

// {"Name","ID","Tags","Port"?,"Address"?,"Meta"?,"Check":{"TTL":"<ttl>s"}}:
// the check has no Status, so it starts critical until the first pass. Port,
// Address and Meta only when set. Built with RapidJSON.
std::string registration_body(const ServiceRegistration& reg);

ApiRequest register_request(const ServiceRegistration& reg);                // PUT /v1/agent/service/register
ApiRequest pass_request(std::string_view check_id, std::string_view note);  // PUT /v1/agent/check/pass/<id>[?note=]
// PUT /v1/agent/check/{pass|warn|fail}/<id>[?note=]
ApiRequest check_update_request(std::string_view check_id, CheckStatus status, std::string_view note);
ApiRequest deregister_request(std::string_view service_id);                 // PUT /v1/agent/service/deregister/<id>

}  // namespace roster::wrapper
