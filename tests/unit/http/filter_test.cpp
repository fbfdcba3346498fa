// The go-bexpr subset: grammar, selectors checked against a schema, semantics.
#include "http/filter/filter.hpp"

#include <gtest/gtest.h>

#include "http/filter/records.hpp"

namespace roster::http::filter {
namespace {

registry::Service web() {
  registry::Service s;
  s.id = "web1";
  s.name = "web";
  s.tags = {"v1", "primary"};
  s.meta = {{"version", "1.2"}, {"team-name", "core"}};
  s.port = 8080;
  return s;
}

bool eval(const std::string& expr, const registry::Service& s = web()) {
  auto f = Filter::compile(expr, agent_service_schema());
  EXPECT_TRUE(f) << expr << ": " << (f ? "" : f.error().message);
  return f && f->matches(ServiceRecord(s, "dc1"));
}

std::string error_of(const std::string& expr) {
  auto f = Filter::compile(expr, agent_service_schema());
  EXPECT_FALSE(f) << expr;
  return f ? "" : f.error().message;
}

}  // namespace

TEST(Filter, EqualityOnStringsNumbersAndBools) {
  EXPECT_TRUE(eval(R"(Service == "web")"));
  EXPECT_FALSE(eval(R"(Service == "db")"));
  EXPECT_TRUE(eval(R"(Service != "db")"));
  EXPECT_TRUE(eval("Service == web"));  // bare words are values
  EXPECT_TRUE(eval("Port == 8080"));
  EXPECT_TRUE(eval("Port != 80"));
  EXPECT_TRUE(eval("EnableTagOverride == false"));
}

TEST(Filter, ContainsAndInOnListsStringsAndMaps) {
  EXPECT_TRUE(eval(R"(Tags contains "v1")"));
  EXPECT_FALSE(eval(R"(Tags contains "v2")"));
  EXPECT_TRUE(eval(R"(Tags not contains "v2")"));
  EXPECT_TRUE(eval(R"("primary" in Tags)"));
  EXPECT_TRUE(eval(R"("v9" not in Tags)"));
  EXPECT_TRUE(eval(R"("version" in Meta)"));       // map: key membership
  EXPECT_TRUE(eval(R"(Service contains "we")"));   // string: substring
  EXPECT_TRUE(eval(R"("eb" in Service)"));
}

TEST(Filter, MapValuesBySelectorSegmentOrIndex) {
  EXPECT_TRUE(eval(R"(Meta.version == "1.2")"));
  EXPECT_TRUE(eval(R"(Meta["team-name"] == "core")"));
  EXPECT_TRUE(eval(R"(Meta.team-name == core)"));
  EXPECT_TRUE(eval(R"(Meta.missing == "")"));  // a missing key reads as ""
  EXPECT_TRUE(eval("Meta.missing is empty"));
}

TEST(Filter, EmptinessChecks) {
  EXPECT_TRUE(eval("Tags is not empty"));
  EXPECT_TRUE(eval("Address is empty"));
  registry::Service bare = web();
  bare.tags.clear();
  bare.meta.clear();
  EXPECT_TRUE(eval("Tags is empty and Meta is empty", bare));
}

TEST(Filter, BooleanOperatorsPrecedenceAndParentheses) {
  EXPECT_TRUE(eval(R"(Service == "db" or Service == "web")"));
  EXPECT_FALSE(eval(R"(Service == "db" and Service == "web")"));
  // and binds tighter than or
  EXPECT_TRUE(eval(R"(Service == "web" or Service == "db" and Port == 1)"));
  EXPECT_FALSE(eval(R"((Service == "web" or Service == "db") and Port == 1)"));
  EXPECT_TRUE(eval(R"(not Service == "db")"));
  EXPECT_TRUE(eval(R"(not (Tags contains "v2" or Port == 1))"));
  EXPECT_TRUE(eval(R"(not not Service == "web")"));
}

TEST(Filter, SelectorsAreCaseInsensitiveAndQuotedStringsTakeEscapes) {
  EXPECT_TRUE(eval(R"(service == "web")"));
  registry::Service odd = web();
  odd.name = "we\"b";
  EXPECT_TRUE(eval(R"(Service == "we\"b")", odd));
  EXPECT_TRUE(eval("Service == `we\"b`", odd));
}

TEST(Filter, BadExpressionsNameTheProblem) {
  EXPECT_NE(error_of("Nope == 1").find("unknown selector \"Nope\""), std::string::npos);
  EXPECT_NE(error_of("Port == eighty").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("EnableTagOverride == maybe").find("not true or false"), std::string::npos);
  EXPECT_NE(error_of("Tags == v1").find("is a collection"), std::string::npos);
  EXPECT_NE(error_of("Port contains 8").find("supports only == and !="), std::string::npos);
  EXPECT_NE(error_of(R"(Service == "web)").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("(Service == web").find("expected ')'"), std::string::npos);
  EXPECT_NE(error_of("Service ==").find("expected a value"), std::string::npos);
  EXPECT_NE(error_of("Service").find("expected an operator"), std::string::npos);
  EXPECT_NE(error_of("Service == web and").find("found the end"), std::string::npos);
  EXPECT_NE(error_of("Service == web extra").find("unexpected \"extra\""), std::string::npos);
  EXPECT_NE(error_of(R"(Service matches "w.*")").find("not supported"), std::string::npos);
  EXPECT_NE(error_of("Service ~ web").find("unexpected character '~' at position 9"), std::string::npos);
  EXPECT_NE(error_of("").find("found the end"), std::string::npos);
  EXPECT_EQ(error_of("Nope == 1").rfind("Failed to create boolean expression evaluator: ", 0), 0u);
}

TEST(Filter, ServiceEntrySelectorsReachNodeServiceAndEachCheck) {
  registry::NodeRecord rec;
  rec.node.name = "n1";
  rec.node.address = "10.0.0.1";
  rec.node.meta = {{"rack", "r1"}};
  const registry::Service s = web();
  registry::Check serf, own;
  serf.id = "serfHealth";
  serf.status = registry::HealthStatus::Passing;
  own.id = "service:web1";
  own.status = registry::HealthStatus::Warning;
  const registry::Instance inst{&rec, &s, {&serf, &own}, registry::HealthStatus::Warning};
  auto match = [&](const std::string& expr) {
    auto f = Filter::compile(expr, service_entry_schema());
    EXPECT_TRUE(f) << (f ? "" : f.error().message);
    return f && f->matches(ServiceEntryRecord(inst));
  };
  EXPECT_TRUE(match(R"(Node.Meta.rack == "r1" and Service.Tags contains "v1")"));
  EXPECT_TRUE(match(R"(Service.Service == web and Service.Port == 8080)"));
  EXPECT_TRUE(match(R"(Checks.Status == warning)"));     // any check
  EXPECT_FALSE(match(R"(Checks.Status == critical)"));
  EXPECT_TRUE(match(R"(Checks.Status != critical)"));    // no check
  EXPECT_TRUE(match(R"("serfHealth" in Checks.CheckID)"));
  EXPECT_TRUE(match(R"(Node.TaggedAddresses.lan_ipv4 == "10.0.0.1")"));
  EXPECT_FALSE(Filter::compile("Checks.Nope == x", service_entry_schema()));
}

TEST(Filter, CheckAndNodeSchemas) {
  registry::Check c;
  c.id = "service:web1";
  c.service_name = "web";
  c.service_tags = {"v1"};
  c.status = registry::HealthStatus::Critical;
  const std::string node = "n1";
  auto f = Filter::compile(R"(Status == critical and ServiceTags contains v1 and Node == n1)", check_schema());
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->matches(CheckRecord(c, node)));
  registry::Node n;
  n.name = "n1";
  n.meta = {{"env", "prod"}};
  auto g = Filter::compile(R"(Meta.env == prod and Node == n1)", node_schema());
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->matches(NodeRecordView(n)));
}

}  // namespace roster::http::filter
