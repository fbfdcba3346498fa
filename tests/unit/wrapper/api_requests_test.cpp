#include "wrapper/api_requests.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(ApiRequests, RegisterSendsNameIdTagsPortAndACriticalTtlCheck) {
  const auto req = register_request({"web", "web-1", {"a", "b\"quoted"}, 8080, 10s, "", {}});
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.target, "/v1/agent/service/register");
  const auto doc = parse_json(req.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["Name"].GetString(), "web");
  EXPECT_STREQ(doc["ID"].GetString(), "web-1");
  ASSERT_TRUE(doc["Tags"].IsArray());
  ASSERT_EQ(doc["Tags"].Size(), 2u);
  EXPECT_STREQ(doc["Tags"][0].GetString(), "a");
  EXPECT_STREQ(doc["Tags"][1].GetString(), "b\"quoted");
  EXPECT_EQ(doc["Port"].GetInt(), 8080);
  ASSERT_TRUE(doc["Check"].IsObject());
  EXPECT_STREQ(doc["Check"]["TTL"].GetString(), "10s");
  EXPECT_FALSE(doc["Check"].HasMember("Status"));  // starts critical until the first pass
  EXPECT_EQ(doc.MemberCount(), 5u);
  EXPECT_EQ(doc["Check"].MemberCount(), 1u);
}

TEST(ApiRequests, RegisterWithoutPortOrTagsSendsEmptyTagsAndNoPort) {
  const auto doc = parse_json(registration_body({"svc", "svc", {}, std::nullopt, 2500ms, "", {}}));
  EXPECT_TRUE(doc["Tags"].IsArray());
  EXPECT_EQ(doc["Tags"].Size(), 0u);
  EXPECT_FALSE(doc.HasMember("Port"));
  EXPECT_STREQ(doc["Check"]["TTL"].GetString(), "2.5s");
}

TEST(ApiRequests, NonAsciiNamesSurviveTheJsonRoundTrip) {
  const auto doc = parse_json(registration_body({"caf\xc3\xa9", "id\n1", {}, 0, 1s, "", {}}));
  EXPECT_STREQ(doc["Name"].GetString(), "caf\xc3\xa9");
  EXPECT_STREQ(doc["ID"].GetString(), "id\n1");
  EXPECT_EQ(doc["Port"].GetInt(), 0);
}

TEST(ApiRequests, TtlIsAGoDurationInSeconds) {
  EXPECT_EQ(format_ttl(10s), "10s");
  EXPECT_EQ(format_ttl(90s), "90s");
  EXPECT_EQ(format_ttl(2500ms), "2.5s");
  EXPECT_EQ(format_ttl(1ms), "0.001s");
  EXPECT_EQ(format_ttl(1050ms), "1.05s");
}

TEST(ApiRequests, CheckIdIsServiceColonId) { EXPECT_EQ(check_id_for("web-1"), "service:web-1"); }

TEST(ApiRequests, PassTargetsTheUrlEncodedCheckId) {
  const auto req = pass_request("service:web 1/x", "");
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.target, "/v1/agent/check/pass/service:web%201%2Fx");
  EXPECT_TRUE(req.body.empty());
  EXPECT_EQ(pass_request("service:web", "pid 7 ok&").target, "/v1/agent/check/pass/service:web?note=pid%207%20ok%26");
}

TEST(ApiRequests, AddressAndMetaAreSentWhenSet) {
  ServiceRegistration reg{"web", "web-1", {}, 80, 10s, "10.0.0.5", {{"version", "1.2"}, {"zone", "a"}}};
  const auto doc = parse_json(registration_body(reg));
  EXPECT_STREQ(doc["Address"].GetString(), "10.0.0.5");
  ASSERT_TRUE(doc["Meta"].IsObject());
  EXPECT_EQ(doc["Meta"].MemberCount(), 2u);
  EXPECT_STREQ(doc["Meta"]["version"].GetString(), "1.2");
  EXPECT_STREQ(doc["Meta"]["zone"].GetString(), "a");
  reg.address.clear();
  reg.meta.clear();
  const auto bare = parse_json(registration_body(reg));
  EXPECT_FALSE(bare.HasMember("Address"));
  EXPECT_FALSE(bare.HasMember("Meta"));
}

TEST(ApiRequests, CheckUpdatesUseThePassWarnFailEndpointsWithANote) {
  EXPECT_EQ(check_update_request("service:web", CheckStatus::Passing, "ok").target,
            "/v1/agent/check/pass/service:web?note=ok");
  EXPECT_EQ(check_update_request("service:web", CheckStatus::Warning, "GET x: HTTP 429").target,
            "/v1/agent/check/warn/service:web?note=GET%20x:%20HTTP%20429");
  const auto fail = check_update_request("service:web", CheckStatus::Critical, "exited with status 3");
  EXPECT_EQ(fail.method, "PUT");
  EXPECT_EQ(fail.target, "/v1/agent/check/fail/service:web?note=exited%20with%20status%203");
  EXPECT_TRUE(fail.body.empty());
  EXPECT_EQ(check_update_request("service:web", CheckStatus::Critical, "").target, "/v1/agent/check/fail/service:web");
}

TEST(ApiRequests, DeregisterTargetsTheServiceId) {
  const auto req = deregister_request("web-1");
  EXPECT_EQ(req.method, "PUT");
  EXPECT_EQ(req.target, "/v1/agent/service/deregister/web-1");
  EXPECT_TRUE(req.body.empty());
  EXPECT_EQ(deregister_request("a/b").target, "/v1/agent/service/deregister/a%2Fb");
}


}  // namespace
}  // namespace roster::wrapper
