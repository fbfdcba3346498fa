// Per-resource indexes: only what a change touched moves.
#include "registry/index_table.hpp"

#include <gtest/gtest.h>

#include "fakes/manual_clock.hpp"
#include "registry/registry.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

NodeRecord node_with(std::vector<std::string> services) {
  NodeRecord rec;
  rec.node.name = "n1";
  rec.node.address = "10.0.0.1";
  for (const auto& name : services) {
    Service s;
    s.id = s.name = name;
    rec.services[name] = s;
  }
  return rec;
}

Check check_of(const std::string& service, HealthStatus status) {
  Check c;
  c.id = "service:" + service;
  c.service_id = service;
  c.service_name = service;
  c.status = status;
  return c;
}

}  // namespace

TEST(IndexTable, UnknownResourcesReportTheFloor) {
  const auto t = IndexTable::starting_at(500);
  EXPECT_EQ(t.service_health_of("web"), 500u);
  EXPECT_EQ(t.service_definition("web"), 500u);
  EXPECT_EQ(t.node("n1"), 500u);
  EXPECT_EQ(t.services, 500u);
}

TEST(IndexTable, ANewServiceMovesItsOwnIndexesTheServicesTableAndItsNodeOnly) {
  auto t = IndexTable::starting_at(1);
  const NodeRecord a = node_with({"a"});
  const NodeRecord ab = node_with({"a", "b"});
  record_change(t, &a, &ab, 7);
  EXPECT_EQ(t.service_definition("B"), 7u);  // case-insensitive
  EXPECT_EQ(t.service_health_of("b"), 7u);
  EXPECT_EQ(t.service_health_of("a"), 1u);
  EXPECT_EQ(t.services, 7u);
  EXPECT_EQ(t.nodes, 1u);
  EXPECT_EQ(t.checks, 1u);
  EXPECT_EQ(t.node("n1"), 7u);
}

TEST(IndexTable, AServiceCheckMovesOnlyThatServicesHealthAndTheChecksTable) {
  auto t = IndexTable::starting_at(1);
  NodeRecord before = node_with({"a", "b"});
  before.checks["service:a"] = check_of("a", HealthStatus::Critical);
  NodeRecord after = before;
  after.checks["service:a"].status = HealthStatus::Passing;
  record_change(t, &before, &after, 9);
  EXPECT_EQ(t.service_health_of("a"), 9u);
  EXPECT_EQ(t.service_definition("a"), 1u);  // catalog/service does not show checks
  EXPECT_EQ(t.service_health_of("b"), 1u);
  EXPECT_EQ(t.checks, 9u);
  EXPECT_EQ(t.services, 1u);
}

TEST(IndexTable, ANodeLevelCheckMovesTheHealthOfEveryServiceOnTheNode) {
  auto t = IndexTable::starting_at(1);
  const NodeRecord before = node_with({"a", "b"});
  NodeRecord after = before;
  Check maint;
  maint.id = "_node_maintenance";
  after.checks[maint.id] = maint;
  record_change(t, &before, &after, 4);
  EXPECT_EQ(t.service_health_of("a"), 4u);
  EXPECT_EQ(t.service_health_of("b"), 4u);
  EXPECT_EQ(t.service_definition("a"), 1u);
}

TEST(IndexTable, RemovalsLeaveTombstonesThatKeepMoving) {
  auto t = IndexTable::starting_at(1);
  const NodeRecord ab = node_with({"a", "b"});
  const NodeRecord a = node_with({"a"});
  record_change(t, &ab, &a, 5);
  EXPECT_EQ(t.service_health_of("b"), 5u);
  record_change(t, &a, nullptr, 6);  // the whole node goes
  EXPECT_EQ(t.service_health_of("a"), 6u);
  EXPECT_EQ(t.nodes, 6u);
  EXPECT_EQ(t.node("n1"), 6u);
}

TEST(IndexTable, NothingChangedMovesNothing) {
  auto t = IndexTable::starting_at(3);
  const NodeRecord a = node_with({"a"});
  record_change(t, &a, &a, 8);
  EXPECT_EQ(t.node("n1"), 3u);
  EXPECT_EQ(t.services, 3u);
  EXPECT_EQ(t.checks, 3u);
}

TEST(IndexTable, TheRegistryKeepsPerServiceIndexesThroughItsWrites) {
  testing::ManualClock clock;
  Registry reg(LocalNode{"node1", "id", "10.0.0.1", "dc1", {}}, clock.now(), 100);
  EXPECT_EQ(reg.snapshot()->index(), 100u);
  ServiceRegistration a, b;
  a.service.name = "a";
  b.service.name = "b";
  ASSERT_TRUE(reg.register_service(a, clock.now()));
  ASSERT_TRUE(reg.register_service(b, clock.now()));
  const auto b_index = reg.snapshot()->indexes().service_health_of("b");
  EXPECT_EQ(b_index, 102u);
  a.service.port = 1;
  ASSERT_TRUE(reg.register_service(a, clock.now()));
  EXPECT_EQ(reg.snapshot()->indexes().service_health_of("b"), b_index);
  EXPECT_EQ(reg.snapshot()->indexes().service_health_of("a"), 103u);
  EXPECT_EQ(reg.snapshot()->indexes().service_health_of("never"), 100u);
}

}  // namespace roster::registry
