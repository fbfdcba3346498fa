// Configuration reload: the `acl` block, the pure plan (reload_plan.hpp) and
// the ConfigReloader applying it to a real Registry on a manual clock.
#include <gtest/gtest.h>

#include "agent/config_file.hpp"
#include "agent/config_reloader.hpp"
#include "agent/reload_plan.hpp"
#include "fakes/manual_clock.hpp"

namespace roster::agent {
namespace {

AgentConfig parse(const std::string& text) {
  AgentConfig c;
  auto st = apply_config_text(text, "test.json", c);
  EXPECT_TRUE(st) << (st ? "" : st.error().message);
  return c;
}

TEST(AclConfigFile, ReadsConsulsKeysAndLegacyAliases) {
  auto c = parse(R"({"acl": {"enabled": true, "default_policy": "deny",
      "tokens": {"initial_management": "m1", "agent": "a1", "agent_recovery": "r1", "default": "d1"}}})");
  EXPECT_TRUE(c.acl.enabled);
  EXPECT_EQ(c.acl.default_policy, http::DefaultPolicy::Deny);
  EXPECT_EQ(c.acl.management_token, "m1");
  EXPECT_EQ(c.acl.agent_token, "a1");
  EXPECT_EQ(c.acl.agent_recovery_token, "r1");
  EXPECT_EQ(c.acl.default_token, "d1");
  auto legacy = parse(R"({"acl": {"enabled": true, "tokens": {"master": "m2", "agent_master": "r2"}}})");
  EXPECT_EQ(legacy.acl.management_token, "m2");
  EXPECT_EQ(legacy.acl.agent_recovery_token, "r2");
  EXPECT_EQ(legacy.acl.default_policy, http::DefaultPolicy::Allow);
  EXPECT_FALSE(parse("{}").acl.enabled);
}

TEST(AclConfigFile, BadValuesAreErrorsThatNeverQuoteATokenValue) {
  for (const char* text : {R"({"acl": {"default_policy": "maybe"}})", R"({"acl": []})", R"({"acl": {"enabled": "yes"}})",
                           R"({"acl": {"tokens": "t"}})", R"({"acl": {"tokens": {"agent": 5}}})"}) {
    AgentConfig c;
    auto st = apply_config_text(text, "acl.json", c);
    ASSERT_FALSE(st) << text;
    EXPECT_NE(st.error().message.find("acl"), std::string::npos) << st.error().message;
  }
  AgentConfig c;
  auto st = apply_config_text(R"({"acl": {"tokens": {"initial_management": ["s3cr3t-value"]}}})", "acl.json", c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.find("s3cr3t-value"), std::string::npos) << st.error().message;
}

TEST(ReloadPlan, ServicesByIdLaterDefinitionsWin) {
  auto c = parse(R"({"services": [{"name": "web", "port": 1}, {"name": "db", "id": "db1"},
                                  {"name": "web", "port": 2}]})");
  const auto s = config_services(c);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.at("web").reg.service.port, 2);
  EXPECT_TRUE(s.at("db1").reg.replace_existing_checks);
  EXPECT_EQ(s.at("db1").source, R"({"name":"db","id":"db1"})");
}

TEST(ReloadPlan, AddReplaceRemoveKeep) {
  const auto before = config_services(parse(R"({"services": [
      {"name": "same", "port": 1}, {"name": "changed", "port": 1}, {"name": "gone", "port": 1},
      {"name": "ttl", "check": {"ttl": "5s"}}]})"));
  const auto after = config_services(parse(R"({"services": [
      {"name": "same", "port": 1}, {"name": "changed", "port": 2}, {"name": "new", "port": 1},
      {"name": "ttl", "check": {"ttl": "6s"}}]})"));
  const auto plan = plan_reload(before, after);
  ASSERT_EQ(plan.add.size(), 1u);
  EXPECT_EQ(plan.add[0].service.name, "new");
  ASSERT_EQ(plan.replace.size(), 2u);
  EXPECT_EQ(plan.replace[0].service.name, "changed");
  EXPECT_EQ(plan.replace[1].service.name, "ttl");
  EXPECT_EQ(plan.remove, std::vector<std::string>{"gone"});
  ASSERT_EQ(plan.keep.size(), 1u);
  EXPECT_EQ(plan.keep[0].service.name, "same");
  const auto nothing = plan_reload(after, after);
  EXPECT_TRUE(nothing.add.empty() && nothing.replace.empty() && nothing.remove.empty());
  EXPECT_EQ(nothing.keep.size(), 4u);
}

