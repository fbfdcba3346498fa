// ACLs: the pure decision (acl.hpp) and its enforcement in Api::serve, with
// the three token forms, filtered lists and the route table's access kinds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <string>

#include "fakes/manual_clock.hpp"
#include "http/acl.hpp"
#include "http/api.hpp"

namespace roster::http {
namespace {

AclConfig on(DefaultPolicy policy) {
  AclConfig c;
  c.enabled = true;
  c.default_policy = policy;
  c.management_token = "root-secret";
  c.agent_token = "agent-secret";
  c.agent_recovery_token = "recovery-secret";
  return c;
}

TEST(AclDecide, DisabledAllowsEverythingWhateverTheToken) {
  AclConfig off = on(DefaultPolicy::Deny);
  off.enabled = false;
  for (Access a : {Access::Open, Access::ReadOne, Access::ReadList, Access::Write, Access::AgentWrite, Access::Unset})
    for (const char* token : {"", "root-secret", "bogus"}) EXPECT_EQ(decide(a, token, off), Verdict::Allow);
}

TEST(AclDecide, ManagementTokenMayDoAnything) {
  for (DefaultPolicy p : {DefaultPolicy::Allow, DefaultPolicy::Deny})
    for (Access a : {Access::Open, Access::ReadOne, Access::ReadList, Access::Write, Access::AgentWrite})
      EXPECT_EQ(decide(a, "root-secret", on(p)), Verdict::Allow);
}

TEST(AclDecide, AnonymousReadsFollowTheDefaultPolicyAndNeverWrite) {
  const auto allow = on(DefaultPolicy::Allow);
  EXPECT_EQ(decide(Access::ReadOne, "", allow), Verdict::Allow);
  EXPECT_EQ(decide(Access::ReadList, "", allow), Verdict::Allow);
  EXPECT_EQ(decide(Access::Write, "", allow), Verdict::Deny);
  EXPECT_EQ(decide(Access::AgentWrite, "", allow), Verdict::Deny);
  const auto deny = on(DefaultPolicy::Deny);
  EXPECT_EQ(decide(Access::ReadOne, "", deny), Verdict::Deny);
  EXPECT_EQ(decide(Access::ReadList, "", deny), Verdict::Filter);
  EXPECT_EQ(decide(Access::Write, "", deny), Verdict::Deny);
  EXPECT_EQ(decide(Access::Open, "", deny), Verdict::Allow);
}

TEST(AclDecide, AgentTokensReadAndRunTheAgentButRegisterNothing) {
  for (const char* token : {"agent-secret", "recovery-secret"}) {
    const auto deny = on(DefaultPolicy::Deny);
    EXPECT_EQ(decide(Access::ReadOne, token, deny), Verdict::Allow);
    EXPECT_EQ(decide(Access::ReadList, token, deny), Verdict::Allow);
    EXPECT_EQ(decide(Access::AgentWrite, token, deny), Verdict::Allow);
    EXPECT_EQ(decide(Access::Write, token, deny), Verdict::Deny);
  }
}

TEST(AclDecide, UnknownTokenIsAclNotFoundEvenForReadsUnderAllow) {
  for (DefaultPolicy p : {DefaultPolicy::Allow, DefaultPolicy::Deny}) {
    // A prefix or an extension of a real token is just as unknown.
    for (const char* token : {"bogus", "root-secre", "root-secretx", "ROOT-SECRET"}) {
      EXPECT_EQ(decide(Access::ReadOne, token, on(p)), Verdict::UnknownToken) << token;
      EXPECT_EQ(decide(Access::Write, token, on(p)), Verdict::UnknownToken) << token;
    }
    EXPECT_EQ(decide(Access::Open, "bogus", on(p)), Verdict::Allow);
  }
}

TEST(AclDecide, UnsetAccessFailsClosed) {
  EXPECT_EQ(decide(Access::Unset, "", on(DefaultPolicy::Allow)), Verdict::Deny);
  EXPECT_EQ(decide(Access::Unset, "agent-secret", on(DefaultPolicy::Allow)), Verdict::Deny);
  EXPECT_EQ(decide(Access::Unset, "root-secret", on(DefaultPolicy::Allow)), Verdict::Allow);
}

TEST(AclDecide, EmptyConfiguredTokensMatchNothing) {
  AclConfig c;
  c.enabled = true;
  c.default_policy = DefaultPolicy::Deny;
  EXPECT_EQ(decide(Access::Write, "", c), Verdict::Deny);
  EXPECT_EQ(decide(Access::Write, "x", c), Verdict::UnknownToken);
}

TEST(AclDecide, DefaultTokenStandsInForAMissingOne) {
  auto c = on(DefaultPolicy::Deny);
  c.default_token = "agent-secret";
  EXPECT_EQ(decide(Access::ReadOne, "", c), Verdict::Allow);
  EXPECT_EQ(decide(Access::Write, "", c), Verdict::Deny);
  c.default_token = "root-secret";
  EXPECT_EQ(decide(Access::Write, "", c), Verdict::Allow);
  EXPECT_EQ(decide(Access::Write, "bogus", c), Verdict::UnknownToken);  // a token given is used as is
}

TEST(AclDecide, PolicyHeaderValue) {
  EXPECT_EQ(default_policy_name(AclConfig{}), "allow");
  EXPECT_EQ(default_policy_name(on(DefaultPolicy::Deny)), "deny");
  auto off = on(DefaultPolicy::Deny);
  off.enabled = false;
  EXPECT_EQ(default_policy_name(off), "allow");
}

TEST(RequestLogTarget, HidesEveryTokenValueAndKeepsTheRest) {
  Request r;
  r.path = "/v1/agent/service/register";
  r.query = QueryParams::parse("replace-existing-checks&token=s3cr3t&x=1&token=again%20s3cr3t");
  r.headers = {{"x-consul-token", "s3cr3t"}};
  const auto logged = r.log_target();
  EXPECT_EQ(logged, "/v1/agent/service/register?replace-existing-checks&token=<hidden>&x=1&token=<hidden>");
  EXPECT_EQ(logged.find("s3cr3t"), std::string::npos);
  r.query = QueryParams::parse("");
  EXPECT_EQ(r.log_target(), "/v1/agent/service/register");
}

class AclApi : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id-1", "10.0.0.1", "dc1", {}}, clock.now()};
  std::shared_ptr<AclSettings> acl = std::make_shared<AclSettings>(on(DefaultPolicy::Deny));
  int reloads = 0;
  Api api{ApiContext{reg, clock, AgentInfo{"node1", "id-1", "dc1", "10.0.0.1", "0.1.0", "abc"}, nullptr,
                     [this]() -> Status {
                       ++reloads;
                       return ok();
                     },
                     acl}};

