// The registry's write path with a journal: what is persisted, how it comes
// back, group commit under concurrent writers, and incremental catalogs.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <mutex>
#include <random>
#include <thread>

#include "fakes/manual_clock.hpp"
#include "registry/registry.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

// An in-memory journal: what a FileJournal would hold on disk.
struct FakeJournal final : Journal {
  struct Shared {
    std::mutex mu;
    std::string bytes;
    int appends = 0;
    int rewrites = 0;
    std::chrono::microseconds delay{0};
    bool fail = false;
  };
  explicit FakeJournal(std::shared_ptr<Shared> s) : s(std::move(s)) {}
  Status append(std::string_view records) override {
    if (s->delay.count()) std::this_thread::sleep_for(s->delay);
    std::lock_guard lk(s->mu);
    if (s->fail) return internal("disk full");
    s->bytes.append(records);
    ++s->appends;
    return ok();
  }
  Status rewrite(std::string_view records) override {
    std::lock_guard lk(s->mu);
    if (s->fail) return internal("disk full");
    s->bytes.assign(records);
    ++s->rewrites;
    return ok();
  }
  std::shared_ptr<Shared> s;
};

ServiceRegistration service(std::string id, std::string name = "web", Duration ttl = 30s) {
  ServiceRegistration r;
  r.service.id = std::move(id);
  r.service.name = std::move(name);
  r.service.port = 80;
  CheckDefinition c;
  c.kind = CheckKind::Ttl;
  c.kinds_named = 1;
  c.ttl = ttl;
  r.checks.push_back(c);
  return r;
}

class Persistence : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  std::shared_ptr<FakeJournal::Shared> disk = std::make_shared<FakeJournal::Shared>();
  std::unique_ptr<Registry> reg = fresh();

  std::unique_ptr<Registry> fresh() {
    return std::make_unique<Registry>(LocalNode{"node1", "id", "10.0.0.1", "dc1", {}}, clock.now());
  }
  void attach(Registry& r) { ASSERT_TRUE(r.attach_journal(std::make_unique<FakeJournal>(disk), clock)); }
  // A restart: a new registry restored from what is on "disk".
  std::unique_ptr<Registry> restart(const std::vector<ServiceRegistration>& config = {}) {
    auto r = fresh();
    for (const auto& s : config) EXPECT_TRUE(r->register_service(s, clock.now(), Origin::Config));
    const auto replayed = replay(disk->bytes);
    EXPECT_FALSE(replayed.torn_tail);
    r->restore(replayed.state, clock.now(), clock.wall_now());
    attach(*r);
    return r;
  }
  static const Check* check(const Registry& r, const std::string& id) {
    return r.snapshot()->find_node("node1")->checks.get(id);
  }
};

