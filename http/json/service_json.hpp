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

class Fields;
// Every field of a service object but its name (which is `Name` in a
// definition, `Service` in a catalog registration): ID, Tags, Address, Port,
// Meta, EnableTagOverride, Weights, TaggedAddresses. `context` prefixes error
// messages ("Service." inside a catalog registration).
Status decode_service_fields(const Fields& f, std::string_view context, registry::Service& s);

// One check object (embedded `Check`/`Checks[]`, or /v1/agent/check/register
// with an empty `context`).
Result<registry::CheckDefinition> decode_check(const rapidjson::Value& v, std::string_view context);

}  // namespace roster::http::json
