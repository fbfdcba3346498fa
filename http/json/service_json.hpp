#pragma once
// Decoding service and check definitions from Consul's JSON.
#include <string_view>

#include <rapidjson/document.h>

#include "common/result.hpp"
#include "registry/definitions.hpp"

namespace roster::http::json {

// The body of PUT /v1/agent/service/register.
Result<registry::ServiceRegistration> decode_service_registration(std::string_view body);

// A service object already parsed (config files' `service`/`services` entries).
Result<registry::ServiceRegistration> decode_service(const rapidjson::Value& v, std::string_view context);

// One check object (embedded `Check`/`Checks[]`, or /v1/agent/check/register
// with an empty `context`).
Result<registry::CheckDefinition> decode_check(const rapidjson::Value& v, std::string_view context);

}  // namespace roster::http::json