TEST_F(Persistence, RegisteredServicesAndTtlStateComeBack) {
  attach(*reg);
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  ASSERT_TRUE(reg->update_ttl("service:web1", HealthStatus::Warning, "slow", clock.now()));
  ASSERT_TRUE(reg->set_node_maintenance(true, "patching"));
  clock.advance(10s);  // the agent is down for 10 s of a 30 s TTL
  auto back = restart();
  const auto snap = back->snapshot();
  ASSERT_EQ(snap->instances("web").size(), 1u);
  const Check* c = check(*back, "service:web1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, HealthStatus::Warning);
  EXPECT_EQ(c->output, "slow");
  EXPECT_EQ(c->service_name, "web");
  ASSERT_TRUE(check(*back, "_node_maintenance"));
  EXPECT_EQ(check(*back, "_node_maintenance")->notes, "patching");
  // The restored TTL keeps its original deadline: 20 s left.
  ASSERT_TRUE(back->next_ttl_deadline());
  EXPECT_EQ(*back->next_ttl_deadline(), clock.now() + 20s);
}

TEST_F(Persistence, ExpiredTtlComesBackCritical) {
  attach(*reg);
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  ASSERT_TRUE(reg->update_ttl("service:web1", HealthStatus::Passing, "ok", clock.now()));
  clock.advance(31s);
  auto back = restart();
  const Check* c = check(*back, "service:web1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, HealthStatus::Critical);
  EXPECT_EQ(c->output, "");
}

TEST_F(Persistence, HeartbeatThatChangesNothingStillPersistsItsExpiry) {
  attach(*reg);
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  ASSERT_TRUE(reg->update_ttl("service:web1", HealthStatus::Passing, "ok", clock.now()));
  clock.advance(25s);
  ASSERT_TRUE(reg->update_ttl("service:web1", HealthStatus::Passing, "ok", clock.now()));  // same state
  clock.advance(10s);  // 35 s after the first pass, 10 s after the second
  auto back = restart();
  EXPECT_EQ(check(*back, "service:web1")->status, HealthStatus::Passing);
}

TEST_F(Persistence, DeregistrationsArePersisted) {
  attach(*reg);
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  ASSERT_TRUE(reg->register_service(service("web2"), clock.now()));
  ASSERT_TRUE(reg->deregister_service("web1"));
  CheckDefinition standalone;
  standalone.name = "mem";
  standalone.kind = CheckKind::Ttl;
  standalone.kinds_named = 1;
  standalone.ttl = 10s;
  ASSERT_TRUE(reg->register_check(standalone, clock.now()));
  ASSERT_TRUE(reg->deregister_check("mem"));
  auto back = restart();
  const auto* node = back->snapshot()->find_node("node1");
  EXPECT_FALSE(node->services.contains("web1"));
  EXPECT_TRUE(node->services.contains("web2"));
  EXPECT_FALSE(node->checks.contains("service:web1"));
  EXPECT_FALSE(node->checks.contains("mem"));
}

TEST_F(Persistence, ConfigServicesWinAndAreNotPersisted) {
  ASSERT_TRUE(reg->register_service(service("cfg", "fromconfig"), clock.now(), Origin::Config));
  attach(*reg);
  ASSERT_TRUE(reg->register_service(service("web1", "api-copy"), clock.now()));
  ASSERT_TRUE(reg->update_ttl("service:cfg", HealthStatus::Passing, "", clock.now()));
  auto r = replay(disk->bytes);
  EXPECT_EQ(r.state.services.count("cfg"), 0u);
  EXPECT_EQ(r.state.checks.count("service:cfg"), 0u);
  // Next run: web1 is now also defined in a config file: the config one wins.
  auto back = restart({service("web1", "configured")});
  EXPECT_EQ(back->snapshot()->find_node("node1")->services.at("web1").name, "configured");
  EXPECT_EQ(replay(disk->bytes).state.services.count("web1"), 0u);  // the persisted copy is purged
}

TEST_F(Persistence, AConfigServiceDeregisteredThenRegisteredOverTheApiIsPersisted) {
  ASSERT_TRUE(reg->register_service(service("cfg", "fromconfig"), clock.now(), Origin::Config));
  attach(*reg);
  ASSERT_TRUE(reg->deregister_service("cfg"));
  ASSERT_TRUE(reg->register_service(service("cfg", "fromapi"), clock.now()));
  EXPECT_EQ(replay(disk->bytes).state.services.count("cfg"), 1u);
  auto back = restart();  // the config file no longer defines it
  EXPECT_EQ(back->snapshot()->find_node("node1")->services.at("cfg").name, "fromapi");
}

TEST_F(Persistence, ConcurrentWritersShareCommitsAndAllAreDurable) {
  disk->delay = 1ms;  // like an fsync
  attach(*reg);
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "s" + std::to_string(t) + "-" + std::to_string(i);
        auto r = reg->register_service(service(id), clock.now());
        ASSERT_TRUE(r);
        // Acknowledged means durable and visible.
        ASSERT_TRUE(reg->snapshot()->find_node("node1")->services.contains(id));
        {
          std::lock_guard lk(disk->mu);
          ASSERT_EQ(replay(disk->bytes).state.services.count(id), 1u);
        }
        ++acknowledged;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged, kThreads * kEach);
  EXPECT_LT(disk->appends, kThreads * kEach);  // grouped
  EXPECT_EQ(replay(disk->bytes).state.services.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(reg->snapshot()->instances("web").size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_F(Persistence, AFailedAppendFailsTheWriteAndTheNextGroupRewrites) {
  attach(*reg);
  disk->fail = true;
  EXPECT_FALSE(reg->register_service(service("web1"), clock.now()));
  disk->fail = false;
  ASSERT_TRUE(reg->register_service(service("web2"), clock.now()));
  EXPECT_EQ(disk->rewrites, 2);  // attach, then the recovery
  const auto r = replay(disk->bytes);
  EXPECT_EQ(r.state.services.size(), 2u);  // the whole state, web1 included
}

TEST_F(Persistence, IncrementalCatalogMatchesOneBuiltFromScratch) {
  std::mt19937 rng(3);
  for (int i = 0; i < 3000; ++i) {
    const std::string id = "i" + std::to_string(rng() % 300);
    const std::string name = "svc" + std::to_string(rng() % 7);
    switch (rng() % 5) {
      case 0: (void)reg->deregister_service(id); break;
      case 1: (void)reg->update_ttl("service:" + id, HealthStatus::Passing, "", clock.now()); break;
      case 2: (void)reg->set_service_maintenance(id, rng() % 2, ""); break;
      case 3: {
        CatalogRegistration c;
        c.node.name = "remote" + std::to_string(rng() % 3);
        c.node.address = "10.1.1.1";
        c.service = Service{};
        c.service->id = id;
        c.service->name = name;
        (void)reg->catalog_register(c);
        break;
      }
      default: (void)reg->register_service(service(id, name), clock.now());
    }
  }
  const auto inc = reg->snapshot();
  const Catalog scratch(inc->index(), "dc1", inc->nodes());
  for (int n = 0; n < 7; ++n) {
    const std::string name = "svc" + std::to_string(n);
    const auto a = inc->instances(name);
    const auto b = scratch.instances(name);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].node, b[i].node);
      EXPECT_EQ(a[i].service, b[i].service);
      EXPECT_EQ(a[i].checks, b[i].checks);
      EXPECT_EQ(a[i].health, b[i].health);
    }
  }
}

// --- deferred acknowledgement (the HTTP write path) ---------------------------

// A commit executor the test runs by hand.
struct ManualExecutor {
  std::vector<std::function<void()>> tasks;
  Registry::CommitExecutor executor() {
    return [this](std::function<void()> t) { tasks.push_back(std::move(t)); };
  }
  void run_all() {
    while (!tasks.empty()) {
      auto t = std::move(tasks.front());
      tasks.erase(tasks.begin());
      t();
    }
  }
};

TEST_F(Persistence, DeferredWritesAreAcknowledgedOnlyOnceCommitted) {
  attach(*reg);
  ManualExecutor ex;
  reg->set_commit_executor(ex.executor());
  const Index before = reg->snapshot()->index();
  std::uint64_t seq1 = 0, seq2 = 0;
  {
    Registry::DeferredCommit scope(*reg);
    ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
    seq1 = scope.seq();
  }
  {
    Registry::DeferredCommit scope(*reg);
    ASSERT_TRUE(reg->register_service(service("web2"), clock.now()));
    seq2 = scope.seq();
  }
  ASSERT_GT(seq1, 0u);
  ASSERT_GT(seq2, seq1);
  // Applied, not yet durable nor visible.
  EXPECT_EQ(reg->snapshot()->index(), before);
  EXPECT_EQ(disk->appends, 0);
  std::vector<Status> acks;
  reg->when_committed(seq1, [&](Status st) { acks.push_back(st); });
  reg->when_committed(seq2, [&](Status st) { acks.push_back(st); });
  EXPECT_TRUE(acks.empty());
  ASSERT_EQ(ex.tasks.size(), 1u);  // one task for both: they share a group
  ex.run_all();
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_TRUE(acks[0]);
  EXPECT_TRUE(acks[1]);
  EXPECT_EQ(disk->appends, 1);  // one append (one fsync) for the group
  EXPECT_EQ(reg->snapshot()->instances("web").size(), 2u);
  // Already committed: acknowledged at once.
  bool now = false;
  reg->when_committed(seq2, [&](Status st) { now = static_cast<bool>(st); });
  EXPECT_TRUE(now);
  EXPECT_EQ(restart()->snapshot()->instances("web").size(), 2u);
}

TEST_F(Persistence, DeferredWriteLearnsThatItsGroupFailed) {
  attach(*reg);
  ManualExecutor ex;
  reg->set_commit_executor(ex.executor());
  std::uint64_t seq = 0;
  {
    Registry::DeferredCommit scope(*reg);
    ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
    seq = scope.seq();
  }
  disk->fail = true;
  std::optional<Status> ack;
  reg->when_committed(seq, [&](Status st) { ack = st; });
  ex.run_all();
  ASSERT_TRUE(ack);
  ASSERT_FALSE(*ack);
  EXPECT_EQ(ack->error().message, "disk full");
}

TEST_F(Persistence, WritesOutsideAScopeStillCommitBeforeReturning) {
  attach(*reg);
  ManualExecutor ex;
  reg->set_commit_executor(ex.executor());
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  EXPECT_TRUE(ex.tasks.empty());
  EXPECT_EQ(disk->appends, 1);
  EXPECT_EQ(reg->snapshot()->instances("web").size(), 1u);
}

TEST_F(Persistence, DeferredAndBlockingWritersShareTheCommitPath) {
  attach(*reg);
  ManualExecutor ex;
  reg->set_commit_executor(ex.executor());
  std::uint64_t seq = 0;
  {
    Registry::DeferredCommit scope(*reg);
    ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
    seq = scope.seq();
  }
  std::optional<Status> ack;
  reg->when_committed(seq, [&](Status st) { ack = st; });
  // A blocking writer commits the deferred write's group along with its own
  // and acknowledges it; the executor's task then finds nothing left.
  ASSERT_TRUE(reg->register_service(service("web2"), clock.now()));
  ASSERT_TRUE(ack);
  EXPECT_TRUE(*ack);
  ex.run_all();
  EXPECT_EQ(reg->snapshot()->instances("web").size(), 2u);
}

TEST_F(Persistence, WithoutAnExecutorDeferredScopesCommitInline) {
  attach(*reg);
  Registry::DeferredCommit scope(*reg);
  ASSERT_TRUE(reg->register_service(service("web1"), clock.now()));
  EXPECT_EQ(scope.seq(), 0u);
  EXPECT_EQ(reg->snapshot()->instances("web").size(), 1u);
}

}  // namespace
}  // namespace roster::registry