TEST(ReloadPlan, SameDefinitionSeesSourceAndFields) {
  const auto a = config_services(parse(R"({"service": {"name": "w", "check": {"ttl": "5s", "notes": "x"}}})"));
  // Whitespace does not count; any written change does, including fields the
  // decoded structs may not hold.
  const auto spaced = config_services(parse(R"({"service": { "name" : "w", "check": {"ttl": "5s", "notes": "x"}}})"));
  EXPECT_TRUE(same_definition(a.at("w"), spaced.at("w")));
  const auto extra = config_services(parse(R"({"service": {"name": "w", "check": {"ttl": "5s", "notes": "x"},
                                                            "kind": "typical"}})"));
  EXPECT_FALSE(same_definition(a.at("w"), extra.at("w")));
  // Without sources the decoded fields decide.
  ConfigService x = a.at("w"), y = a.at("w");
  x.source.clear();
  y.source.clear();
  EXPECT_TRUE(same_definition(x, y));
  y.reg.checks[0].notes = "other";
  EXPECT_FALSE(same_definition(x, y));
  y = a.at("w");
  y.source.clear();
  y.reg.service.tags = {"t"};
  EXPECT_FALSE(same_definition(x, y));
}

TEST(ReloadPlan, InvalidServicesAreNamed) {
  EXPECT_TRUE(validate_services(config_services(parse(R"({"service": {"name": "w"}})")), {}));
  ConfigServices bad = config_services(parse(R"({"service": {"name": "w", "id": "w1"}})"));
  bad.at("w1").reg.service.name.clear();
  auto st = validate_services(bad, {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("\"w1\""), std::string::npos) << st.error().message;
}

TEST(ReloadPlan, ScriptChecksAreValidatedAgainstTheAgentsPolicy) {
  const auto scripted = config_services(parse(R"({"service": {"name": "w", "id": "w1",
      "check": {"args": ["/bin/true"], "interval": "10s"}}})"));
  auto st = validate_services(scripted, {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("\"w1\""), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("Scripts are disabled"), std::string::npos) << st.error().message;
  EXPECT_TRUE(validate_services(scripted, {false, true}));  // enable_local_script_checks
  EXPECT_EQ(script_checks(parse(R"({"enable_local_script_checks": true})")).config, true);
  EXPECT_EQ(script_checks(parse(R"({"enable_local_script_checks": true})")).api, false);
  EXPECT_EQ(restart_needed(parse("{}"), parse(R"({"enable_local_script_checks": true})")),
            (std::vector<std::string>{"enable_local_script_checks"}));
}

TEST(ReloadPlan, RestartNeededNamesTheKeys) {
  const auto a = parse(R"({"ports": {"http": 1}, "log_level": "info"})");
  EXPECT_TRUE(restart_needed(a, a).empty());
  const auto b = parse(R"({"ports": {"http": 2}, "log_level": "debug", "acl": {"enabled": true},
                           "dns_config": {"only_passing": true}, "services": [{"name": "x"}]})");
  EXPECT_EQ(restart_needed(a, b),
            (std::vector<std::string>{"ports.http", "dns_config/recursors/alt_domain/dns_threads"}));
}

class Reloader : public ::testing::Test {
 protected:
  roster::testing::ManualClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id-1", "10.0.0.1", "dc1", {}}, clock.now()};
  Result<AgentConfig> next = AgentConfig{};
  int live_applied = 0;
  AgentConfig live_seen;
  std::unique_ptr<ConfigReloader> reloader;

  void start(const std::string& text) {
    reloader = std::make_unique<ConfigReloader>(
        reg, clock, null_logger(), parse(text), "node1", [this] { return next; },
        [this](const AgentConfig& c) {
          ++live_applied;
          live_seen = c;
        });
    ASSERT_TRUE(reloader->register_initial());
  }
  const registry::NodeRecord& local() { return *reg.snapshot()->find_node("node1"); }
  const registry::Service* service(const std::string& id) { return local().services.get(id); }
  const registry::Check* check(const std::string& id) { return local().checks.get(id); }
};

