// Maintenance, standalone checks and catalog writes on the Registry.
#include <gtest/gtest.h>

#include "fakes/manual_clock.hpp"
#include "registry/registry.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

class RegistryWrites : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  Registry reg{LocalNode{"node1", "id", "10.0.0.1", "dc1", {}}, clock.now()};

  void add(const std::string& name) {
    ServiceRegistration r;
    r.service.name = name;
    ASSERT_TRUE(reg.register_service(r, clock.now()));
  }
  CheckDefinition ttl_check(std::string name, std::string service = "") {
    CheckDefinition d;
    d.name = std::move(name);
    d.service_id = std::move(service);
    d.kind = CheckKind::Ttl;
    d.kinds_named = 1;
    d.ttl = 10s;
    return d;
  }
  const NodeRecord& local() {
    snap_ = reg.snapshot();
    return *snap_->find_node("node1");
  }
  std::shared_ptr<const Catalog> snap_;
};

}  // namespace

TEST_F(RegistryWrites, MaintenanceIsIdempotentAndWakesOnlyOnChange) {
  add("web");
  auto on = reg.set_service_maintenance("web", true, "");
  ASSERT_TRUE(on);
  auto again = reg.set_service_maintenance("web", true, "");
  ASSERT_TRUE(again);
  EXPECT_EQ(*on, *again);
  EXPECT_EQ(local().checks.at("_service_maintenance:web").type, CheckType::Maintenance);
  auto reason = reg.set_service_maintenance("web", true, "new reason");
  EXPECT_GT(*reason, *again);
  EXPECT_EQ(local().checks.at("_service_maintenance:web").notes, "new reason");
  ASSERT_TRUE(reg.set_service_maintenance("web", false, ""));
  EXPECT_EQ(local().checks.count("_service_maintenance:web"), 0u);
  const auto off = reg.snapshot()->index();
  ASSERT_TRUE(reg.set_service_maintenance("web", false, ""));
  EXPECT_EQ(reg.snapshot()->index(), off);
  EXPECT_EQ(reg.set_service_maintenance("nope", true, "").error().code, ErrorCode::NotFound);
}

TEST_F(RegistryWrites, MaintenanceMakesEveryInstanceOfTheNodeCriticalAndSurvivesReplaceExistingChecks) {
  add("web");
  ASSERT_TRUE(reg.set_node_maintenance(true, "kernel upgrade"));
  EXPECT_EQ(reg.snapshot()->instances("web")[0].health, HealthStatus::Critical);
  ASSERT_TRUE(reg.set_service_maintenance("web", true, ""));
  ServiceRegistration r;
  r.service.name = "web";
  r.service.port = 1;
  r.replace_existing_checks = true;
  ASSERT_TRUE(reg.register_service(r, clock.now()));
  EXPECT_EQ(local().checks.count("_service_maintenance:web"), 1u);
}

TEST_F(RegistryWrites, StandaloneChecksKeepTheirStatusWhenReRegistered) {
  add("web");
  ASSERT_TRUE(reg.register_check(ttl_check("disk", "web"), clock.now()));
  ASSERT_TRUE(reg.update_ttl("disk", HealthStatus::Passing, "ok", clock.now()));
  const auto before = reg.snapshot()->index();
  ASSERT_TRUE(reg.register_check(ttl_check("disk", "web"), clock.now()));
  EXPECT_EQ(reg.snapshot()->index(), before);  // identical: nothing published
  EXPECT_EQ(local().checks.at("disk").status, HealthStatus::Passing);
  EXPECT_EQ(local().checks.at("disk").service_name, "web");
  clock.advance(11s);
  reg.expire_ttls(clock.now());
  EXPECT_EQ(local().checks.at("disk").status, HealthStatus::Critical);
  ASSERT_TRUE(reg.deregister_check("disk"));
  EXPECT_FALSE(reg.next_ttl_deadline().has_value());
  EXPECT_EQ(reg.register_check(ttl_check("x", "nope"), clock.now()).error().code, ErrorCode::NotFound);
  EXPECT_EQ(reg.register_check(ttl_check(""), clock.now()).error().message, "Missing check name");
  EXPECT_EQ(reg.register_check(ttl_check("serfHealth"), clock.now()).error().code, ErrorCode::Invalid);
}

TEST_F(RegistryWrites, CatalogNodesComeAndGoWithTheirOwnIndexes) {
  CatalogRegistration c;
  c.node.name = "ext";
  c.node.address = "10.9.0.1";
  c.service = Service{};
  c.service->name = "redis";
  auto first = reg.catalog_register(c);
  ASSERT_TRUE(first);
  const auto cat = reg.snapshot();
  ASSERT_NE(cat->find_node("EXT"), nullptr);
  EXPECT_EQ(cat->find_node("ext")->checks.size(), 0u);  // no serfHealth
  EXPECT_EQ(cat->find_node("ext")->services.at("redis").create_index, *first);
  EXPECT_EQ(cat->find_node("ext")->node.datacenter, "dc1");
  EXPECT_EQ(cat->indexes().node("ext"), *first);
  EXPECT_EQ(cat->indexes().node("node1"), 1u);
  EXPECT_EQ(*reg.catalog_register(c), *first);  // identical
  // SkipNodeUpdate keeps the node's address.
  CatalogRegistration skip;
  skip.node.name = "ext";
  skip.skip_node_update = true;
  skip.checks.push_back(Check{});
  skip.checks[0].id = "c";
  skip.checks[0].name = "c";
  ASSERT_TRUE(reg.catalog_register(skip));
  EXPECT_EQ(reg.snapshot()->find_node("ext")->node.address, "10.9.0.1");
  EXPECT_EQ(reg.snapshot()->find_node("ext")->checks.at("c").type, CheckType::Catalog);
  ASSERT_TRUE(reg.catalog_deregister({"ext", "", ""}));
  EXPECT_EQ(reg.snapshot()->find_node("ext"), nullptr);
  EXPECT_GT(reg.snapshot()->indexes().service_definition("redis"), *first);
}

}  // namespace roster::registry