  Response call(Method m, const std::string& target, std::map<std::string, std::string> headers = {},
                std::string body = "") {
    Request r;
    r.method = m;
    r.method_text = std::string(to_string(m));
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = QueryParams::parse(target.substr(q + 1));
    r.headers = std::move(headers);
    r.body = std::move(body);
    return api.handle(r);
  }
  static std::string header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  void SetUp() override {
    ASSERT_EQ(call(Method::Put, "/v1/agent/service/register?token=root-secret", {},
                   R"({"Name":"web","ID":"web1","Port":80,"Check":{"TTL":"10s"}})")
                  .status,
              200);
    ASSERT_EQ(call(Method::Put, "/v1/agent/check/pass/service:web1?token=root-secret").status, 200);
  }
};

TEST_F(AclApi, WritesNeedTheManagementTokenInAnyOfTheThreeForms) {
  const std::string body = R"({"Name":"db","Port":5432})";
  auto denied = call(Method::Put, "/v1/agent/service/register", {}, body);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body, "Permission denied\n");
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/register?token=agent-secret", {}, body).status, 403);
  auto unknown = call(Method::Put, "/v1/agent/service/register", {{"x-consul-token", "nope"}}, body);
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(unknown.body, "ACL not found\n");
  EXPECT_EQ(reg.snapshot()->find_node("node1")->services.count("db"), 0u);

  EXPECT_EQ(call(Method::Put, "/v1/agent/service/register", {{"x-consul-token", "root-secret"}}, body).status, 200);
  EXPECT_EQ(call(Method::Put, "/v1/agent/check/pass/service:web1", {{"authorization", "Bearer root-secret"}}).status,
            200);
  EXPECT_EQ(call(Method::Get, "/v1/agent/check/pass/service:web1?token=root-secret").status, 200);
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/deregister/db?token=root-secret").status, 200);
}

TEST_F(AclApi, EveryWriteRouteIsRefusedWithoutAToken) {
  for (const char* path : {"/v1/agent/service/deregister/web1", "/v1/agent/service/maintenance/web1?enable=true",
                           "/v1/agent/check/register", "/v1/agent/check/deregister/service:web1",
                           "/v1/agent/check/pass/service:web1", "/v1/agent/check/warn/service:web1",
                           "/v1/agent/check/fail/service:web1", "/v1/agent/check/update/service:web1",
                           "/v1/agent/maintenance?enable=true", "/v1/agent/leave", "/v1/agent/join/10.0.0.2",
                           "/v1/agent/force-leave/n2", "/v1/agent/reload", "/v1/catalog/register",
                           "/v1/catalog/deregister"}) {
    auto r = call(Method::Put, path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body, "Permission denied\n") << path;
  }
  EXPECT_EQ(reloads, 0);
  EXPECT_EQ(reg.snapshot()->find_node("node1")->services.count("web1"), 1u);
}

TEST_F(AclApi, AgentTokenRunsTheAgentOnly) {
  EXPECT_EQ(call(Method::Put, "/v1/agent/reload?token=agent-secret").status, 200);
  EXPECT_EQ(reloads, 1);
  EXPECT_EQ(call(Method::Put, "/v1/agent/reload", {{"x-consul-token", "recovery-secret"}}).status, 200);
  EXPECT_EQ(reloads, 2);
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/deregister/web1?token=agent-secret").status, 403);
}

