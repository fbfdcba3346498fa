// Issue 4's agent endpoints: maintenance, checks, members, local health,
// join/leave/reload, and query options, through Api::handle.
#include "api_fixture.hpp"

namespace roster::http {
namespace {
class AgentApi : public ApiFixture {};
}  // namespace

TEST_F(AgentApi, ServiceMaintenanceAddsACriticalCheckAndRemovesIt) {
  register_service(R"({"Name":"web","ID":"web1","Check":{"TTL":"10s","Status":"passing"}})");
  EXPECT_EQ(json(get("/v1/health/service/web?passing")).Size(), 1u);
  ASSERT_EQ(put("/v1/agent/service/maintenance/web1?enable=true&reason=deploying").status, 200);
  auto checks = json(get("/v1/agent/checks"));
  const auto& m = checks["_service_maintenance:web1"];
  EXPECT_STREQ(m["Name"].GetString(), "Service Maintenance Mode");
  EXPECT_STREQ(m["Status"].GetString(), "critical");
  EXPECT_STREQ(m["Notes"].GetString(), "deploying");
  EXPECT_STREQ(m["ServiceID"].GetString(), "web1");
  EXPECT_STREQ(m["Type"].GetString(), "maintenance");
  EXPECT_EQ(json(get("/v1/health/service/web?passing")).Size(), 0u);
  ASSERT_EQ(put("/v1/agent/service/maintenance/web1?enable=false").status, 200);
  EXPECT_EQ(json(get("/v1/health/service/web?passing")).Size(), 1u);
  // Default reason, errors.
  ASSERT_EQ(put("/v1/agent/service/maintenance/web1?enable=True").status, 200);  // python-consul's spelling
  EXPECT_STREQ(json(get("/v1/agent/checks"))["_service_maintenance:web1"]["Notes"].GetString(),
               "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.");
  EXPECT_EQ(put("/v1/agent/service/maintenance/web1").body, "Missing value for enable\n");
  EXPECT_EQ(put("/v1/agent/service/maintenance/web1?enable=maybe").body, "Invalid value for enable: \"maybe\"\n");
  EXPECT_EQ(put("/v1/agent/service/maintenance/nope?enable=true").status, 404);
  // Deregistering the service takes its maintenance check along.
  ASSERT_EQ(put("/v1/agent/service/deregister/web1").status, 200);
  EXPECT_EQ(json(get("/v1/agent/checks")).MemberCount(), 0u);
}

TEST_F(AgentApi, NodeMaintenanceTakesEveryInstanceOut) {
  register_service(R"({"Name":"web","Check":{"TTL":"10s","Status":"passing"}})");
  const auto before = index_of(get("/v1/health/service/web"));
  ASSERT_EQ(put("/v1/agent/maintenance?enable=true").status, 200);
  EXPECT_GT(index_of(get("/v1/health/service/web")), before);
  EXPECT_EQ(json(get("/v1/health/service/web?passing")).Size(), 0u);
  auto checks = json(get("/v1/agent/checks"));
  EXPECT_STREQ(checks["_node_maintenance"]["Name"].GetString(), "Node Maintenance Mode");
  EXPECT_STREQ(checks["_node_maintenance"]["Notes"].GetString(),
               "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.");
  auto local = get("/v1/agent/health/service/name/web");
  EXPECT_EQ(local.status, 503);
  EXPECT_STREQ(json(local)[0]["AggregatedStatus"].GetString(), "maintenance");
  ASSERT_EQ(put("/v1/agent/maintenance?enable=false").status, 200);
  EXPECT_EQ(json(get("/v1/health/service/web?passing")).Size(), 1u);
  EXPECT_EQ(put("/v1/agent/maintenance").status, 400);
}

TEST_F(AgentApi, StandaloneTtlChecksRegisterPassAndDeregister) {
  ASSERT_EQ(put("/v1/agent/check/register", R"({"name":"mem","ttl":"10s","notes":"n"})").status, 200);
  auto checks = json(get("/v1/agent/checks"));
  EXPECT_STREQ(checks["mem"]["Name"].GetString(), "mem");  // ID defaults to the name
  EXPECT_STREQ(checks["mem"]["Status"].GetString(), "critical");
  EXPECT_STREQ(checks["mem"]["ServiceID"].GetString(), "");
  ASSERT_EQ(get("/v1/agent/check/pass/mem").status, 200);
  EXPECT_STREQ(json(get("/v1/agent/checks"))["mem"]["Status"].GetString(), "passing");
  // A node-level check decides every instance's health.
  register_service(R"({"Name":"web"})");
  EXPECT_EQ(json(get("/v1/health/service/web"))[0]["Checks"].Size(), 2u);  // serfHealth + mem
  // Bound to a service; unknown service is 404.
  ASSERT_EQ(put("/v1/agent/check/register", R"({"Name":"disk","ID":"d1","ServiceID":"web","TTL":"5s"})").status, 200);
  EXPECT_STREQ(json(get("/v1/agent/checks"))["d1"]["ServiceName"].GetString(), "web");
  auto r = put("/v1/agent/check/register", R"({"Name":"x","serviceid":"nope","ttl":"5s"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "ServiceID \"nope\" does not exist\n");
  EXPECT_EQ(put("/v1/agent/check/register", R"({"TTL":"5s"})").body, "Missing check name\n");
  EXPECT_NE(put("/v1/agent/check/register", R"({"Name":"h","UDP":"x:1","Interval":"5s"})")
                .body.find("UDP checks are not supported"), std::string::npos);
  EXPECT_NE(put("/v1/agent/check/register", R"({"Name":"h","TTL":"0s"})").status, 200);
  // Deregister: PUT and legacy GET; unknown and serfHealth are 404.
  ASSERT_EQ(get("/v1/agent/check/deregister/mem").status, 200);
  ASSERT_EQ(put("/v1/agent/check/deregister/d1").status, 200);
  EXPECT_EQ(put("/v1/agent/check/deregister/mem").status, 404);
  EXPECT_EQ(put("/v1/agent/check/deregister/serfHealth").status, 404);
  EXPECT_EQ(json(get("/v1/agent/checks")).MemberCount(), 0u);
}

TEST_F(AgentApi, LocalServiceHealthCarriesTheAggregateInTheStatusCode) {
  register_service(R"({"Name":"web","ID":"w1","Check":{"TTL":"10s","Status":"passing"}})");
  register_service(R"({"Name":"web","ID":"w2","Check":{"TTL":"10s","Status":"passing"}})");
  auto one = get("/v1/agent/health/service/id/w1");
  EXPECT_EQ(one.status, 200);
  auto body = json(one);
  EXPECT_STREQ(body["AggregatedStatus"].GetString(), "passing");
  EXPECT_STREQ(body["Service"]["ID"].GetString(), "w1");
  EXPECT_EQ(body["Checks"].Size(), 1u);  // no serfHealth: it is the catalog's
  ASSERT_EQ(put("/v1/agent/check/warn/service:w2").status, 200);
  EXPECT_EQ(get("/v1/agent/health/service/id/w2").status, 429);
  auto by_name = get("/v1/agent/health/service/name/web");
  EXPECT_EQ(by_name.status, 429);  // the worst wins
  EXPECT_EQ(json(by_name).Size(), 2u);
  ASSERT_EQ(put("/v1/agent/check/fail/service:w1").status, 200);
  auto text = get("/v1/agent/health/service/name/web?format=text");
  EXPECT_EQ(text.status, 503);
  EXPECT_EQ(text.body, "critical\n");
  EXPECT_EQ(call(Method::Get, "/v1/agent/health/service/id/w2", "", {{"accept", "text/plain"}}).body, "warning\n");
  EXPECT_EQ(get("/v1/agent/health/service/id/nope").status, 404);
  EXPECT_EQ(get("/v1/agent/health/service/name/nope?format=text").body, "ServiceName nope Not Found\n");
}

TEST_F(AgentApi, MembersIsThisAgentAlone) {
  auto members = json(get("/v1/agent/members?segment=_all"));
  ASSERT_EQ(members.Size(), 1u);
  EXPECT_STREQ(members[0]["Name"].GetString(), "node1");
  EXPECT_STREQ(members[0]["Addr"].GetString(), "10.0.0.1");
  EXPECT_EQ(members[0]["Status"].GetInt(), 1);
  EXPECT_STREQ(members[0]["Tags"]["role"].GetString(), "node");
  EXPECT_STREQ(members[0]["Tags"]["dc"].GetString(), "dc1");
  EXPECT_EQ(json(get("/v1/agent/members?wan=1")).Size(), 0u);
  EXPECT_EQ(get("/v1/agent/members?wan=1&segment=_all").body, "Cannot provide a segment with wan=true\n");
}

TEST_F(AgentApi, JoinAndForceLeaveWithoutGossipAre500AndLeaveAsksTheAgentToStop) {
  for (auto [m, path] : {std::pair{Method::Put, "/v1/agent/join/10.0.0.2"}, {Method::Get, "/v1/agent/join/10.0.0.2"},
                         {Method::Get, "/v1/agent/force-leave/n2"}}) {
    auto r = call(m, path);
    EXPECT_EQ(r.status, 500) << path;
    EXPECT_NE(r.body.find("Gossip is not running"), std::string::npos) << r.body;
  }
  EXPECT_EQ(leaves, 0);
  EXPECT_EQ(put("/v1/agent/leave").status, 200);
  EXPECT_EQ(leaves, 1);
  EXPECT_EQ(get("/v1/agent/leave").status, 405);
}

TEST_F(AgentApi, AgentServicesFilter) {
  register_service(R"({"Name":"web","Tags":["v1"],"Meta":{"env":"prod"}})");
  register_service(R"({"Name":"db","Tags":["v2"]})");
  auto only = json(get("/v1/agent/services?filter=" "Meta.env%20%3D%3D%20prod"));
  EXPECT_EQ(only.MemberCount(), 1u);
  EXPECT_TRUE(only.HasMember("web"));
  EXPECT_EQ(json(get("/v1/agent/services?filter=Tags%20contains%20v2")).MemberCount(), 1u);
  auto bad = get("/v1/agent/services?filter=Service.Tags%20contains%20v2");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unknown selector \"Service.Tags\""), std::string::npos);
}

