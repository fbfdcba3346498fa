#pragma once
// A CatalogView over a fixed Catalog, for DNS and HTTP unit tests.
#include <memory>
#include <utility>

#include "registry/catalog_view.hpp"

namespace roster::testing {

class StaticCatalogView final : public registry::CatalogView {
 public:
  explicit StaticCatalogView(std::shared_ptr<const registry::Catalog> cat) : cat_(std::move(cat)) {}
  std::shared_ptr<const registry::Catalog> snapshot() const override { return cat_; }
  void set(std::shared_ptr<const registry::Catalog> cat) { cat_ = std::move(cat); }

 private:
  std::shared_ptr<const registry::Catalog> cat_;
};

}  // namespace roster::testing