TEST_F(AclApi, DenyFiltersListsToEmptyAndRefusesSingleObjects) {
  for (auto [path, empty] : {std::pair{"/v1/agent/services", "{}"}, {"/v1/agent/checks", "{}"},
                             {"/v1/catalog/services", "{}"}, {"/v1/catalog/service/web", "[]"},
                             {"/v1/catalog/nodes", "[]"}, {"/v1/catalog/node/node1", "null"},
                             {"/v1/health/service/web", "[]"}, {"/v1/health/checks/web", "[]"},
                             {"/v1/health/node/node1", "[]"}, {"/v1/health/state/any", "[]"},
                             {"/v1/agent/members", "[]"}, {"/v1/prometheus", "[]"}}) {
    auto r = call(Method::Get, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, empty) << path;
    EXPECT_FALSE(header(r, "X-Consul-Index").empty()) << path;
    EXPECT_EQ(header(r, "X-Consul-Default-ACL-Policy"), "deny") << path;
    // The real answer, with a token that may read.
    auto full = call(Method::Get, std::string(path) + "?token=agent-secret");
    EXPECT_EQ(full.status, 200) << path;
    EXPECT_NE(full.body, empty) << path;
  }
  for (const char* path : {"/v1/agent/self", "/v1/agent/service/web1", "/v1/agent/health/service/id/web1",
                           "/v1/agent/health/service/name/web"}) {
    auto r = call(Method::Get, path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body, "Permission denied\n") << path;
    EXPECT_NE(call(Method::Get, std::string(path) + "?token=root-secret").status, 403) << path;
  }
  for (const char* path : {"/v1/status/leader", "/v1/status/peers", "/v1/catalog/datacenters"})
    EXPECT_EQ(call(Method::Get, path).status, 200) << path;
}

TEST_F(AclApi, AFilteredBlockingReadWaitsLikeTheRealOne) {
  auto first = call(Method::Get, "/v1/health/service/web");
  ASSERT_EQ(first.status, 200);
  EXPECT_FALSE(first.wait);
  auto blocked = call(Method::Get, "/v1/health/service/web?index=" + header(first, "X-Consul-Index"));
  EXPECT_EQ(blocked.body, "[]");
  EXPECT_TRUE(blocked.wait);  // no spinning watcher: it waits for the service to move
}

TEST_F(AclApi, CachedAnswersDoNotLeakToRequestsThatMayNotRead) {
  const std::string path = "/v1/health/service/web?index=1";
  auto full = call(Method::Get, path + "&token=root-secret");
  ASSERT_EQ(full.status, 200);
  ASSERT_NE(full.body, "[]");
  EXPECT_EQ(call(Method::Get, path).body, "[]");
  EXPECT_EQ(call(Method::Get, path + "&token=bogus").status, 403);
}

TEST_F(AclApi, AllowPolicyOpensReadsButNotWrites) {
  acl->set(on(DefaultPolicy::Allow));
  auto services = call(Method::Get, "/v1/agent/services");
  EXPECT_EQ(services.status, 200);
  EXPECT_NE(services.body, "{}");
  EXPECT_EQ(header(services, "X-Consul-Default-ACL-Policy"), "allow");
  EXPECT_EQ(call(Method::Get, "/v1/agent/self").status, 200);
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/deregister/web1").status, 403);
  EXPECT_EQ(call(Method::Get, "/v1/agent/services?token=bogus").status, 403);
}

TEST_F(AclApi, SettingsChangeLiveAndOffMeansOff) {
  auto off = on(DefaultPolicy::Deny);
  off.enabled = false;
  acl->set(off);
  EXPECT_EQ(call(Method::Get, "/v1/agent/self?token=whatever").status, 200);
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/deregister/web1", {{"x-consul-token", "whatever"}}).status, 200);
}

TEST_F(AclApi, MethodAndPathErrorsComeBeforeTheAclCheck) {
  EXPECT_EQ(call(Method::Get, "/v1/agent/service/register").status, 405);
  EXPECT_EQ(call(Method::Get, "/v1/nosuch").status, 404);
  EXPECT_EQ(call(Method::Options, "/v1/agent/services").status, 200);
}

TEST_F(AclApi, EveryRouteHasAnAccessKind) {
  for (const Route& r : api.router().routes()) EXPECT_NE(r.access, Access::Unset) << r.path;
  // Reads are reads and writes are writes: a GET-only route is never a write,
  // a route without GET never a read.
  for (const Route& r : api.router().routes()) {
    const bool get_only = r.methods.size() == 1 && r.methods[0] == Method::Get;
    const bool no_get = std::find(r.methods.begin(), r.methods.end(), Method::Get) == r.methods.end();
    if (get_only) {
      EXPECT_TRUE(r.access == Access::ReadOne || r.access == Access::ReadList || r.access == Access::Open) << r.path;
    }
    if (no_get) {
      EXPECT_TRUE(r.access == Access::Write || r.access == Access::AgentWrite) << r.path;
    }
  }
}

}  // namespace
}  // namespace roster::http
