// End to end: run_wrap with real children against an in-test agent stub.
#include "wrapper/wrap_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "agent_stub.hpp"
#include "common/net.hpp"

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;
using testing::AgentStub;
using testing::RecordedRequest;
using Requests = std::vector<RecordedRequest>;
using Args = std::vector<std::string>;

constexpr auto kDeadline = 20s;

bool is_register(const RecordedRequest& r) { return r.method == "PUT" && r.target == "/v1/agent/service/register"; }
bool is_pass(const RecordedRequest& r, const std::string& id) {
  return r.method == "PUT" && r.target.rfind("/v1/agent/check/pass/service:" + id, 0) == 0;
}
// pass, warn or fail: any TTL check update.
bool is_update(const RecordedRequest& r, const std::string& id) {
  if (r.method != "PUT") return false;
  for (const char* verb : {"pass", "warn", "fail"})
    if (r.target.rfind(std::string("/v1/agent/check/") + verb + "/service:" + id, 0) == 0) return true;
  return false;
}
bool is_fail(const RecordedRequest& r, const std::string& id) {
  return r.method == "PUT" && r.target.rfind("/v1/agent/check/fail/service:" + id, 0) == 0;
}
bool note_has(const RecordedRequest& r, const std::string& text) {
  std::string encoded;
  for (char c : text) encoded += c == ' ' ? std::string("%20") : std::string(1, c);
  return r.target.find(encoded) != std::string::npos;
}
bool is_deregister(const RecordedRequest& r, const std::string& id) {
  return r.method == "PUT" && r.target == "/v1/agent/service/deregister/" + id;
}
std::size_t count_if(const Requests& reqs, const std::function<bool(const RecordedRequest&)>& pred) {
  return static_cast<std::size_t>(std::count_if(reqs.begin(), reqs.end(), pred));
}