TEST_F(AgentApi, TagNodeMetaAndFilterOnCatalogAndHealth) {
  register_service(R"({"Name":"web","ID":"a","Tags":["v1","primary"]})");
  register_service(R"({"Name":"web","ID":"b","Tags":["v1"]})");
  ASSERT_EQ(put("/v1/catalog/register",
                R"({"Node":"ext","Address":"10.9.9.9","NodeMeta":{"rack":"r2"},"Service":{"Service":"web","ID":"c","Tags":["v1","primary"]}})")
                .status, 200);
  EXPECT_EQ(json(get("/v1/health/service/web?tag=v1&tag=primary")).Size(), 2u);  // every tag must match
  EXPECT_EQ(json(get("/v1/catalog/service/web?tag=V1&tag=PRIMARY")).Size(), 2u);
  EXPECT_EQ(json(get("/v1/catalog/service/web?node-meta=rack:r2")).Size(), 1u);
  EXPECT_EQ(json(get("/v1/catalog/nodes?node-meta=rack:r2")).Size(), 1u);
  EXPECT_EQ(json(get("/v1/health/service/web?node-meta=rack:r1")).Size(), 0u);
  EXPECT_EQ(json(get("/v1/health/service/web?filter=Node.Node%20%3D%3D%20ext")).Size(), 1u);
  EXPECT_EQ(json(get("/v1/catalog/service/web?filter=ServiceID%20%3D%3D%20b")).Size(), 1u);
  EXPECT_EQ(json(get("/v1/catalog/services?filter=NodeMeta.rack%20%3D%3D%20r9")).MemberCount(), 0u);
  EXPECT_EQ(json(get("/v1/catalog/services?node-meta=rack:r2")).MemberCount(), 1u);
  EXPECT_EQ(json(get("/v1/health/state/any?filter=Status%20%3D%3D%20passing")).Size(), 1u);  // serfHealth
  EXPECT_EQ(get("/v1/health/service/web?filter=Nope%20%3D%3D%201").status, 400);
}

TEST_F(AgentApi, ConsistencyModesAndTokens) {
  EXPECT_EQ(get("/v1/catalog/nodes?cached&consistent").status, 400);
  EXPECT_EQ(header(get("/v1/catalog/nodes?cached"), "X-Cache"), "MISS");
  EXPECT_EQ(header(get("/v1/catalog/nodes?consistent"), "X-Consul-Effective-Consistency"), "consistent");
  EXPECT_EQ(header(get("/v1/catalog/nodes?stale"), "X-Consul-Effective-Consistency"), "stale");
  // Tokens are accepted (and ignored) wherever they come from.
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?token=abc", "", {{"x-consul-token", "def"}}).status, 200);
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes", "", {{"authorization", "Bearer xyz"}}).status, 200);
}

}  // namespace roster::http
