#include "registry/registry.hpp"

#include <gtest/gtest.h>

#include "fakes/manual_clock.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  Registry reg{LocalNode{"node1", "11111111-2222-3333-4444-555555555555", "10.0.0.1", "dc1", {}},
               clock.now()};

  static ServiceRegistration with_ttl(std::string name, Duration ttl,
                                      std::optional<HealthStatus> status = std::nullopt) {
    ServiceRegistration r;
    r.service.name = std::move(name);
    r.service.port = 8080;
    CheckDefinition c;
    c.kind = CheckKind::Ttl;
    c.kinds_named = 1;
    c.ttl = ttl;
    c.status = status;
    r.checks.push_back(c);
    return r;
  }

  HealthStatus health_of(const std::string& service) {
    const auto cat = reg.snapshot();
    const auto inst = cat->instances(service);
    EXPECT_EQ(inst.size(), 1u);
    return inst.empty() ? HealthStatus::Critical : inst[0].health;
  }

  const Check& check(const std::string& id) {
    snap_ = reg.snapshot();
    return snap_->find_node("node1")->checks.at(id);
  }
  std::shared_ptr<const Catalog> snap_;
};

}  // namespace

TEST_F(RegistryTest, StartsWithTheLocalNodeAndAPassingSerfCheckAtIndexOne) {
  const auto cat = reg.snapshot();
  EXPECT_EQ(cat->index(), 1u);
  ASSERT_NE(cat->find_node("NODE1"), nullptr);
  EXPECT_EQ(check("serfHealth").status, HealthStatus::Passing);
}

TEST_F(RegistryTest, TtlCheckStartsCriticalUnlessAStatusIsGiven) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  EXPECT_EQ(check("service:web").status, HealthStatus::Critical);
  EXPECT_EQ(health_of("web"), HealthStatus::Critical);
  ASSERT_TRUE(reg.register_service(with_ttl("api", 10s, HealthStatus::Passing), clock.now()));
  EXPECT_EQ(health_of("api"), HealthStatus::Passing);
}

TEST_F(RegistryTest, PassMakesTheInstanceHealthyAndTtlExpiryMakesItCritical) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  ASSERT_TRUE(reg.update_ttl("service:web", HealthStatus::Passing, "ok", clock.now()));
  EXPECT_EQ(health_of("web"), HealthStatus::Passing);

  clock.advance(9s);
  reg.expire_ttls(clock.now());
  EXPECT_EQ(health_of("web"), HealthStatus::Passing);

  clock.advance(1s);
  ASSERT_TRUE(reg.next_ttl_deadline().has_value());
  EXPECT_LE(*reg.next_ttl_deadline(), clock.now());
  reg.expire_ttls(clock.now());
  EXPECT_EQ(health_of("web"), HealthStatus::Critical);
  EXPECT_EQ(check("service:web").output, "TTL expired (last output before timeout follows): ok");
  EXPECT_FALSE(reg.next_ttl_deadline().has_value());
}

TEST_F(RegistryTest, EachPassReArmsTheTimer) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  for (int i = 0; i < 5; ++i) {
    clock.advance(8s);
    ASSERT_TRUE(reg.update_ttl("service:web", HealthStatus::Passing, "", clock.now()));
    reg.expire_ttls(clock.now());
    EXPECT_EQ(health_of("web"), HealthStatus::Passing);
  }
}

TEST_F(RegistryTest, AHeartbeatThatChangesNothingKeepsTheIndex) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  auto first = reg.update_ttl("service:web", HealthStatus::Passing, "", clock.now());
  ASSERT_TRUE(first);
  auto second = reg.update_ttl("service:web", HealthStatus::Passing, "", clock.now());
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
}

TEST_F(RegistryTest, IdenticalReRegistrationChangesNoIndex) {
  auto a = reg.register_service(with_ttl("web", 10s), clock.now());
  auto b = reg.register_service(with_ttl("web", 10s), clock.now());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto changed = with_ttl("web", 10s);
  changed.service.port = 9090;
  auto c = reg.register_service(changed, clock.now());
  ASSERT_TRUE(c);
  EXPECT_GT(*c, *b);
}

TEST_F(RegistryTest, ReRegistrationKeepsTheCurrentCheckStatus) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  ASSERT_TRUE(reg.update_ttl("service:web", HealthStatus::Passing, "", clock.now()));
  auto changed = with_ttl("web", 10s);
  changed.service.tags = {"v2"};
  ASSERT_TRUE(reg.register_service(changed, clock.now()));
  EXPECT_EQ(health_of("web"), HealthStatus::Passing);
  EXPECT_EQ(check("service:web").service_tags, std::vector<std::string>{"v2"});
}

TEST_F(RegistryTest, DeregisterRemovesTheServiceAndItsChecks) {
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  ASSERT_TRUE(reg.deregister_service("web"));
  const auto cat = reg.snapshot();
  EXPECT_TRUE(cat->instances("web").empty());
  EXPECT_EQ(cat->find_node("node1")->checks.count("service:web"), 0u);
  EXPECT_FALSE(reg.next_ttl_deadline().has_value());
}

TEST_F(RegistryTest, UnknownIdsAreNotFoundAndNonTtlChecksAreRefused) {
  auto d = reg.deregister_service("nope");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::NotFound);
  auto u = reg.update_ttl("nope", HealthStatus::Passing, "", clock.now());
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, ErrorCode::NotFound);
  auto s = reg.update_ttl("serfHealth", HealthStatus::Passing, "", clock.now());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::Conflict);
}

TEST_F(RegistryTest, InvalidRegistrationsChangeNothing) {
  const auto before = reg.snapshot();
  ServiceRegistration bad;
  auto r = reg.register_service(bad, clock.now());
  ASSERT_FALSE(r);
  EXPECT_EQ(reg.snapshot(), before);
}

TEST_F(RegistryTest, SnapshotsAreImmutableAndIndexesOnlyGrow) {
  const auto before = reg.snapshot();
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  EXPECT_TRUE(before->instances("web").empty());
  const auto after = reg.snapshot();
  EXPECT_GT(after->index(), before->index());
  ASSERT_TRUE(reg.deregister_service("web"));
  EXPECT_GT(reg.snapshot()->index(), after->index());
}

TEST_F(RegistryTest, ListenersHearEveryPublishedChange) {
  int calls = 0;
  Index last = 0;
  reg.subscribe([&](const Catalog& c) {
    ++calls;
    last = c.index();
  });
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(last, reg.snapshot()->index());
  ASSERT_TRUE(reg.register_service(with_ttl("web", 10s), clock.now()));  // identical
  EXPECT_EQ(calls, 1);
}

TEST_F(RegistryTest, ReplaceExistingChecksDropsChecksNotInTheNewDefinition) {
  auto two = with_ttl("web", 10s);
  two.checks.push_back(two.checks[0]);
  ASSERT_TRUE(reg.register_service(two, clock.now()));
  EXPECT_EQ(reg.snapshot()->instances("web")[0].checks.size(), 3u);  // serf + 2
  auto one = with_ttl("web", 10s);
  ASSERT_TRUE(reg.register_service(one, clock.now()));
  EXPECT_EQ(reg.snapshot()->instances("web")[0].checks.size(), 4u);  // kept without the flag
  one.replace_existing_checks = true;
  ASSERT_TRUE(reg.register_service(one, clock.now()));
  EXPECT_EQ(reg.snapshot()->instances("web")[0].checks.size(), 2u);
}

}  // namespace roster::registry
