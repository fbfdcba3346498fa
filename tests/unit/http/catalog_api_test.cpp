// PUT /v1/catalog/register and /deregister through Api::handle.
#include "api_fixture.hpp"

namespace roster::http {
namespace {
class CatalogApi : public ApiFixture {};
}  // namespace

TEST_F(CatalogApi, RegisterWritesANodeWithItsServiceAndChecksAnswersTrue) {
  auto r = put("/v1/catalog/register",
               R"({"node":"ext1","address":"10.1.1.1","datacenter":"dc1","NodeMeta":{"rack":"r1"},
                   "service":{"Service":"redis","Port":6379,"Tags":["primary"],"Meta":{"v":"7"}},
                   "check":{"Node":"ext1","CheckID":"service:redis","Name":"Redis alive","Status":"passing","ServiceID":"redis"},
                   "WriteRequest":{"Token":"t"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "true");
  auto nodes = json(get("/v1/catalog/nodes"));
  ASSERT_EQ(nodes.Size(), 2u);
  auto node = json(get("/v1/catalog/node/ext1"));
  EXPECT_STREQ(node["Node"]["Address"].GetString(), "10.1.1.1");
  EXPECT_STREQ(node["Node"]["Meta"]["rack"].GetString(), "r1");
  EXPECT_STREQ(node["Services"]["redis"]["Service"].GetString(), "redis");  // ID defaults to the name
  auto health = json(get("/v1/health/service/redis?passing"));
  ASSERT_EQ(health.Size(), 1u);
  ASSERT_EQ(health[0]["Checks"].Size(), 1u);  // no serfHealth on catalog nodes
  EXPECT_STREQ(health[0]["Checks"][0]["ServiceName"].GetString(), "redis");
  EXPECT_STREQ(health[0]["Checks"][0]["Type"].GetString(), "");
  EXPECT_EQ(json(get("/v1/health/node/ext1")).Size(), 1u);
  // Not the agent's: /v1/agent/services does not list it.
  EXPECT_EQ(json(get("/v1/agent/services")).MemberCount(), 0u);
}

TEST_F(CatalogApi, ChecksDefaultToCriticalAndAnIdenticalWriteChangesNothing) {
  const std::string body = R"({"Node":"n2","Address":"10.2.2.2","Service":{"Service":"api","ID":"api1"},
                               "Checks":[{"CheckID":"c1","Name":"c1","ServiceID":"api1"}]})";
  ASSERT_EQ(put("/v1/catalog/register", body).status, 200);
  EXPECT_EQ(json(get("/v1/health/service/api?passing")).Size(), 0u);
  EXPECT_STREQ(json(get("/v1/health/checks/api"))[0]["Status"].GetString(), "critical");
  const auto i = index_of(get("/v1/catalog/nodes"));
  const auto g = index_of(get("/v1/agent/self"));
  ASSERT_EQ(put("/v1/catalog/register", body).status, 200);
  EXPECT_EQ(index_of(get("/v1/agent/self")), g);
  EXPECT_EQ(index_of(get("/v1/catalog/nodes")), i);
}

TEST_F(CatalogApi, DeregisterAServiceACheckOrTheWholeNode) {
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"n2","Address":"10.2.2.2","Service":{"Service":"a"}})").status, 200);
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"n2","Address":"10.2.2.2","Service":{"Service":"b"},
                                            "Check":{"CheckID":"cb","Name":"cb","ServiceID":"b"}})").status, 200);
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"n2","Address":"10.2.2.2","Check":{"CheckID":"node-ok","Name":"ok","Status":"passing"}})").status, 200);
  EXPECT_EQ(json(get("/v1/catalog/node/n2"))["Services"].MemberCount(), 2u);
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"n2","ServiceID":"b"})").body, "true");
  EXPECT_EQ(json(get("/v1/catalog/node/n2"))["Services"].MemberCount(), 1u);
  EXPECT_EQ(json(get("/v1/health/node/n2")).Size(), 1u);  // cb went with b
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"node":"n2","checkid":"node-ok"})").body, "true");
  EXPECT_EQ(json(get("/v1/health/node/n2")).Size(), 0u);
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"n2"})").body, "true");
  EXPECT_TRUE(json(get("/v1/catalog/node/n2")).IsNull());
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"gone"})").body, "true");  // nothing there: still true
}

TEST_F(CatalogApi, TheAgentsOwnNodeIsReassertedAtOnce) {
  register_service(R"({"Name":"web"})");
  const auto i = index_of(get("/v1/agent/self"));
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Node":"node1","ServiceID":"web"})").body, "true");
  EXPECT_EQ(put("/v1/catalog/register", R"({"Node":"NODE1","Address":"10.0.0.99","Service":{"Service":"x"}})").body, "true");
  EXPECT_EQ(index_of(get("/v1/agent/self")), i);
  EXPECT_EQ(json(get("/v1/catalog/node/node1"))["Services"].MemberCount(), 1u);
  EXPECT_STREQ(json(get("/v1/catalog/node/node1"))["Node"]["Address"].GetString(), "10.0.0.1");
}

TEST_F(CatalogApi, BadWritesAre400AndChangeNothing) {
  const auto before = reg.snapshot();
  struct Case { const char* body; const char* contains; };
  const Case cases[] = {
      {R"({"Address":"10.0.0.5"})", "Must provide node"},
      {R"({"Node":"x"})", "Must provide address"},
      {R"({"Node":"x","Address":"0.0.0.0"})", "Invalid node address"},
      {R"({"Node":"x","Address":"10.0.0.5","Service":{"Port":1}})", "Missing service name"},
      {R"({"Node":"x","Address":"10.0.0.5","Service":{"Service":"s","Port":-1}})", "Invalid service port"},
      {R"({"Node":"x","Address":"10.0.0.5","Service":{"Service":"s","Port":"80"}})", "\"Service.Port\""},
      {R"({"Node":"x","Address":"10.0.0.5","NodeMeta":{"consul-x":"1"}})", "Invalid NodeMeta"},
      {R"({"Node":"x","Address":"10.0.0.5","Check":{"Name":"c","Status":"bad"}})", "Invalid check status"},
      {R"({"Node":"x","Address":"10.0.0.5","Check":{"Name":"c","Node":"y"}})", "does not match"},
      {R"({"Node":"x","Address":"10.0.0.5","Check":{"Name":"c","ServiceID":"nope"}})", "is not registered"},
      {R"({"Node":"x","Address":"10.0.0.5",)", "Request decode failed"},
      {R"([1])", "must be a JSON object"},
  };
  for (const auto& c : cases) {
    auto r = put("/v1/catalog/register", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_NE(r.body.find(c.contains), std::string::npos) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(put("/v1/catalog/register", R"({"Node":"x","Address":"10.0.0.5","Datacenter":"dc9"})").status, 500);
  EXPECT_EQ(put("/v1/catalog/deregister", R"({"Datacenter":"dc1"})").status, 400);
  EXPECT_EQ(reg.snapshot(), before);
}

}  // namespace roster::http
