#include "http/json/service_json.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace roster::http::json {

TEST(DecodeService, ReadsConsulsFieldNames) {
  auto r = decode_service_registration(R"({"ID":"web1","Name":"web","Tags":["a","b"],"Address":"10.0.0.5",
      "Port":8080,"Meta":{"k":"v"},"Weights":{"Passing":3,"Warning":1},"EnableTagOverride":true,
      "Check":{"TTL":"15s","Status":"passing","Notes":"n"}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->service.id, "web1");
  EXPECT_EQ(r->service.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->service.port, 8080);
  EXPECT_EQ(r->service.meta.at("k"), "v");
  EXPECT_EQ(r->service.weights.passing, 3);
  EXPECT_TRUE(r->service.enable_tag_override);
  ASSERT_EQ(r->checks.size(), 1u);
  EXPECT_EQ(r->checks[0].ttl, 15s);
  EXPECT_EQ(r->checks[0].status, registry::HealthStatus::Passing);
}

TEST(DecodeService, MatchesKeysCaseInsensitivelyAsPythonConsulSendsThem) {
  auto r = decode_service_registration(
      R"({"name":"web","id":"w","port":1,"tags":["x"],"enabletagoverride":true,"check":{"ttl":"10s"}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->service.name, "web");
  EXPECT_EQ(r->service.id, "w");
  EXPECT_TRUE(r->service.enable_tag_override);
  EXPECT_EQ(r->checks.at(0).ttl, 10s);
}

TEST(DecodeService, AcceptsSnakeCaseAliasesNullsAndNanosecondDurations) {
  auto r = decode_service_registration(
      R"({"Name":"web","enable_tag_override":true,"Tags":null,"Meta":null,"Check":null,
          "Checks":[{"TTL":10000000000,"check_id":"c1"}],"Unknown":{"ignored":1}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->service.enable_tag_override);
  ASSERT_EQ(r->checks.size(), 1u);
  EXPECT_EQ(r->checks[0].ttl, 10s);
  EXPECT_EQ(r->checks[0].id, "c1");
}

TEST(DecodeService, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* expect;
  } cases[] = {
      {"", "Request decode failed: EOF"},
      {"{", "Request decode failed"},
      {"[]", "must be a JSON object"},
      {R"({"Name":"w","Port":"80"})", "\"Port\" must be an integer"},
      {R"({"Name":"w","Tags":"a"})", "\"Tags\""},
      {R"({"Name":"w","Meta":{"k":1}})", "\"Meta\""},
      {R"({"Name":"w","Check":{"TTL":"soon"}})", "\"Check.TTL\""},
      {R"({"Name":"w","Check":{"TTL":"1s","Status":"fine"}})", "Status \"fine\""},
      {R"({"Name":"w","Checks":{}})", "\"Checks\""},
  };
  for (const auto& c : cases) {
    auto r = decode_service_registration(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.body << " -> " << r.error().message;
  }
}

TEST(DecodeCheck, CountsTheCheckKindsNamed) {
  auto r = decode_service_registration(R"({"Name":"w","Check":{"HTTP":"http://x/","Interval":"10s"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checks[0].kind, registry::CheckKind::Http);
  EXPECT_EQ(r->checks[0].kinds_named, 1);
  r = decode_service_registration(R"({"Name":"w","Check":{"TTL":"1s","TCP":"x:1"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checks[0].kinds_named, 2);
}

}  // namespace roster::http::json
