// /v1/operator/keyring through the router with a real registry: Consul's
// shapes, methods and error statuses.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "fakes/manual_clock.hpp"
#include "http/handlers/keyring.hpp"
#include "http/json/keyring_json.hpp"

namespace roster::http {
namespace {

using gossip::crypto::Key;
using gossip::crypto::Keyring;
using gossip::crypto::KeyringService;
using gossip::crypto::KeyringStore;

const std::string kOld = "HD5Y61iE+neTxd1n6TnXhCPViPIUq5QpWq8WW8012XA=";
const std::string kNew = "r+pUD3yH8bZVHxPrBwmI2g==";

class KeyringApi : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id-1", "10.0.0.1", "dc1", {}}, clock.now()};
  ApiContext ctx{reg, clock, AgentInfo{"node1", "id-1", "dc1", "10.0.0.1", "0.1.0", "abc"}};
  std::shared_ptr<KeyringStore> store =
      std::make_shared<KeyringStore>(*Keyring::from_keys({*Key::parse(kOld)}));
  std::unique_ptr<Router> router = make(std::make_shared<KeyringService>(store, "dc1"));

  std::unique_ptr<Router> make(std::shared_ptr<KeyringService> svc) {
    std::vector<Route> routes;
    handlers::add_keyring_routes(routes, ctx, std::move(svc));
    return std::make_unique<Router>(std::move(routes));
  }

  Response call(Method m, std::string body = "", const std::string& path = "/v1/operator/keyring") {
    Request r;
    r.method = m;
    r.method_text = std::string(to_string(m));
    r.path = path;
    r.body = std::move(body);
    return router->dispatch(r);
  }
  static std::string key_body(const std::string& k) { return "{\"Key\":\"" + k + "\"}"; }
};

TEST_F(KeyringApi, ListHasConsulsShape) {
  const Response r = call(Method::Get);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "[{\"WAN\":false,\"Datacenter\":\"dc1\",\"Segment\":\"\",\"Keys\":{\"" + kOld +
                        "\":1},\"PrimaryKeys\":{\"" + kOld + "\":1},\"NumNodes\":1}]");
}

TEST_F(KeyringApi, InstallUseRemoveRotation) {
  EXPECT_EQ(call(Method::Post, key_body(kNew)).status, 200);
  EXPECT_EQ(store->snapshot()->size(), 2u);
  EXPECT_EQ(call(Method::Put, key_body(kNew)).status, 200);
  EXPECT_EQ(store->snapshot()->primary()->to_base64(), kNew);
  EXPECT_EQ(call(Method::Delete, key_body(kOld)).status, 200);

  rapidjson::Document d;
  const Response r = call(Method::Get);
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsArray());
  EXPECT_EQ(d[0]["Keys"].MemberCount(), 1u);
  EXPECT_TRUE(d[0]["PrimaryKeys"].HasMember(kNew.c_str()));
}

TEST_F(KeyringApi, ErrorsMapAsConsul) {
  const Response primary = call(Method::Delete, key_body(kOld));
  EXPECT_EQ(primary.status, 500);
  EXPECT_NE(primary.body.find("removing the primary key is not allowed"), std::string::npos);
  EXPECT_EQ(call(Method::Put, key_body(kNew)).status, 500);  // not installed
  const Response bad_key = call(Method::Post, key_body("AAAA"));
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_NE(bad_key.body.find("invalid gossip key: it is 3 bytes"), std::string::npos);
  EXPECT_EQ(call(Method::Post, "").status, 400);
  EXPECT_EQ(call(Method::Post, "{\"Key\": 5}").status, 400);
  EXPECT_EQ(call(Method::Post, "{}").status, 400);
  EXPECT_EQ(call(Method::Post, "[1]").status, 400);
  EXPECT_EQ(call(Method::Post, "{\"key\":\"" + kNew + "\"}").status, 200);  // Go matches keys ignoring case
}

TEST_F(KeyringApi, EncryptionOffIsA500SayingSo) {
  router = make(std::make_shared<KeyringService>(std::make_shared<KeyringStore>(), "dc1"));
  const Response r = call(Method::Get);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("gossip encryption is not enabled"), std::string::npos);
  EXPECT_EQ(call(Method::Post, key_body(kNew)).status, 500);
  router = make(nullptr);
  EXPECT_EQ(call(Method::Get).status, 500);
}

TEST(KeyringJson, MessagesOnlyWhenPresent) {
  gossip::crypto::KeyringPool p;
  p.datacenter = "dc2";
  p.num_nodes = 3;
  p.keys["k"] = 2;
  p.messages["node3"] = "no reply";
  const std::string text =
      json::to_json([&](json::JsonOut& w) { json::write_keyring_pools(w, {p}); }, false);
  EXPECT_EQ(text,
            "[{\"WAN\":false,\"Datacenter\":\"dc2\",\"Segment\":\"\",\"Messages\":{\"node3\":\"no reply\"},"
            "\"Keys\":{\"k\":2},\"PrimaryKeys\":{},\"NumNodes\":3}]");
}

}  // namespace
}  // namespace roster::http
