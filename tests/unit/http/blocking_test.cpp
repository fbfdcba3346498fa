// Blocking queries without sockets: parsing, the wait policy, the decision
// with a manual clock, per-resource indexes through the API, and the notifier.
#include "http/blocking.hpp"

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "http/change_notifier.hpp"

using namespace std::chrono_literals;

namespace roster::http {

TEST(Blocking, ParsesIndexAndWait) {
  auto b = parse_blocking(QueryParams::parse("index=42&wait=120000ms"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->index, 42u);
  EXPECT_EQ(*b->wait, 120s);
  auto none = parse_blocking(QueryParams::parse("stale="));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->index, 0u);
  EXPECT_FALSE(none->wait);
  EXPECT_EQ(parse_blocking(QueryParams::parse("index=abc")).error().message, "Invalid index");
  EXPECT_EQ(parse_blocking(QueryParams::parse("index=-1")).error().message, "Invalid index");
  EXPECT_EQ(parse_blocking(QueryParams::parse("wait=soon")).error().message, "Invalid wait time");
}

TEST(Blocking, WaitDefaultsToFiveMinutesIsCappedAtTenAndJitterStaysUnderOneSixteenth) {
  EXPECT_EQ(blocking_timeout(std::nullopt, 0.0), 5min);
  EXPECT_EQ(blocking_timeout(Duration::zero(), 0.0), 5min);
  EXPECT_EQ(blocking_timeout(30s, 0.0), 30s);
  EXPECT_EQ(blocking_timeout(1h, 0.0), 10min);
  EXPECT_EQ(blocking_timeout(160s, 0.5), 165s);
  // Prometheus times out at 2m15s with wait=120000ms: the jitter must stay below wait/16.
  EXPECT_LT(blocking_timeout(120s, 0.999999), Duration(120s) + Duration(120s) / 16);
  EXPECT_LT(blocking_timeout(120s, 7.0), Duration(120s) + Duration(120s) / 16);  // out-of-range u is clamped
}

class BlockingApi : public ApiFixture {};

TEST_F(BlockingApi, NoIndexOrANewerAnswerMeansNoWait) {
  register_service(R"({"Name":"web"})");
  EXPECT_FALSE(get("/v1/health/service/web").wait);
  EXPECT_FALSE(get("/v1/health/service/web?index=1").wait);  // the client is behind
  const auto current = index_of(get("/v1/health/service/web"));
  EXPECT_TRUE(get("/v1/health/service/web?index=" + std::to_string(current)).wait);
  EXPECT_FALSE(get("/v1/agent/services?index=" + std::to_string(current)).wait);  // not a blocking endpoint
}

TEST_F(BlockingApi, AChangeToAnotherServiceDoesNotAnswerAndOneToThisServiceDoes) {
  register_service(R"({"Name":"a","Check":{"TTL":"10s"}})");
  register_service(R"({"Name":"b","Check":{"TTL":"10s"}})");
  const auto b_index = index_of(get("/v1/health/service/b"));
  const Response waiting = get("/v1/health/service/b?index=" + std::to_string(b_index) + "&wait=1m");
  ASSERT_TRUE(waiting.wait);
  EXPECT_EQ(waiting.wait->wait, 1min);
  const BlockingQuery query(clock.now() + blocking_timeout(waiting.wait->wait, 0.0), *waiting.wait);

  ASSERT_EQ(put("/v1/agent/check/pass/service:a").status, 200);
  register_service(R"({"Name":"a","Port":1,"Check":{"TTL":"10s"}})");
  EXPECT_EQ(query.step(*reg.snapshot(), clock.now()), BlockingQuery::Step::Wait);
  EXPECT_EQ(index_of(get("/v1/health/service/b")), b_index);

  clock.advance(30s);
  EXPECT_EQ(query.step(*reg.snapshot(), clock.now()), BlockingQuery::Step::Wait);
  ASSERT_EQ(put("/v1/agent/check/pass/service:b").status, 200);
  EXPECT_EQ(query.step(*reg.snapshot(), clock.now()), BlockingQuery::Step::Answer);
  EXPECT_GT(index_of(get("/v1/health/service/b")), b_index);
}

TEST_F(BlockingApi, TheDeadlineAnswersWithTheUnchangedIndex) {
  register_service(R"({"Name":"web"})");
  const auto i = index_of(get("/v1/catalog/service/web"));
  const Response waiting = get("/v1/catalog/service/web?index=" + std::to_string(i) + "&wait=10s");
  ASSERT_TRUE(waiting.wait);
  const BlockingQuery query(clock.now() + blocking_timeout(waiting.wait->wait, 0.0), *waiting.wait);
  clock.advance(9s);
  EXPECT_EQ(query.step(*reg.snapshot(), clock.now()), BlockingQuery::Step::Wait);
  clock.advance(1s);
  EXPECT_EQ(query.step(*reg.snapshot(), clock.now()), BlockingQuery::Step::Answer);
  EXPECT_EQ(index_of(get("/v1/catalog/service/web")), i);
}

TEST_F(BlockingApi, IdenticalReRegistrationWakesNobody) {
  register_service(R"({"Name":"web","Tags":["x"]})");
  const auto i = index_of(get("/v1/catalog/services"));
  const Response waiting = get("/v1/catalog/services?index=" + std::to_string(i));
  ASSERT_TRUE(waiting.wait);
  register_service(R"({"Name":"web","Tags":["x"]})");
  EXPECT_FALSE(waiting.wait->changed(*reg.snapshot()));
  register_service(R"({"Name":"web","Tags":["y"]})");
  EXPECT_TRUE(waiting.wait->changed(*reg.snapshot()));
}

TEST_F(BlockingApi, EachEndpointBlocksOnItsOwnResource) {
  register_service(R"({"Name":"web","Check":{"TTL":"10s"}})");
  const auto snap = reg.snapshot();
  auto waits = [&](const std::string& path) {
    const Response r = get(path + (path.find('?') == std::string::npos ? "?" : "&") +
                           "index=" + std::to_string(index_of(get(path))));
    EXPECT_TRUE(r.wait) << path;
    return r.wait ? r.wait->changed : WaitSpec::Changed([](const registry::Catalog&) { return true; });
  };
  auto services = waits("/v1/catalog/services");
  auto nodes = waits("/v1/catalog/nodes");
  auto catalog_web = waits("/v1/catalog/service/web");
  auto health_web = waits("/v1/health/service/web");
  auto state = waits("/v1/health/state/passing");
  auto node = waits("/v1/health/node/node1");
  // A TTL pass changes health and checks, not the catalog's service or node lists.
  ASSERT_EQ(put("/v1/agent/check/pass/service:web").status, 200);
  const auto now = reg.snapshot();
  EXPECT_FALSE(services(*now));
  EXPECT_FALSE(nodes(*now));
  EXPECT_FALSE(catalog_web(*now));
  EXPECT_TRUE(health_web(*now));
  EXPECT_TRUE(state(*now));
  EXPECT_TRUE(node(*now));
}

TEST_F(BlockingApi, AServiceThatDisappearsAnswersItsWatchers) {
  register_service(R"({"Name":"web"})");
  const auto i = index_of(get("/v1/health/service/web"));
  const Response waiting = get("/v1/health/service/web?index=" + std::to_string(i));
  ASSERT_TRUE(waiting.wait);
  ASSERT_EQ(put("/v1/agent/service/deregister/web").status, 200);
  EXPECT_TRUE(waiting.wait->changed(*reg.snapshot()));
  EXPECT_GT(index_of(get("/v1/health/service/web")), i);  // the tombstone keeps the index moving
  EXPECT_GE(index_of(get("/v1/health/service/never-registered")), 1u);
}

TEST_F(BlockingApi, HashBlockingOnTheAgentService) {
  register_service(R"({"Name":"web","Port":80})");
  const Response first = get("/v1/agent/service/web");
  const std::string hash = header(first, "X-Consul-ContentHash");
  ASSERT_EQ(hash.size(), 16u);
  EXPECT_EQ(std::string(json(first)["ContentHash"].GetString()), hash);
  EXPECT_FALSE(get("/v1/agent/service/web?hash=other").wait);
  const Response waiting = get("/v1/agent/service/web?hash=" + hash);
  ASSERT_TRUE(waiting.wait);
  register_service(R"({"Name":"other"})");
  EXPECT_FALSE(waiting.wait->changed(*reg.snapshot()));
  register_service(R"({"Name":"web","Port":81})");
  EXPECT_TRUE(waiting.wait->changed(*reg.snapshot()));
  EXPECT_NE(header(get("/v1/agent/service/web"), "X-Consul-ContentHash"), hash);
}

TEST_F(BlockingApi, InvalidIndexOrWaitIs400) {
  EXPECT_EQ(get("/v1/health/service/web?index=x").status, 400);
  EXPECT_EQ(get("/v1/catalog/services?index=1&wait=forever").body, "Invalid wait time\n");
}

TEST(ChangeNotifier, WakesOnlyWatchersWhosePredicateHoldsAndOnlyOnce) {
  auto cat = [](registry::Index i) {
    return std::make_shared<const registry::Catalog>(i, "dc1", std::vector<std::shared_ptr<const registry::NodeRecord>>{});
  };
  ChangeNotifier n(cat(1));
  int woke_a = 0, woke_b = 0;
  n.watch([](const registry::Catalog& c) { return c.index() >= 3; }, [&] { ++woke_a; });
  const auto b = n.watch([](const registry::Catalog& c) { return c.index() >= 10; }, [&] { ++woke_b; });
  EXPECT_EQ(n.watchers(), 2u);
  n.publish(cat(2));
  EXPECT_EQ(woke_a, 0);
  n.publish(cat(3));
  EXPECT_EQ(woke_a, 1);
  n.publish(cat(4));
  EXPECT_EQ(woke_a, 1);
  n.publish(cat(2));  // an older catalog published late is ignored
  EXPECT_EQ(n.watchers(), 1u);
  n.cancel(b);
  n.publish(cat(11));
  EXPECT_EQ(woke_b, 0);
  EXPECT_EQ(n.watchers(), 0u);
}

TEST(ChangeNotifier, AWatcherAlreadySatisfiedIsWokenAtOnce) {
  ChangeNotifier n(std::make_shared<const registry::Catalog>(
      5, "dc1", std::vector<std::shared_ptr<const registry::NodeRecord>>{}));
  int woke = 0;
  EXPECT_EQ(n.watch([](const registry::Catalog& c) { return c.index() > 4; }, [&] { ++woke; }), 0u);
  EXPECT_EQ(woke, 1);
  EXPECT_EQ(n.watchers(), 0u);
}

}  // namespace roster::http
