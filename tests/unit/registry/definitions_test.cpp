#include "registry/definitions.hpp"

#include <gtest/gtest.h>

#include "registry/check_ids.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

ServiceRegistration web() {
  ServiceRegistration r;
  r.service.name = "web";
  return r;
}

CheckDefinition ttl_check(Duration ttl) {
  CheckDefinition c;
  c.kind = CheckKind::Ttl;
  c.kinds_named = 1;
  c.ttl = ttl;
  return c;
}

}  // namespace

TEST(Validate, RequiresAServiceName) {
  ServiceRegistration r;
  const auto st = validate(r);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "Missing service name");
}

TEST(Validate, RejectsUnspecifiedAddresses) {
  for (const char* a : {"0.0.0.0", "::"}) {
    auto r = web();
    r.service.address = a;
    EXPECT_FALSE(validate(r)) << a;
  }
}

TEST(Validate, RejectsBadMetaWithConsulsPrefix) {
  auto r = web();
  r.service.meta["consul-version"] = "1";
  auto st = validate(r);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.rfind("Invalid Service Meta: ", 0), 0u);
  r.service.meta = {{"bad key", "v"}};
  EXPECT_FALSE(validate(r));
  r.service.meta = {{"ok_key-1", std::string(513, 'x')}};
  EXPECT_FALSE(validate(r));
}

TEST(Validate, RejectsNegativePortsAndBadWeights) {
  auto r = web();
  r.service.port = -1;
  EXPECT_FALSE(validate(r));
  r = web();
  r.service.weights.passing = 0;
  EXPECT_FALSE(validate(r));
}

TEST(Validate, AcceptsTtlChecksOnlyWithPositiveTtl) {
  auto r = web();
  r.checks.push_back(ttl_check(10s));
  EXPECT_TRUE(validate(r));
  r.checks[0].ttl = 0s;
  EXPECT_FALSE(validate(r));
}

TEST(Validate, RejectsChecksNamingNoOrSeveralTypes) {
  auto r = web();
  r.checks.push_back(CheckDefinition{});
  EXPECT_FALSE(validate(r));
  r.checks[0] = ttl_check(10s);
  r.checks[0].kinds_named = 2;
  EXPECT_FALSE(validate(r));
}

TEST(CheckIds, FollowConsulsEmbeddedNaming) {
  EXPECT_EQ(embedded_check_ids("web1", {CheckDefinition{}}), (std::vector<std::string>{"service:web1"}));
  EXPECT_EQ(embedded_check_ids("web1", {CheckDefinition{}, CheckDefinition{}}),
            (std::vector<std::string>{"service:web1:1", "service:web1:2"}));
  CheckDefinition named;
  named.id = "mine";
  EXPECT_EQ(embedded_check_ids("web1", {named}), (std::vector<std::string>{"mine"}));
  EXPECT_EQ(default_check_name(CheckDefinition{}, "web"), "Service 'web' check");
}

}  // namespace roster::registry