// Register first, deregister last, only check updates in between.
void expect_lifecycle(const Requests& reqs, const std::string& id) {
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_TRUE(is_register(reqs.front())) << reqs.front().target;
  EXPECT_TRUE(is_deregister(reqs.back(), id)) << reqs.back().target;
  for (std::size_t i = 1; i + 1 < reqs.size(); ++i)
    EXPECT_TRUE(is_update(reqs[i], id) || is_register(reqs[i])) << reqs[i].target;
  EXPECT_EQ(count_if(reqs, [&](const auto& r) { return is_deregister(r, id); }), 1u);
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run wrap(const Args& args, const Environment& env = {}) {
  std::ostringstream out, err;
  Run r;
  r.code = run_wrap(args, env, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(RunWrap, RegistersThenDeregistersAndExitsWithTheChildsCode) {
  AgentStub agent;
  const auto r = wrap({"--consul-agent", agent.address(), "--heartbeat", "0.05", "--tags", "a", "--tags", "b",
                       "--port", "9999", "-vvv", "web", "--", "/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(r.code, 3) << r.err;
  const auto reqs = agent.requests();
  expect_lifecycle(reqs, "web");
  EXPECT_EQ(count_if(reqs, is_register), 1u);
  rapidjson::Document doc;
  doc.Parse(reqs.front().body.c_str());
  ASSERT_TRUE(doc.IsObject()) << reqs.front().body;
  EXPECT_STREQ(doc["Name"].GetString(), "web");
  EXPECT_STREQ(doc["ID"].GetString(), "web");
  EXPECT_EQ(doc["Tags"].Size(), 2u);
  EXPECT_EQ(doc["Port"].GetInt(), 9999);
  EXPECT_STREQ(doc["Check"]["TTL"].GetString(), "10s");
  EXPECT_NE(r.err.find("service deregistered"), std::string::npos) << r.err;
}

TEST(RunWrap, ChildKilledBySignalExitsWith128PlusN) {
  AgentStub agent;
  const auto r = wrap({"--consul-agent", agent.address(), "--id", "web-2", "web", "--", "/bin/sh", "-c",
                       "kill -TERM $$"});
  EXPECT_EQ(r.code, 143) << r.err;
  expect_lifecycle(agent.requests(), "web-2");
}

// Runs run_wrap on another thread, so the test can act while the child lives.
class Background {
 public:
  explicit Background(Args args, Environment env = {})
      : future_(std::async(std::launch::async, [args = std::move(args), env = std::move(env)] { return wrap(args, env); })) {}
  // SIGTERM to this process: the wrapper's signal_set catches it and forwards it.
  Run terminate() {
    ::kill(::getpid(), SIGTERM);
    if (future_.wait_for(kDeadline) != std::future_status::ready) {
      ADD_FAILURE() << "run_wrap did not return after SIGTERM";
      return {};
    }
    return future_.get();
  }

 private:
  std::future<Run> future_;
};

TEST(RunWrap, ForwardsSigtermToTheChildAndDeregisters) {
  AgentStub agent;
  Background run({"--consul-agent", agent.address(), "--heartbeat", "0.05", "web", "--", "sleep", "30"});
  // The first pass comes after the child started (and the signal set is installed).
  const bool passing = agent.wait_until([](const Requests& r) { return count_if(r, [](auto& q) { return is_pass(q, "web"); }) >= 2; }, kDeadline);
  const auto r = run.terminate();
  ASSERT_TRUE(passing);
  EXPECT_EQ(r.code, 143) << r.err;
  expect_lifecycle(agent.requests(), "web");
}

TEST(RunWrap, ReregistersAtOnceWhenAPassAnswers500) {
  bool failed_once = false;
  AgentStub agent([&failed_once](const RecordedRequest& r, std::size_t) {
    if (is_pass(r, "web") && !failed_once) {
      failed_once = true;
      return 500;  // "CheckID does not have associated TTL": the agent lost us
    }
    return 200;
  });
  Background run({"--consul-agent", agent.address(), "--heartbeat", "0.05", "-vv", "web", "--", "sleep", "30"});
  const bool recovered = agent.wait_until(
      [](const Requests& r) {
        // register, pass(500), register, pass(200)
        return r.size() >= 4 && count_if(r, is_register) >= 2 && is_pass(r.back(), "web") && !is_register(r[1]);
      },
      kDeadline);
  const auto r = run.terminate();
  ASSERT_TRUE(recovered);
  EXPECT_EQ(r.code, 143);
  const auto reqs = agent.requests();
  expect_lifecycle(reqs, "web");
  EXPECT_TRUE(is_pass(reqs[1], "web"));
  EXPECT_TRUE(is_register(reqs[2]));  // right after the failed pass, not a heartbeat later
  EXPECT_NE(r.err.find("re-registering"), std::string::npos) << r.err;
}

TEST(RunWrap, RetriesRegistrationWhileTheAgentRefuses) {
  AgentStub agent([](const RecordedRequest& r, std::size_t index) { return is_register(r) && index == 0 ? 503 : 200; });
  Background run({"--consul-agent", agent.address(), "--heartbeat", "0.05", "web", "--", "sleep", "30"});
  const bool registered = agent.wait_until(
      [](const Requests& r) { return count_if(r, is_register) >= 2 && count_if(r, [](auto& q) { return is_pass(q, "web"); }) >= 1; },
      kDeadline);
  const auto r = run.terminate();
  ASSERT_TRUE(registered);
  EXPECT_EQ(r.code, 143);
  expect_lifecycle(agent.requests(), "web");
}

TEST(RunWrap, TheChildRunsEvenWhenNoAgentAnswers) {
  std::uint16_t port = 0;
  { AgentStub gone; port = gone.port(); }
  const auto r = wrap({"--consul-agent", "127.0.0.1:" + std::to_string(port), "-vv", "web", "--", "/bin/sh", "-c", "exit 7"});
  EXPECT_EQ(r.code, 7);
  EXPECT_NE(r.err.find("agent unreachable"), std::string::npos) << r.err;
}

TEST(RunWrap, UsesConsulHttpAddrAndSendsTheToken) {
  AgentStub agent;
  const auto r = wrap({"web", "--", "true"},
                      {{"CONSUL_HTTP_ADDR", "http://" + agent.address()}, {"CONSUL_HTTP_TOKEN", "s3cret"}});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto reqs = agent.requests();
  expect_lifecycle(reqs, "web");
  for (const auto& q : reqs) EXPECT_EQ(q.token, "s3cret") << q.target;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos);  // tokens are never logged
}

TEST(RunWrap, CommandNotFoundExits127WithoutRegistering) {
  AgentStub agent;
  const auto r = wrap({"--consul-agent", agent.address(), "web", "--", "roster-no-such-command-xyz"});
  EXPECT_EQ(r.code, 127);
  EXPECT_NE(r.err.find("command not found"), std::string::npos) << r.err;
  EXPECT_TRUE(agent.requests().empty());
}

// A free port for a process that binds it later, below the kernel's ephemeral
// range (32768+), so no connection made meanwhile can take it as a bind(0)
// port could be taken.
std::uint16_t listen_port() {
  asio::io_context io;
  std::random_device rd;
  std::uniform_int_distribution<int> pick(20000, 32767);
  for (int i = 0; i < 200; ++i) {
    const auto port = static_cast<std::uint16_t>(pick(rd));
    boost::system::error_code ec;
    asio::ip::tcp::acceptor a(io);
    a.open(asio::ip::tcp::v4(), ec);
    if (!ec) a.bind(asio::ip::tcp::endpoint(asio::ip::address_v4::any(), port), ec);
    if (!ec) return port;
  }
  return 0;
}

std::string temp_path(const std::string& name) {
  const auto path = ::testing::TempDir() + "/roster_wrap_" + std::to_string(::getpid()) + "_" + name;
  std::remove(path.c_str());
  return path;
}

TEST(RunWrap, WithAPortTheCheckPassesOnlyWhileTheChildListensOnIt) {
  AgentStub agent;
  const auto port = std::to_string(listen_port());
  const auto gate = temp_path("gate");
  // Not listening until the gate opens; then nc listens (as a grandchild: sh stays the child,
  // and takes nc down with it on SIGTERM).
  const std::string script = "while [ ! -e " + gate + " ]; do sleep 0.02; done; nc -l 127.0.0.1 " + port +
                             " </dev/null >/dev/null & nc=$!; trap 'kill $nc; exit 0' TERM; wait";
  Background run({"--consul-agent", agent.address(), "--port", port, "--heartbeat", "0.05", "web", "--", "/bin/sh",
                  "-c", script});
  const bool critical = agent.wait_until(
      [&](const Requests& r) {
        return std::any_of(r.begin(), r.end(), [&](auto& q) { return is_fail(q, "web") && note_has(q, "port " + port + " is not listening"); });
      },
      kDeadline);
  EXPECT_EQ(count_if(agent.requests(), [](auto& q) { return is_pass(q, "web"); }), 0u);
  std::FILE* f = std::fopen(gate.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  const bool passing = agent.wait_until(
      [&](const Requests& r) {
        return std::any_of(r.begin(), r.end(), [&](auto& q) { return is_pass(q, "web") && note_has(q, "port " + port + " is listening"); });
      },
      kDeadline);
  const auto r = run.terminate();
  std::remove(gate.c_str());
  EXPECT_TRUE(critical);
  EXPECT_TRUE(passing);
  expect_lifecycle(agent.requests(), "web");
}

TEST(RunWrap, HttpCheckFollowsTheEndpointsStatus) {
  AgentStub agent;
  std::atomic<int> checks{0};
  AgentStub endpoint([&checks](const RecordedRequest&, std::size_t index) {
    ++checks;
    return index < 2 ? 503 : index < 4 ? 429 : 200;
  });
  Background run({"--consul-agent", agent.address(), "--check-http", "http://" + endpoint.address() + "/health",
                  "--check-interval", "0.02", "--heartbeat", "0.05", "web", "--", "sleep", "30"});
  const bool passing = agent.wait_until(
      [](const Requests& r) { return std::any_of(r.begin(), r.end(), [](auto& q) { return is_pass(q, "web") && note_has(q, "HTTP 200"); }); },
      kDeadline);
  const auto r = run.terminate();
  ASSERT_TRUE(passing);
  const auto reqs = agent.requests();
  const auto first = [&](const std::function<bool(const RecordedRequest&)>& p) {
    return std::find_if(reqs.begin(), reqs.end(), p) - reqs.begin();
  };
  const auto critical = first([](auto& q) { return is_fail(q, "web") && note_has(q, "HTTP 503"); });
  const auto warning = first([](auto& q) { return q.target.rfind("/v1/agent/check/warn/service:web", 0) == 0 && note_has(q, "HTTP 429"); });
  const auto passed = first([](auto& q) { return is_pass(q, "web"); });
  EXPECT_LT(critical, warning);
  EXPECT_LT(warning, passed);
  EXPECT_LT(passed, static_cast<long>(reqs.size()));
  EXPECT_EQ(endpoint.requests().front().method, "GET");
  EXPECT_EQ(endpoint.requests().front().target, "/health");
  expect_lifecycle(reqs, "web");
}

TEST(RunWrap, OnSigtermTheServiceGoesCriticalBeforeTheChildHearsOfIt) {
  const auto got_term = temp_path("term");
  std::atomic<bool> child_had_term_at_mark{true};
  AgentStub agent([&](const RecordedRequest& r, std::size_t) {
    if (is_fail(r, "web") && note_has(r, "stopping: SIGTERM received"))
      child_had_term_at_mark = std::ifstream(got_term).good();
    return 200;
  });
  const std::string script = "trap 'touch " + got_term + "; exit 5' TERM; while :; do sleep 0.02; done";
  Background run({"--consul-agent", agent.address(), "--drain", "0.2", "--heartbeat", "0.05", "web", "--", "/bin/sh",
                  "-c", script});
  ASSERT_TRUE(agent.wait_until([](const Requests& r) { return count_if(r, [](auto& q) { return is_pass(q, "web"); }) >= 1; }, kDeadline));
  const auto r = run.terminate();
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_FALSE(child_had_term_at_mark);  // marked critical first, then drained, then forwarded
  EXPECT_TRUE(std::ifstream(got_term).good());
  const auto reqs = agent.requests();
  expect_lifecycle(reqs, "web");
  std::remove(got_term.c_str());
}

TEST(RunWrap, OnExitCriticalLeavesTheServiceRegisteredAsCriticalWithTheStatus) {
  AgentStub agent;
  const auto r = wrap({"--consul-agent", agent.address(), "--on-exit", "critical", "--heartbeat", "0.05", "web", "--",
                       "/bin/sh", "-c", "sleep 0.1; exit 3"});
  EXPECT_EQ(r.code, 3) << r.err;
  const auto reqs = agent.requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(count_if(reqs, [](auto& q) { return is_deregister(q, "web"); }), 0u);
  EXPECT_TRUE(is_fail(reqs.back(), "web")) << reqs.back().target;
  EXPECT_TRUE(note_has(reqs.back(), "exited with status 3")) << reqs.back().target;
}

TEST(RunWrap, AddressAndMetaAreRegistered) {
  AgentStub agent;
  const auto r = wrap({"--consul-agent", agent.address(), "--address", "10.0.0.5", "--meta", "version=1.2", "web",
                       "--", "true"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("advertising address 10.0.0.5"), std::string::npos) << r.err;
  const auto reqs = agent.requests();
  ASSERT_FALSE(reqs.empty());
  rapidjson::Document doc;
  doc.Parse(reqs.front().body.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["Address"].GetString(), "10.0.0.5");
  EXPECT_STREQ(doc["Meta"]["version"].GetString(), "1.2");
}

TEST(RunWrap, AnAddressThatCannotBeResolvedIsAUsageError) {
  AgentStub agent;
  const auto marker = temp_path("started");
  const auto r = wrap({"--consul-agent", agent.address(), "--address", "lo", "web", "--", "touch", marker});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("usage: roster wrap", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(marker).good());
  EXPECT_TRUE(agent.requests().empty());
}

TEST(RunWrap, UsageErrorsPrintUsageAndExit2) {
  const auto r = wrap({"--ttl", "0", "web", "--", "true"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("usage: roster wrap", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("error: argument --ttl"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(wrap({"web"}).code, 2);
}

TEST(RunWrap, HelpPrintsUsageAndExits0) {
  const auto r = wrap({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--consul-agent"), std::string::npos);
  EXPECT_TRUE(r.err.empty());
}

}  // namespace
}  // namespace roster::wrapper
