// The whole API driven through Api::handle with a real Registry: no sockets.
#include "api_fixture.hpp"

namespace roster::http {
namespace {

using ApiTest = ApiFixture;

}  // namespace

TEST_F(ApiTest, RegisterPassAndReadBack) {
  auto r = call(Method::Put, "/v1/agent/service/register",
                R"({"Name":"web","ID":"web1","Port":80,"Tags":["v1"],"Check":{"TTL":"10s"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.empty());

  auto services = json(call(Method::Get, "/v1/agent/services"));
  ASSERT_TRUE(services.HasMember("web1"));
  EXPECT_STREQ(services["web1"]["Service"].GetString(), "web");
  EXPECT_STREQ(services["web1"]["Datacenter"].GetString(), "dc1");
  EXPECT_EQ(services["web1"]["Weights"]["Passing"].GetInt(), 1);

  EXPECT_EQ(json(call(Method::Get, "/v1/health/service/web?passing")).Size(), 0u);
  ASSERT_EQ(call(Method::Get, "/v1/agent/check/pass/service:web1?note=fine").status, 200);
  auto health = json(call(Method::Get, "/v1/health/service/web?passing=true"));
  ASSERT_EQ(health.Size(), 1u);
  EXPECT_STREQ(health[0]["Node"]["Node"].GetString(), "node1");
  EXPECT_EQ(health[0]["Checks"].Size(), 2u);  // serfHealth + the service check

  auto checks = json(call(Method::Get, "/v1/agent/checks"));
  EXPECT_FALSE(checks.HasMember("serfHealth"));
  EXPECT_STREQ(checks["service:web1"]["Output"].GetString(), "fine");
  EXPECT_STREQ(checks["service:web1"]["Type"].GetString(), "ttl");
}

TEST_F(ApiTest, TaggedAddressesAreKeptAndTheLanWanOnesAdded) {
  auto r = call(Method::Put, "/v1/agent/service/register",
                R"({"Name":"web","ID":"web1","Address":"10.0.0.5","Port":80,
                    "TaggedAddresses":{"wan_ipv4":{"Address":"198.51.100.7","Port":8080},
                                       "virtual":{"Address":"10.9.9.9","Port":443}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto services = json(call(Method::Get, "/v1/agent/services"));
  const auto& tagged = services["web1"]["TaggedAddresses"];
  EXPECT_STREQ(tagged["wan_ipv4"]["Address"].GetString(), "198.51.100.7");  // as registered
  EXPECT_EQ(tagged["wan_ipv4"]["Port"].GetInt(), 8080);
  EXPECT_STREQ(tagged["virtual"]["Address"].GetString(), "10.9.9.9");
  EXPECT_STREQ(tagged["lan_ipv4"]["Address"].GetString(), "10.0.0.5");     // added from Address
  EXPECT_EQ(tagged["lan_ipv4"]["Port"].GetInt(), 80);
  auto catalog = json(call(Method::Get, "/v1/catalog/service/web"));
  ASSERT_EQ(catalog.Size(), 1u);
  EXPECT_STREQ(catalog[0]["ServiceTaggedAddresses"]["virtual"]["Address"].GetString(), "10.9.9.9");
  // The snake_case alias, without an Address of its own.
  r = call(Method::Put, "/v1/agent/service/register",
           R"({"Name":"db","Port":5432,"tagged_addresses":{"lan":{"address":"10.1.1.1","port":5432}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  services = json(call(Method::Get, "/v1/agent/services"));
  ASSERT_TRUE(services["db"].HasMember("TaggedAddresses"));
  EXPECT_STREQ(services["db"]["TaggedAddresses"]["lan"]["Address"].GetString(), "10.1.1.1");
  EXPECT_FALSE(services["db"]["TaggedAddresses"].HasMember("lan_ipv4"));
  // A wrong type is a 400 naming the field.
  r = call(Method::Put, "/v1/agent/service/register",
           R"({"Name":"bad","TaggedAddresses":{"lan":{"Port":"eighty"}}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("TaggedAddresses.lan.Port"), std::string::npos) << r.body;
}

TEST_F(ApiTest, ReadsCarryAnIndexThatIsNeverZeroAndGrows) {
  auto before = call(Method::Get, "/v1/catalog/services");
  const auto i1 = std::stoull(header(before, "X-Consul-Index"));
  EXPECT_GE(i1, 1u);
  EXPECT_EQ(header(before, "X-Consul-KnownLeader"), "true");
  EXPECT_EQ(header(before, "X-Consul-LastContact"), "0");
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register", R"({"Name":"web"})").status, 200);
  const auto i2 = std::stoull(header(call(Method::Get, "/v1/catalog/services"), "X-Consul-Index"));
  EXPECT_GT(i2, i1);
  // Errors on reads carry it too (python-consul reads it unconditionally).
  EXPECT_FALSE(header(call(Method::Get, "/v1/nope"), "X-Consul-Index").empty());
}

TEST_F(ApiTest, CatalogShapes) {
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register",
                 R"({"Name":"web","ID":"a","Tags":["x"],"Address":"10.0.0.9","Port":1})").status, 200);
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register", R"({"Name":"web","ID":"b","Tags":["y"]})").status, 200);
  auto services = json(call(Method::Get, "/v1/catalog/services"));
  EXPECT_EQ(services["web"].Size(), 2u);
  auto tagged = json(call(Method::Get, "/v1/catalog/service/web?tag=X"));
  ASSERT_EQ(tagged.Size(), 1u);
  EXPECT_STREQ(tagged[0]["ServiceAddress"].GetString(), "10.0.0.9");
  EXPECT_STREQ(tagged[0]["ServiceTaggedAddresses"]["lan_ipv4"]["Address"].GetString(), "10.0.0.9");
  EXPECT_EQ(json(call(Method::Get, "/v1/catalog/service/none")).Size(), 0u);
  auto node = json(call(Method::Get, "/v1/catalog/node/node1"));
  EXPECT_EQ(node["Services"].MemberCount(), 2u);
  EXPECT_TRUE(json(call(Method::Get, "/v1/catalog/node/unknown")).IsNull());
  EXPECT_STREQ(json(call(Method::Get, "/v1/catalog/datacenters"))[0].GetString(), "dc1");
  EXPECT_STREQ(json(call(Method::Get, "/v1/status/leader")).GetString(), "10.0.0.1:8300");
}

TEST_F(ApiTest, HealthChecksByServiceNodeAndState) {
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register", R"({"Name":"web","Check":{"TTL":"5s"}})").status, 200);
  EXPECT_EQ(json(call(Method::Get, "/v1/health/checks/web")).Size(), 1u);
  EXPECT_EQ(json(call(Method::Get, "/v1/health/node/node1")).Size(), 2u);
  EXPECT_EQ(json(call(Method::Get, "/v1/health/state/critical")).Size(), 1u);
  EXPECT_EQ(json(call(Method::Get, "/v1/health/state/passing")).Size(), 1u);
  EXPECT_EQ(json(call(Method::Get, "/v1/health/state/any")).Size(), 2u);
  EXPECT_EQ(call(Method::Get, "/v1/health/state/").status, 400);
}

TEST_F(ApiTest, SelfHasWhatPrometheusAndConsulTemplateRead) {
  auto self = json(call(Method::Get, "/v1/agent/self"));
  EXPECT_STREQ(self["Config"]["Datacenter"].GetString(), "dc1");
  EXPECT_STREQ(self["Config"]["NodeName"].GetString(), "node1");
  EXPECT_EQ(self["Member"]["Status"].GetInt(), 1);
}

TEST_F(ApiTest, CompatibilityDecisions) {
  // GET on legacy write endpoints (python-consul 0.7.1).
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register", R"({"Name":"web","Check":{"TTL":"5s"}})").status, 200);
  EXPECT_EQ(call(Method::Get, "/v1/agent/check/warn/service:web").status, 200);
  EXPECT_EQ(call(Method::Get, "/v1/agent/service/deregister/web").status, 200);
  // Unknown check on pass: 500 with the legacy text (ianitor re-registers on 5xx).
  auto r = call(Method::Put, "/v1/agent/check/pass/service:web");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "CheckID \"service:web\" does not have associated TTL\n");
  // Unknown service on deregister: 404 as modern Consul.
  EXPECT_EQ(call(Method::Put, "/v1/agent/service/deregister/web").status, 404);
  // KV is not there yet: a clear 501.
  EXPECT_EQ(call(Method::Get, "/v1/kv/a").status, 501);
  EXPECT_EQ(call(Method::Get, "/v1/kv/a").body, "The KV store is not supported by this agent yet\n");
  r = call(Method::Put, "/v1/event/fire/deploy");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.body, "User events is not supported by this agent yet\n");
}

TEST_F(ApiTest, AgentServiceByIdAnswersTheDefinitionOr404) {
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register",
                 R"({"Name":"web","ID":"web1","Port":80,"Tags":["v1"],"Meta":{"k":"v"}})").status, 200);
  auto r = call(Method::Get, "/v1/agent/service/web1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto svc = json(r);
  EXPECT_STREQ(svc["ID"].GetString(), "web1");
  EXPECT_STREQ(svc["Service"].GetString(), "web");
  EXPECT_EQ(svc["Port"].GetInt(), 80);
  EXPECT_STREQ(svc["Tags"][0].GetString(), "v1");
  EXPECT_STREQ(svc["Meta"]["k"].GetString(), "v");
  EXPECT_TRUE(svc.HasMember("ContentHash"));
  EXPECT_EQ(call(Method::Get, "/v1/agent/service/nope").status, 404);
}

TEST_F(ApiTest, ReadOptionErrors) {
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?dc=dc2").status, 500);
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?dc=dc1").status, 200);
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?stale&consistent").status, 400);
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?stale&consistent").body,
            "Cannot specify ?stale with ?consistent, conflicting semantics.\n");
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?cached&consistent").body,
            "Cannot specify ?cached with ?consistent, conflicting semantics.\n");
  EXPECT_EQ(call(Method::Get, "/v1/catalog/nodes?dc=dc2").body, "No path to datacenter\n");
  EXPECT_EQ(call(Method::Get, "/v1/health/service/web?passing=maybe").status, 400);
  auto pretty = call(Method::Get, "/v1/catalog/datacenters?pretty");
  EXPECT_NE(pretty.body.find('\n'), std::string::npos);
}

TEST_F(ApiTest, CheckUpdateValidatesTheStatus) {
  ASSERT_EQ(call(Method::Put, "/v1/agent/service/register", R"({"Name":"web","Check":{"TTL":"5s"}})").status, 200);
  EXPECT_EQ(call(Method::Put, "/v1/agent/check/update/service:web", R"({"Status":"passing","Output":"o"})").status, 200);
  auto bad = call(Method::Put, "/v1/agent/check/update/service:web", R"({"Status":"great"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "Invalid check status: 'great'\n");
}

TEST_F(ApiTest, UnsupportedCheckKindsAreRefusedClearly) {
  auto r = call(Method::Put, "/v1/agent/service/register",
                R"({"Name":"web","Check":{"GRPC":"127.0.0.1:9","Interval":"10s"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("GRPC checks are not supported"), std::string::npos);
  EXPECT_EQ(json(call(Method::Get, "/v1/agent/services")).MemberCount(), 0u);
}

}  // namespace roster::http
