#pragma once
// Decoding the bodies of PUT /v1/catalog/register and /v1/catalog/deregister.
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "registry/definitions.hpp"

namespace roster::http::json {

struct CatalogWrite {
  std::string datacenter;  // as sent ("" = the agent's)
  registry::CatalogRegistration registration;
};

struct CatalogRemoval {
  std::string datacenter;
  registry::CatalogDeregistration deregistration;
};

// {Node, Address, ID?, Datacenter?, NodeMeta?, SkipNodeUpdate?, Service?, Check?, Checks?};
// keys case-insensitive (python-consul sends `node`, `address`, `service`).
// A check's Status defaults to critical; its Node must be the registration's.
Result<CatalogWrite> decode_catalog_registration(std::string_view body);
// {Node, Datacenter?, ServiceID?, CheckID?}
Result<CatalogRemoval> decode_catalog_deregistration(std::string_view body);

}  // namespace roster::http::json
