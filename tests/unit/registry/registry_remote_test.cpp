// Registry::apply_remote: nodes replicated from their owners by gossip.
#include <gtest/gtest.h>

#include <atomic>

#include "fakes/manual_clock.hpp"
#include "registry/registry.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

struct CountingJournal final : Journal {
  std::shared_ptr<std::atomic<int>> appends;
  explicit CountingJournal(std::shared_ptr<std::atomic<int>> a) : appends(std::move(a)) {}
  Status append(std::string_view) override {
    ++*appends;
    return ok();
  }
  Status rewrite(std::string_view) override { return ok(); }
};

// A record as gossip decodes it: no indexes.
std::shared_ptr<NodeRecord> remote_node(const std::string& name, HealthStatus serf = HealthStatus::Passing) {
  auto r = std::make_shared<NodeRecord>();
  r->node.name = name;
  r->node.id = "aaaaaaaa-0000-0000-0000-" + std::string(12 - std::min<std::size_t>(12, name.size()), '0') +
               name.substr(0, 12);
  r->node.address = "10.0.0.2";
  r->node.datacenter = "dc1";
  Service web;
  web.id = "web1";
  web.name = "web";
  web.port = 80;
  web.tags = {"v1"};
  r->services.set(web.id, web);
  Check serf_check;
  serf_check.id = kSerfCheckId;
  serf_check.name = kSerfCheckName;
  serf_check.status = serf;
  serf_check.output = serf == HealthStatus::Passing ? std::string(kSerfAliveOutput) : "Agent not live or unreachable";
  serf_check.type = CheckType::Serf;
  r->checks.set(serf_check.id, serf_check);
  return r;
}

class RegistryRemoteTest : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  Registry reg{LocalNode{"node1", "11111111-2222-3333-4444-555555555555", "10.0.0.1", "dc1", {}}, clock.now()};
};

}  // namespace

TEST_F(RegistryRemoteTest, ARemoteNodesServicesShowInTheCatalog) {
  const auto r = reg.apply_remote("node2", remote_node("node2"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 2u);
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->index(), 2u);
  ASSERT_NE(cat->find_node("NODE2"), nullptr);
  EXPECT_EQ(cat->nodes().size(), 2u);
  const auto inst = cat->instances("web");
  ASSERT_EQ(inst.size(), 1u);
  EXPECT_EQ(inst[0].node->node.name, "node2");
  EXPECT_EQ(inst[0].health, HealthStatus::Passing);
  // Indexes are this agent's.
  EXPECT_EQ(inst[0].service->create_index, 2u);
  EXPECT_EQ(cat->find_node("node2")->node.modify_index, 2u);
  EXPECT_EQ(cat->indexes().service_health_of("web"), 2u);
}

TEST_F(RegistryRemoteTest, ACriticalSerfHealthMakesTheNodesInstancesCritical) {
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2")));
  const auto r = reg.apply_remote("node2", remote_node("node2", HealthStatus::Critical));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 3u);
  const auto cat = reg.snapshot();
  const auto inst = cat->instances("web");
  ASSERT_EQ(inst.size(), 1u);
  EXPECT_EQ(inst[0].health, HealthStatus::Critical);
  const Check& serf = cat->find_node("node2")->checks.at(std::string(kSerfCheckId));
  EXPECT_EQ(serf.output, "Agent not live or unreachable");
  EXPECT_EQ(serf.create_index, 2u);  // the check changed, it was not re-created
  EXPECT_EQ(serf.modify_index, 3u);
  // The service itself did not change: it keeps its indexes.
  EXPECT_EQ(inst[0].service->modify_index, 2u);
  EXPECT_EQ(cat->indexes().service_health_of("web"), 3u);
  EXPECT_EQ(cat->indexes().service_definition("web"), 2u);
}

