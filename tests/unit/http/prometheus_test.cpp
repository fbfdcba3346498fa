// Prometheus http_sd target groups: consul_sd's label names and values.
#include "http/json/prometheus_json.hpp"

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace roster::http {
namespace {

std::string label(const json::Labels& labels, const std::string& name) {
  for (const auto& [k, v] : labels)
    if (k == name) return v;
  return "<absent>";
}

struct Fixture {
  registry::NodeRecord rec;
  registry::Service svc;
  registry::Check check;
  Fixture() {
    rec.node.name = "node1";
    rec.node.address = "10.0.0.1";
    rec.node.meta = {{"rack", "r1"}, {"bad.key", "x"}};
    svc.id = "web1";
    svc.name = "web";
    svc.port = 8080;
    svc.tags = {"a", "b"};
    svc.meta = {{"version", "2"}, {"team-name", "core"}};
    check.id = "service:web1";
    check.status = registry::HealthStatus::Warning;
  }
  registry::Instance instance() const { return {&rec, &svc, {&check}, check.status}; }
};

}  // namespace

TEST(PrometheusLabels, AreConsulSdsNamesAndValues) {
  const Fixture f;
  const auto labels = json::prometheus_labels(f.instance(), "dc1");
  EXPECT_EQ(label(labels, "__meta_consul_node"), "node1");
  EXPECT_EQ(label(labels, "__meta_consul_address"), "10.0.0.1");
  EXPECT_EQ(label(labels, "__meta_consul_dc"), "dc1");
  EXPECT_EQ(label(labels, "__meta_consul_service"), "web");
  EXPECT_EQ(label(labels, "__meta_consul_service_id"), "web1");
  EXPECT_EQ(label(labels, "__meta_consul_service_address"), "");
  EXPECT_EQ(label(labels, "__meta_consul_service_port"), "8080");
  EXPECT_EQ(label(labels, "__meta_consul_tags"), ",a,b,");
  EXPECT_EQ(label(labels, "__meta_consul_health"), "warning");
  EXPECT_EQ(label(labels, "__meta_consul_metadata_rack"), "r1");  // node meta, as consul_sd names it
  EXPECT_EQ(label(labels, "__meta_consul_metadata_bad_key"), "x");  // sanitised
  EXPECT_EQ(label(labels, "__meta_consul_service_metadata_version"), "2");
  EXPECT_EQ(label(labels, "__meta_consul_service_metadata_team_name"), "core");
  EXPECT_EQ(label(labels, "__meta_consul_tagged_address_lan"), "10.0.0.1");
  EXPECT_EQ(label(labels, "__meta_consul_tagged_address_wan_ipv4"), "10.0.0.1");
  EXPECT_TRUE(std::is_sorted(labels.begin(), labels.end()));
}

TEST(PrometheusLabels, TagsAreWrappedEvenWhenEmptyAndMaintenanceIsTheHealth) {
  Fixture f;
  f.svc.tags.clear();
  f.check.id = "_node_maintenance";
  f.check.status = registry::HealthStatus::Critical;
  const auto labels = json::prometheus_labels(f.instance(), "dc1");
  EXPECT_EQ(label(labels, "__meta_consul_tags"), ",,");
  EXPECT_EQ(label(labels, "__meta_consul_health"), "maintenance");
}

TEST(PrometheusTarget, UsesTheServiceAddressElseTheNodesAndBracketsIpv6) {
  Fixture f;
  EXPECT_EQ(json::prometheus_target(f.instance()), "10.0.0.1:8080");
  f.svc.address = "192.168.1.5";
  EXPECT_EQ(json::prometheus_target(f.instance()), "192.168.1.5:8080");
  f.svc.address = "fd00::5";
  EXPECT_EQ(json::prometheus_target(f.instance()), "[fd00::5]:8080");
}

class PrometheusApi : public ApiFixture {};

TEST_F(PrometheusApi, OneGroupPerPassingInstanceByDefault) {
  register_service(R"({"Name":"web","ID":"w1","Port":1,"Tags":["x"],"Check":{"TTL":"10s","Status":"passing"}})");
  register_service(R"({"Name":"web","ID":"w2","Port":2,"Check":{"TTL":"10s"}})");
  register_service(R"({"Name":"db","ID":"d1","Port":3})");
  auto groups = json(get("/v1/prometheus/web"));
  ASSERT_EQ(groups.Size(), 1u);
  EXPECT_STREQ(groups[0]["targets"][0].GetString(), "10.0.0.1:1");
  EXPECT_STREQ(groups[0]["labels"]["__meta_consul_service_id"].GetString(), "w1");
  auto all = json(get("/v1/prometheus/web?passing=false"));
  ASSERT_EQ(all.Size(), 2u);
  EXPECT_STREQ(all[1]["labels"]["__meta_consul_health"].GetString(), "critical");
  EXPECT_EQ(json(get("/v1/prometheus")).Size(), 2u);                 // w1 and d1
  EXPECT_EQ(json(get("/v1/prometheus?passing=0")).Size(), 3u);
  EXPECT_EQ(json(get("/v1/prometheus/web?tag=x&passing=false")).Size(), 1u);
  EXPECT_EQ(json(get("/v1/prometheus/nope")).Size(), 0u);
  EXPECT_EQ(get("/v1/prometheus/web?passing=maybe").status, 400);
  EXPECT_EQ(get("/v1/prometheus/web").content_type, "application/json");
}

}  // namespace roster::http
