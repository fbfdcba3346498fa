#include "wrapper/api_client.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "agent_stub.hpp"

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;
using testing::AgentStub;

// Runs one client coroutine to completion on a fresh io_context.
ApiOutcome run(ApiClientConfig config, std::function<asio::awaitable<ApiOutcome>(ApiClient&)> call) {
  asio::io_context io;
  ApiClient client(io.get_executor(), std::move(config));
  std::optional<ApiOutcome> outcome;
  auto body = [&]() -> asio::awaitable<void> { outcome = co_await call(client); };
  asio::co_spawn(io, body(), asio::detached);
  io.run_for(20s);
  return outcome ? *outcome : ApiOutcome(internal("did not finish"));
}

ApiClientConfig config_for(const AgentStub& stub) { return {"127.0.0.1", stub.port(), "", 2000ms}; }

TEST(ApiClient, RegisterPutsTheJsonBody) {
  AgentStub stub;
  const auto r = run(config_for(stub), [](ApiClient& c) {
    return c.async_register({"web", "web-1", {"a"}, 80, std::chrono::milliseconds(10'000), "", {}});
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, 200);
  const auto reqs = stub.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].target, "/v1/agent/service/register");
  EXPECT_EQ(reqs[0].content_type, "application/json");
  rapidjson::Document doc;
  doc.Parse(reqs[0].body.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["ID"].GetString(), "web-1");
  EXPECT_STREQ(doc["Check"]["TTL"].GetString(), "10s");
  EXPECT_EQ(reqs[0].token, "");  // no token configured, no header
}

TEST(ApiClient, ReturnsTheAgentsStatusAndSendsTheToken) {
  AgentStub stub([](const testing::RecordedRequest&, std::size_t) { return 500; });
  auto cfg = config_for(stub);
  cfg.token = "s3cret";
  const auto r = run(cfg, [](ApiClient& c) { return c.async_pass("service:web", "ok"); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, 500);
  const auto reqs = stub.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/v1/agent/check/pass/service:web?note=ok");
  EXPECT_EQ(reqs[0].token, "s3cret");
}

TEST(ApiClient, DeregisterPutsToTheServiceId) {
  AgentStub stub;
  const auto r = run(config_for(stub), [](ApiClient& c) { return c.async_deregister("web-1"); });
  ASSERT_TRUE(r.ok());
  const auto reqs = stub.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].target, "/v1/agent/service/deregister/web-1");
}

TEST(ApiClient, ConnectionRefusedIsATransportError) {
  std::uint16_t port = 0;
  { AgentStub gone; port = gone.port(); }  // nothing listens there any more
  const auto r = run({"127.0.0.1", port, "", 2000ms}, [](ApiClient& c) { return c.async_deregister("x"); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("connect"), std::string::npos);
}

TEST(ApiClient, AnAgentThatNeverAnswersTimesOut) {
  AgentStub stub;
  stub.set_silent(true);
  auto cfg = config_for(stub);
  cfg.timeout = 200ms;
  const auto started = std::chrono::steady_clock::now();
  const auto r = run(cfg, [](ApiClient& c) { return c.async_pass("service:web", ""); });
  EXPECT_FALSE(r.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(ApiClient, LocalhostResolves) {
  AgentStub stub;  // listens on 127.0.0.1 only; ::1 (if tried first) is refused and skipped
  const auto r = run({"localhost", stub.port(), "", 2000ms}, [](ApiClient& c) { return c.async_deregister("x"); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, 200);
}

}  // namespace
}  // namespace roster::wrapper