TEST_F(RegistryRemoteTest, RemovalDropsTheNodeAndRemovingAnUnknownNodeChangesNothing) {
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2")));
  const auto r = reg.apply_remote("Node2", nullptr);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 3u);
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->find_node("node2"), nullptr);
  EXPECT_TRUE(cat->instances("web").empty());
  EXPECT_EQ(cat->indexes().service_health_of("web"), 3u);  // watchers of web wake
  const auto again = reg.apply_remote("node2", nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 3u);
  EXPECT_EQ(reg.snapshot()->index(), 3u);
}

TEST_F(RegistryRemoteTest, TheLocalNodeCannotBeOverwrittenOrRemoved) {
  const auto r = reg.apply_remote("NODE1", remote_node("NODE1", HealthStatus::Critical));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Conflict);
  const auto removal = reg.apply_remote("node1", nullptr);
  ASSERT_FALSE(removal);
  EXPECT_EQ(removal.error().code, ErrorCode::Conflict);
  // A batch naming the local node applies nothing at all.
  std::vector<Registry::RemoteUpdate> batch{{"node2", remote_node("node2")}, {"node1", nullptr}};
  EXPECT_FALSE(reg.apply_remote(batch));
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->index(), 1u);
  EXPECT_EQ(cat->nodes().size(), 1u);
  EXPECT_EQ(cat->find_node("node1")->checks.at(std::string(kSerfCheckId)).status, HealthStatus::Passing);
  EXPECT_EQ(reg.local_record()->node.address, "10.0.0.1");
}

TEST_F(RegistryRemoteTest, ARecordNamingAnotherNodeIsInvalid) {
  const auto r = reg.apply_remote("node2", remote_node("node3"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Invalid);
  EXPECT_EQ(reg.snapshot()->index(), 1u);
}

TEST_F(RegistryRemoteTest, AnIdenticalApplyChangesNoIndexAndWakesNobody) {
  int published = 0;
  reg.subscribe([&](const Catalog&) { ++published; });
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2")));
  EXPECT_EQ(published, 1);
  const auto before = reg.snapshot();
  // A fresh decoded copy: equal content, no indexes.
  const auto r = reg.apply_remote("node2", remote_node("node2"));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 2u);
  EXPECT_EQ(published, 1);
  EXPECT_EQ(reg.snapshot(), before);
}

TEST_F(RegistryRemoteTest, ABatchIsOneWriteAtOneIndex) {
  int published = 0;
  reg.subscribe([&](const Catalog&) { ++published; });
  std::vector<Registry::RemoteUpdate> batch{{"node2", remote_node("node2")}, {"node3", remote_node("node3")}};
  const auto r = reg.apply_remote(batch);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 2u);
  EXPECT_EQ(published, 1);
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->instances("web").size(), 2u);
  EXPECT_EQ(cat->find_node("node3")->node.create_index, 2u);
}

TEST_F(RegistryRemoteTest, LocalWritesLeaveRemoteNodesAlone) {
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2")));
  ServiceRegistration web;
  web.service.name = "web";
  web.service.id = "web-local";
  web.service.port = 8080;
  ASSERT_TRUE(reg.register_service(web, clock.now()));
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->instances("web").size(), 2u);
  EXPECT_EQ(cat->find_node("node2")->node.modify_index, 2u);
  const auto local = reg.local_record();
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->node.name, "node1");
  EXPECT_TRUE(local->services.contains("web-local"));
}

TEST_F(RegistryRemoteTest, RemoteNodesAreNotJournaled) {
  auto appends = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(reg.attach_journal(std::make_unique<CountingJournal>(appends), clock));
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2")));
  ASSERT_TRUE(reg.apply_remote("node2", remote_node("node2", HealthStatus::Critical)));
  ASSERT_TRUE(reg.apply_remote("node2", nullptr));
  EXPECT_EQ(*appends, 0);
  ServiceRegistration web;
  web.service.name = "web";
  ASSERT_TRUE(reg.register_service(web, clock.now()));
  EXPECT_EQ(*appends, 1);  // the fake does count real writes
}

}  // namespace roster::registry