TEST_F(Reloader, AppliesAddedChangedAndRemovedServicesAndTouchesNothingElse) {
  start(R"({"services": [{"name": "same", "port": 1}, {"name": "changed", "port": 1,
                          "checks": [{"ttl": "5s"}, {"ttl": "6s"}]}, {"name": "gone", "port": 1}]})");
  ASSERT_TRUE(service("same") && service("changed") && service("gone"));
  ASSERT_TRUE(check("service:changed:2"));
  ASSERT_TRUE(reg.update_ttl("service:changed:1", registry::HealthStatus::Passing, "ok", clock.now()));
  const auto same_index = service("same")->modify_index;
  // An API service is the API's: reload leaves it alone.
  registry::ServiceRegistration api;
  api.service.name = "api";
  ASSERT_TRUE(reg.register_service(api, clock.now()));

  next = parse(R"({"log_level": "debug", "services": [{"name": "same", "port": 1},
      {"name": "changed", "port": 2, "checks": [{"ttl": "5s"}]}, {"name": "new", "port": 3}]})");
  ASSERT_TRUE(reloader->reload());
  EXPECT_EQ(service("same")->modify_index, same_index);
  EXPECT_EQ(service("changed")->port, 2);
  EXPECT_EQ(service("new")->port, 3);
  EXPECT_EQ(service("gone"), nullptr);
  EXPECT_NE(service("api"), nullptr);
  // The files own the checks: one check now, with the new ID; a surviving ID keeps its status.
  EXPECT_EQ(check("service:changed:1"), nullptr);
  EXPECT_EQ(check("service:changed:2"), nullptr);
  ASSERT_NE(check("service:changed"), nullptr);
  EXPECT_EQ(live_applied, 1);
  EXPECT_EQ(live_seen.log_level, LogLevel::Debug);

  // The same files again: no index moves.
  const auto index = reg.snapshot()->index();
  ASSERT_TRUE(reloader->reload());
  EXPECT_EQ(reg.snapshot()->index(), index);
  EXPECT_EQ(live_applied, 2);
}

TEST_F(Reloader, SurvivingChecksKeepTheirStatus) {
  start(R"({"service": {"name": "w", "port": 1, "check": {"ttl": "5s"}}})");
  ASSERT_TRUE(reg.update_ttl("service:w", registry::HealthStatus::Passing, "fine", clock.now()));
  next = parse(R"({"service": {"name": "w", "port": 2, "check": {"ttl": "5s"}}})");
  ASSERT_TRUE(reloader->reload());
  EXPECT_EQ(service("w")->port, 2);
  EXPECT_EQ(check("service:w")->status, registry::HealthStatus::Passing);
}

TEST_F(Reloader, ABrokenConfigChangesNothing) {
  start(R"({"services": [{"name": "a", "port": 1}, {"name": "b", "port": 1}]})");
  const auto index = reg.snapshot()->index();
  next = Error{ErrorCode::Invalid, "test.json: Request decode failed: unexpected end"};
  auto st = reloader->reload();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("test.json"), std::string::npos);

  // A reload of `next` that fails naming c1 and changes nothing.
  const auto refused_naming_c1 = [&] {
    const auto failed = reloader->reload();
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("c1"), std::string::npos) << failed.error().message;
    EXPECT_EQ(reg.snapshot()->index(), index);
    EXPECT_EQ(service("a")->port, 1);
    EXPECT_NE(service("b"), nullptr);
    EXPECT_EQ(service("c1"), nullptr);
    EXPECT_EQ(live_applied, 0);
  };
  // Valid JSON, one invalid service among good changes: still nothing.
  next = parse(R"({"services": [{"name": "a", "port": 9}, {"name": "c", "id": "c1"}]})");
  next->services[1].service.name.clear();
  refused_naming_c1();
  // Valid services, but one carries a script check this agent does not
  // allow: refused before anything is applied (removing b, changing a).
  next = parse(R"({"services": [{"name": "a", "port": 9}, {"name": "c", "id": "c1",
      "check": {"args": ["/bin/true"], "interval": "10s"}}]})");
  refused_naming_c1();

  // The broken file fixed: the plan is against what is registered, not the broken attempt.
  next = parse(R"({"services": [{"name": "a", "port": 9}]})");
  ASSERT_TRUE(reloader->reload());
  EXPECT_EQ(service("a")->port, 9);
  EXPECT_EQ(service("b"), nullptr);
}

TEST_F(Reloader, ConfigWinsOverTheApiAtReload) {
  start(R"({"services": [{"name": "a", "port": 1}, {"name": "b", "port": 1}]})");
  ASSERT_TRUE(reg.deregister_service("a"));
  registry::ServiceRegistration over;
  over.service.name = "b";
  over.service.port = 77;
  ASSERT_TRUE(reg.register_service(over, clock.now()));
  next = parse(R"({"services": [{"name": "a", "port": 1}, {"name": "b", "port": 1}]})");
  ASSERT_TRUE(reloader->reload());
  ASSERT_NE(service("a"), nullptr);
  EXPECT_EQ(service("b")->port, 1);
}

TEST_F(Reloader, RemovingAServiceTheApiAlreadyRemovedIsFine) {
  start(R"({"services": [{"name": "a", "port": 1}]})");
  ASSERT_TRUE(reg.deregister_service("a"));
  next = parse("{}");
  EXPECT_TRUE(reloader->reload());
  EXPECT_EQ(service("a"), nullptr);
}

}  // namespace
}  // namespace roster::agent
