#include "registry/catalog.hpp"

#include <gtest/gtest.h>

namespace roster::registry {
namespace {

std::shared_ptr<const NodeRecord> node_with(std::string name, HealthStatus node_health,
                                            std::vector<std::pair<Service, HealthStatus>> services) {
  auto rec = std::make_shared<NodeRecord>();
  rec->node.name = std::move(name);
  rec->node.address = "10.0.0.1";
  Check serf;
  serf.id = "serfHealth";
  serf.status = node_health;
  rec->checks.emplace(serf.id, serf);
  for (auto& [svc, health] : services) {
    Check c;
    c.id = "service:" + svc.id;
    c.service_id = svc.id;
    c.status = health;
    rec->checks.emplace(c.id, c);
    rec->services.emplace(svc.id, svc);
  }
  return rec;
}

Service svc(std::string id, std::string name, std::vector<std::string> tags = {}) {
  Service s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.tags = std::move(tags);
  return s;
}

}  // namespace

TEST(Catalog, InstanceHealthIsTheWorstOfNodeAndServiceChecks) {
  Catalog cat(5, "dc1",
              {node_with("a", HealthStatus::Passing, {{svc("web1", "web"), HealthStatus::Warning}}),
               node_with("b", HealthStatus::Critical, {{svc("web2", "web"), HealthStatus::Passing}})});
  const auto inst = cat.instances("WEB");
  ASSERT_EQ(inst.size(), 2u);
  EXPECT_EQ(inst[0].node->node.name, "a");
  EXPECT_EQ(inst[0].health, HealthStatus::Warning);
  EXPECT_EQ(inst[0].checks.size(), 2u);
  EXPECT_EQ(inst[1].health, HealthStatus::Critical);
}

TEST(Catalog, OnlyTheInstancesOwnServiceChecksCount) {
  Catalog cat(2, "dc1",
              {node_with("a", HealthStatus::Passing,
                         {{svc("web1", "web"), HealthStatus::Passing}, {svc("db1", "db"), HealthStatus::Critical}})});
  const auto web = cat.instances("web");
  ASSERT_EQ(web.size(), 1u);
  EXPECT_EQ(web[0].health, HealthStatus::Passing);
}

TEST(Catalog, ServiceTagsAreTheUnionOverInstances) {
  Catalog cat(2, "dc1",
              {node_with("a", HealthStatus::Passing, {{svc("w1", "web", {"v1", "x"}), HealthStatus::Passing}}),
               node_with("b", HealthStatus::Passing, {{svc("w2", "web", {"v2", "x"}), HealthStatus::Passing}})});
  const auto tags = cat.service_tags();
  EXPECT_EQ(tags.at("web"), (std::vector<std::string>{"v1", "v2", "x"}));
}

TEST(Catalog, UnknownNamesFindNothing) {
  Catalog cat(1, "dc1", {node_with("a", HealthStatus::Passing, {})});
  EXPECT_EQ(cat.find_node("zzz"), nullptr);
  EXPECT_TRUE(cat.instances("zzz").empty());
  EXPECT_TRUE(has_tag(svc("x", "y", {"Primary"}), "primary"));
}

}  // namespace roster::registry
