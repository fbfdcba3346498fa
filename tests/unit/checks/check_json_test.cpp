// Check definitions decoded from Consul's JSON and encoded back
// (http/json/service_json.cpp, http/json/encode.cpp).
#include <gtest/gtest.h>

#include "http/json/encode.hpp"
#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"

using namespace std::chrono_literals;

namespace roster::http::json {
namespace {

Result<registry::CheckDefinition> check(const std::string& body) {
  auto doc = parse_body(body);
  EXPECT_TRUE(doc);
  return decode_check(*doc, "");
}

}  // namespace

TEST(CheckJson, HttpFields) {
  auto r = check(R"({"Name":"h","HTTP":"https://10.0.0.1/x","Method":"POST","Header":{"A":["1","2"],"B":"3"},
                     "Body":"{}","TLSSkipVerify":true,"TLSServerName":"svc","Interval":"5s","Timeout":"2s",
                     "SuccessBeforePassing":2,"FailuresBeforeWarning":1,"FailuresBeforeCritical":3,
                     "DeregisterCriticalServiceAfter":"1m","OutputMaxSize":100,"Status":"warning"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, registry::CheckKind::Http);
  EXPECT_EQ(r->type(), registry::CheckType::Http);
  const auto& s = r->spec;
  EXPECT_EQ(s.http, "https://10.0.0.1/x");
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.header.at("A"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(s.header.at("B"), (std::vector<std::string>{"3"}));
  EXPECT_EQ(s.body, "{}");
  EXPECT_TRUE(s.tls_skip_verify);
  EXPECT_EQ(s.tls_server_name, "svc");
  EXPECT_EQ(s.interval, 5s);
  EXPECT_EQ(s.timeout, 2s);
  EXPECT_EQ(s.success_before_passing, 2);
  EXPECT_EQ(s.failures_before_warning, 1);
  EXPECT_EQ(s.failures_before_critical, 3);
  EXPECT_EQ(s.deregister_critical_after, 1min);
  EXPECT_EQ(s.output_max_size, 100);
  EXPECT_EQ(r->status, registry::HealthStatus::Warning);
}

TEST(CheckJson, ConfigFileSpellings) {
  auto r = check(R"({"name":"s","args":["/bin/check","-q"],"interval":"10s","success_before_passing":2,
                     "failures_before_critical":4,"deregister_critical_service_after":"90s","tls_skip_verify":false})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, registry::CheckKind::Script);
  EXPECT_EQ(r->spec.args, (std::vector<std::string>{"/bin/check", "-q"}));
  EXPECT_EQ(r->spec.success_before_passing, 2);
  EXPECT_EQ(r->spec.failures_before_critical, 4);
  EXPECT_EQ(r->spec.deregister_critical_after, 90s);
  auto s = check(R"({"Name":"s","ScriptArgs":["/bin/true"],"Interval":"1s"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->spec.args, (std::vector<std::string>{"/bin/true"}));
  auto t = check(R"({"Name":"t","tcp":"db:5432","interval":"1s"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->spec.tcp, "db:5432");
}

TEST(CheckJson, BadInputIsOneLineErrors) {
  struct Case {
    const char* body;
    const char* expect;
  };
  for (const auto& c : {Case{R"({"Name":"x","TCP":"a:1","Interval":"-5s"})", "Interval must not be negative"},
                        Case{R"({"Name":"x","TCP":"a:1","Interval":"soon"})", "must be a duration"},
                        Case{R"({"Name":"x","TCP":"a:1","Interval":"1s","Timeout":"-1s"})", "Timeout must not be negative"},
                        Case{R"({"Name":"x","Header":{"A":[1]},"HTTP":"http://a/","Interval":"1s"})", "Header"},
                        Case{R"({"Name":"x","Header":"A: b","HTTP":"http://a/","Interval":"1s"})", "Header"},
                        Case{R"({"Name":"x","Args":"/bin/true","Interval":"1s"})", "Args"},
                        Case{R"({"Name":"x","TTL":"1s","Type":"magic"})", "unknown check type \"magic\""},
                        Case{R"({"Name":"x","TTL":"1s","Type":"http"})", "does not match"},
                        Case{R"({"Name":"x","SuccessBeforePassing":"2","TTL":"1s"})", "SuccessBeforePassing"}}) {
    auto r = check(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.body << " -> " << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
}

TEST(CheckJson, UnsupportedKindsAreNamed) {
  for (const char* kind : {"GRPC", "UDP", "H2PING", "DockerContainerID", "AliasService"}) {
    auto r = check(std::string(R"({"Name":"x","Interval":"1s",")") + kind + R"(":"a:1"})");
    ASSERT_TRUE(r);
    auto st = registry::validate_check(*r);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find(std::string(kind) + " checks are not supported"), std::string::npos)
        << st.error().message;
  }
}

TEST(CheckJson, EncodedChecksShowTypeIntervalAndDefinition) {
  registry::Check c;
  c.id = "service:web1";
  c.type = registry::CheckType::Http;
  c.spec.http = "http://a/";
  c.spec.method = "PUT";
  c.spec.header = {{"A", {"1"}}};
  c.spec.interval = 5s;
  c.spec.deregister_critical_after = 1min;
  const std::string text = to_json([&](JsonOut& w) { write_check(w, c, "node1"); }, false);
  EXPECT_NE(text.find(R"("Type":"http","Interval":"5s","Timeout":"5s")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("Definition":{"HTTP":"http://a/","Method":"PUT","Header":{"A":["1"]},"Interval":"5s",)"
                      R"("DeregisterCriticalServiceAfter":"1m0s"})"),
            std::string::npos)
      << text;
  registry::Check t;
  t.type = registry::CheckType::Ttl;
  t.ttl = 10s;
  const std::string ttl = to_json([&](JsonOut& w) { write_check(w, t, "node1"); }, false);
  EXPECT_NE(ttl.find(R"("Type":"ttl","Interval":"","Timeout":"")"), std::string::npos) << ttl;
  EXPECT_NE(ttl.find(R"("Definition":{"TTL":"10s"})"), std::string::npos) << ttl;
}

}  // namespace roster::http::json
