#pragma once
// The read side of the registry: readers take one immutable snapshot per
// request and hold no lock while they use it.
#include <memory>

#include "registry/catalog.hpp"

namespace roster::registry {

// Thread safety: snapshot() may be called from any thread.
class CatalogView {
 public:
  virtual ~CatalogView() = default;
  virtual std::shared_ptr<const Catalog> snapshot() const = 0;
};

}  // namespace roster::registry
