// CheckRunner with a real Registry and real sockets: checks run at once when
// registered, follow their target, and stop when removed.
#include "checks/check_runner.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;

namespace roster::checks {
namespace {

using registry::HealthStatus;
using tcp = asio::ip::tcp;

template <typename F>
bool eventually(F&& pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

class Runner : public ::testing::Test {
 protected:
  SteadyClock clock;
  registry::Registry reg{registry::LocalNode{"node1", "id", "127.0.0.1", "dc1", {}}, clock.now()};
  std::unique_ptr<CheckRunner> runner;

  void SetUp() override {
    runner = std::make_unique<CheckRunner>(reg, clock, null_logger(), RunnerOptions{"node1", 4, 100ms});
    reg.subscribe([this](const registry::Catalog&) { runner->changed(); });
    runner->start();
  }
  void TearDown() override { runner->stop(); }

  std::optional<registry::Check> check(const std::string& id) {
    auto snap = reg.snapshot();
    const auto* c = snap->find_node("node1")->checks.get(id);
    return c ? std::optional<registry::Check>(*c) : std::nullopt;
  }
  void add_tcp(const std::string& id, std::uint16_t port, Duration dereg = Duration::zero()) {
    registry::ServiceRegistration r;
    r.service.name = "db";
    r.service.id = id;
    registry::CheckDefinition d;
    d.kind = registry::CheckKind::Tcp;
    d.kinds_named = 1;
    d.spec.tcp = "127.0.0.1:" + std::to_string(port);
    d.spec.interval = 1s;
    d.spec.deregister_critical_after = dereg;
    r.checks.push_back(d);
    ASSERT_TRUE(reg.register_service(r, clock.now()));
  }
};

}  // namespace

TEST_F(Runner, ATcpCheckFollowsItsListener) {
  asio::io_context io;
  auto acceptor = std::make_unique<tcp::acceptor>(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor->local_endpoint().port();
  add_tcp("db1", port);
  // The first run happens at once, well before the 1 s interval.
  ASSERT_TRUE(eventually([&] { return check("service:db1")->status == HealthStatus::Passing; }, 900ms));
  acceptor.reset();
  ASSERT_TRUE(eventually([&] { return check("service:db1")->status == HealthStatus::Critical; }));
  EXPECT_NE(check("service:db1")->output.find("refused"), std::string::npos);
}

TEST_F(Runner, ACriticalServiceIsReaped) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    tcp::acceptor a(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  add_tcp("db1", port, 200ms);
  ASSERT_TRUE(eventually([&] { return !reg.snapshot()->find_node("node1")->services.contains("db1"); }));
  EXPECT_FALSE(check("service:db1"));
}

TEST_F(Runner, ARemovedCheckStopsRunning) {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
  add_tcp("db1", a.local_endpoint().port());
  ASSERT_TRUE(eventually([&] { return check("service:db1")->status == HealthStatus::Passing; }));
  ASSERT_TRUE(reg.deregister_service("db1"));
  const auto index = reg.snapshot()->index();
  std::this_thread::sleep_for(1500ms);  // longer than the interval: no result may come back
  EXPECT_EQ(reg.snapshot()->index(), index);
}

}  // namespace roster::checks
