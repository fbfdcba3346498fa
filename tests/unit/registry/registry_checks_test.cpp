// Interval checks (HTTP, TCP, script) in the Registry on a manual clock:
// definitions, results through thresholds, TTL expiry, reaping, script
// policy, and persistence of definitions.
#include <gtest/gtest.h>

#include "fakes/manual_clock.hpp"
#include "registry/registry.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

CheckDefinition http_check(std::string url = "http://127.0.0.1:8080/health") {
  CheckDefinition d;
  d.kind = CheckKind::Http;
  d.kinds_named = 1;
  d.spec.http = std::move(url);
  d.spec.interval = 10s;
  return d;
}
CheckDefinition tcp_check(std::string target = "127.0.0.1:5432") {
  CheckDefinition d;
  d.kind = CheckKind::Tcp;
  d.kinds_named = 1;
  d.spec.tcp = std::move(target);
  d.spec.interval = 10s;
  return d;
}
CheckDefinition script_check() {
  CheckDefinition d;
  d.kind = CheckKind::Script;
  d.kinds_named = 1;
  d.spec.args = {"/bin/true"};
  d.spec.interval = 10s;
  return d;
}
CheckDefinition ttl_check(Duration ttl = 10s) {
  CheckDefinition d;
  d.kind = CheckKind::Ttl;
  d.kinds_named = 1;
  d.ttl = ttl;
  return d;
}

class RegistryChecks : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  Registry reg{LocalNode{"node1", "id", "10.0.0.1", "dc1", {}}, clock.now()};

  Result<Index> add(const std::string& id, std::vector<CheckDefinition> checks, Origin origin = Origin::Api) {
    ServiceRegistration r;
    r.service.name = "web";
    r.service.id = id;
    r.checks = std::move(checks);
    return reg.register_service(r, clock.now(), origin);
  }
  const Check* check(const std::string& id) {
    snap_ = reg.snapshot();
    return snap_->find_node("node1")->checks.get(id);
  }
  bool has_service(const std::string& id) {
    snap_ = reg.snapshot();
    return snap_->find_node("node1")->services.contains(id);
  }
  void report(const std::string& id, HealthStatus s, std::string out = "out") {
    ASSERT_TRUE(reg.report_checks({CheckReport{id, s, std::move(out)}}, clock.now()));
  }
  std::shared_ptr<const Catalog> snap_;
};

}  // namespace

TEST_F(RegistryChecks, IntervalChecksAreStoredWithTheirDefinition) {
  auto h = http_check();
  h.spec.method = "POST";
  h.spec.header = {{"X-A", {"1", "2"}}};
  ASSERT_TRUE(add("web1", {h, tcp_check()}));
  const Check* c = check("service:web1:1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, CheckType::Http);
  EXPECT_EQ(c->spec, h.spec);
  EXPECT_EQ(c->status, HealthStatus::Critical);  // Consul's initial status
  EXPECT_EQ(check("service:web1:2")->type, CheckType::Tcp);
  EXPECT_FALSE(reg.next_ttl_deadline());  // no TTL timer for interval checks
}

TEST_F(RegistryChecks, InitialStatusIsKept) {
  auto h = http_check();
  h.status = HealthStatus::Passing;
  ASSERT_TRUE(add("web1", {h}));
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Passing);
}

TEST_F(RegistryChecks, ReportsSetStatusAndOutput) {
  ASSERT_TRUE(add("web1", {http_check()}));
  report("service:web1", HealthStatus::Passing, "HTTP GET ...: 200 OK Output: fine");
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Passing);
  EXPECT_EQ(check("service:web1")->output, "HTTP GET ...: 200 OK Output: fine");
  report("service:web1", HealthStatus::Warning);
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Warning);
}

TEST_F(RegistryChecks, ASameResultPublishesNothing) {
  ASSERT_TRUE(add("web1", {http_check()}));
  report("service:web1", HealthStatus::Passing);
  const Index before = reg.snapshot()->index();
  report("service:web1", HealthStatus::Passing);
  EXPECT_EQ(reg.snapshot()->index(), before);
}

TEST_F(RegistryChecks, ThresholdsGateTransitions) {
  auto h = http_check();
  h.spec.success_before_passing = 2;
  h.spec.failures_before_critical = 3;
  ASSERT_TRUE(add("web1", {h}));
  report("service:web1", HealthStatus::Passing, "first");
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Critical);
  EXPECT_EQ(check("service:web1")->output, "");  // nothing visible changes below a threshold
  report("service:web1", HealthStatus::Passing, "second");
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Passing);
  report("service:web1", HealthStatus::Critical);
  report("service:web1", HealthStatus::Critical);
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Passing);
  report("service:web1", HealthStatus::Critical, "down");
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Critical);
  EXPECT_EQ(check("service:web1")->output, "down");
}

TEST_F(RegistryChecks, AChangedDefinitionRestartsTheCounters) {
  auto h = http_check();
  h.spec.success_before_passing = 2;
  ASSERT_TRUE(add("web1", {h}));
  report("service:web1", HealthStatus::Passing);
  h.spec.http = "http://127.0.0.1:9/other";
  ASSERT_TRUE(add("web1", {h}));
  report("service:web1", HealthStatus::Passing);
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Critical);
  report("service:web1", HealthStatus::Passing);
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Passing);
}

TEST_F(RegistryChecks, IdenticalReRegistrationChangesNothingButADifferentSpecDoes) {
  ASSERT_TRUE(add("web1", {tcp_check()}));
  const Index i1 = reg.snapshot()->index();
  ASSERT_TRUE(add("web1", {tcp_check()}));
  EXPECT_EQ(reg.snapshot()->index(), i1);
  ASSERT_TRUE(add("web1", {tcp_check("127.0.0.1:6543")}));
  EXPECT_GT(reg.snapshot()->index(), i1);
  EXPECT_EQ(check("service:web1")->spec.tcp, "127.0.0.1:6543");
}

TEST_F(RegistryChecks, ReportsForUnknownOrTtlChecksAreIgnored) {
  ASSERT_TRUE(add("web1", {ttl_check()}));
  const Index i1 = reg.snapshot()->index();
  ASSERT_TRUE(reg.report_checks({{"service:web1", HealthStatus::Passing, "x"}, {"nope", HealthStatus::Passing, "x"}},
                                clock.now()));
  EXPECT_EQ(reg.snapshot()->index(), i1);
  EXPECT_EQ(check("service:web1")->status, HealthStatus::Critical);
}

TEST_F(RegistryChecks, TtlUpdatesStillWorkAndIntervalChecksAreNotTtl) {
  ASSERT_TRUE(add("web1", {ttl_check(5s), http_check()}));
  ASSERT_TRUE(reg.update_ttl("service:web1:1", HealthStatus::Passing, "ok", clock.now()));
  auto r = reg.update_ttl("service:web1:2", HealthStatus::Passing, "ok", clock.now());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Conflict);
  clock.advance(5s);
  reg.expire_ttls(clock.now());
  EXPECT_EQ(check("service:web1:1")->status, HealthStatus::Critical);
  EXPECT_EQ(check("service:web1:1")->output, "TTL expired (last output before timeout follows): ok");
}

TEST_F(RegistryChecks, TtlOutputIsCappedAtOutputMaxSize) {
  auto t = ttl_check();
  t.spec.output_max_size = 10;
  ASSERT_TRUE(add("web1", {t}));
  ASSERT_TRUE(reg.update_ttl("service:web1", HealthStatus::Passing, std::string(100, 'x'), clock.now()));
  EXPECT_EQ(check("service:web1")->output.size(), 10u);
}

TEST_F(RegistryChecks, ValidationNamesTheProblem) {
  struct Case {
    CheckDefinition def;
    std::string expect;
  };
  std::vector<Case> cases;
  auto no_interval = http_check();
  no_interval.spec.interval = 0s;
  cases.push_back({no_interval, "Interval must be > 0"});
  cases.push_back({http_check("ftp://x/"), "HTTP must be an http:// or https:// URL"});
  cases.push_back({tcp_check("nohost"), "TCP must be host:port"});
  auto both = ttl_check();
  both.spec.interval = 1s;
  cases.push_back({both, "Interval and TTL cannot both be specified"});
  auto neg = tcp_check();
  neg.spec.failures_before_critical = -1;
  cases.push_back({neg, "must be >= 0"});
  auto negd = tcp_check();
  negd.spec.deregister_critical_after = -1s;
  cases.push_back({negd, "must not be negative"});
  auto grpc = tcp_check();
  grpc.kind = CheckKind::Grpc;
  grpc.kind_name = "GRPC";
  cases.push_back({grpc, "GRPC checks are not supported"});
  auto noargs = script_check();
  noargs.spec.args.clear();
  cases.push_back({noargs, "Args must name a program"});
  auto bad_method = http_check();
  bad_method.spec.method = "GET /x";
  cases.push_back({bad_method, "is not an HTTP method"});
  for (const auto& c : cases) {
    auto r = add("web1", {c.def});
    ASSERT_FALSE(r) << c.expect;
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
}

TEST_F(RegistryChecks, ScriptChecksFollowThePolicy) {
  auto r = add("web1", {script_check()});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or "
            "'enable_local_script_checks' to true");
  EXPECT_FALSE(add("web1", {script_check()}, Origin::Config));

  reg.set_script_checks({false, true});  // enable_local_script_checks
  EXPECT_TRUE(add("web1", {script_check()}, Origin::Config));
  r = add("web2", {script_check()});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("from remote calls"), std::string::npos);
  auto standalone = script_check();
  standalone.name = "s";
  EXPECT_FALSE(reg.register_check(standalone, clock.now()));

  reg.set_script_checks({true, true});  // enable_script_checks
  EXPECT_TRUE(add("web2", {script_check()}));
  EXPECT_TRUE(reg.register_check(standalone, clock.now()));
  EXPECT_EQ(check("s")->type, CheckType::Script);
}

TEST_F(RegistryChecks, StandaloneIntervalChecks) {
  auto t = tcp_check();
  t.name = "db";
  ASSERT_TRUE(reg.register_check(t, clock.now()));
  EXPECT_EQ(check("db")->type, CheckType::Tcp);
  report("db", HealthStatus::Passing);
  ASSERT_TRUE(reg.register_check(t, clock.now()));  // re-registration keeps the status
  EXPECT_EQ(check("db")->status, HealthStatus::Passing);
}

TEST_F(RegistryChecks, ServicesCriticalPastTheirLimitAreReaped) {
  auto h = http_check();
  h.spec.deregister_critical_after = 30s;
  ASSERT_TRUE(add("web1", {h}));      // critical from the start
  ASSERT_TRUE(add("web2", {tcp_check()}));  // no limit: never reaped
  clock.advance(29s);
  EXPECT_TRUE(reg.reap_critical_services(clock.now()).empty());
  clock.advance(1s);
  EXPECT_EQ(reg.reap_critical_services(clock.now()), std::vector<std::string>{"web1"});
  EXPECT_FALSE(has_service("web1"));
  EXPECT_FALSE(check("service:web1"));
  EXPECT_TRUE(has_service("web2"));
}

TEST_F(RegistryChecks, ABreakInCriticalRestartsTheReapClock) {
  auto h = http_check();
  h.spec.deregister_critical_after = 30s;
  ASSERT_TRUE(add("web1", {h}));
  clock.advance(20s);
  report("service:web1", HealthStatus::Passing);
  clock.advance(5s);
  report("service:web1", HealthStatus::Critical);
  clock.advance(29s);  // critical for 29 s only
  EXPECT_TRUE(reg.reap_critical_services(clock.now()).empty());
  report("service:web1", HealthStatus::Critical, "still down");  // stays critical: clock keeps running
  clock.advance(1s);
  EXPECT_EQ(reg.reap_critical_services(clock.now()), std::vector<std::string>{"web1"});
}

TEST_F(RegistryChecks, AnExpiredTtlCheckIsReapedToo) {
  auto t = ttl_check(10s);
  t.status = HealthStatus::Passing;
  t.spec.deregister_critical_after = 5s;
  ASSERT_TRUE(add("web1", {t}));
  clock.advance(10s);
  reg.expire_ttls(clock.now());
  clock.advance(4s);
  EXPECT_TRUE(reg.reap_critical_services(clock.now()).empty());
  clock.advance(1s);
  EXPECT_EQ(reg.reap_critical_services(clock.now()), std::vector<std::string>{"web1"});
}

TEST_F(RegistryChecks, WarningIsNotCriticalForReaping) {
  auto h = http_check();
  h.spec.deregister_critical_after = 10s;
  h.status = HealthStatus::Warning;
  ASSERT_TRUE(add("web1", {h}));
  clock.advance(1h);
  EXPECT_TRUE(reg.reap_critical_services(clock.now()).empty());
}

// --- persistence of definitions ----------------------------------------------

TEST(CheckJournal, SpecsRoundTripAndOldRecordsStillReplay) {
  Check c;
  c.id = "service:web1";
  c.name = "n";
  c.service_id = "web1";
  c.type = CheckType::Http;
  c.spec.http = "https://h/x";
  c.spec.method = "PUT";
  c.spec.header = {{"A", {"1", "2"}}, {"B", {}}};
  c.spec.body = "{}";
  c.spec.tls_skip_verify = true;
  c.spec.tls_server_name = "sni";
  c.spec.interval = 3s;
  c.spec.timeout = 1s;
  c.spec.success_before_passing = 2;
  c.spec.failures_before_warning = 1;
  c.spec.failures_before_critical = 4;
  c.spec.deregister_critical_after = 1min;
  c.spec.output_max_size = 100;
  Check s = c;
  s.id = "script";
  s.type = CheckType::Script;
  s.spec = CheckSpec{};
  s.spec.args = {"/bin/check", "-v"};
  s.spec.interval = 5s;
  std::string log;
  encode_put_check(log, c, std::nullopt);
  encode_put_check(log, s, std::nullopt);
  const auto r = replay(log);
  EXPECT_EQ(r.corrupt, 0u);
  ASSERT_EQ(r.state.checks.size(), 2u);
  EXPECT_EQ(r.state.checks.at("service:web1").check.spec, c.spec);
  EXPECT_EQ(r.state.checks.at("service:web1").check.type, CheckType::Http);
  EXPECT_EQ(r.state.checks.at("script").check.spec, s.spec);

  // A TTL check's record is byte for byte what older versions wrote, and
  // decodes with a default spec.
  Check t;
  t.id = "t";
  t.ttl = 10s;
  std::string plain;
  encode_put_check(plain, t, std::nullopt);
  const auto p = replay(plain);
  EXPECT_EQ(p.corrupt, 0u);
  EXPECT_EQ(p.state.checks.at("t").check.spec, CheckSpec{});
}

TEST(CheckJournal, APreviousVersionsRecordReplays) {
  // A PutCheck as the version before check specs wrote it (hand-built frame):
  // type 3, id "c", name "n", notes "", output "o", status 0 (passing),
  // service "", type 0 (ttl), ttl 2 ns (zigzag 4), expires 0.
  const std::string payload = std::string("\x03\x01" "c" "\x01" "n" "\x00" "\x01" "o" "\x00" "\x00" "\x00" "\x04" "\x00", 13);
  std::string frame;
  const auto put_u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put_u32(static_cast<std::uint32_t>(payload.size()));
  std::string probe;  // the CRC: computed by encoding an identical check the current way
  Check c;
  c.id = "c";
  c.name = "n";
  c.output = "o";
  c.status = HealthStatus::Passing;
  c.ttl = Duration(2);
  encode_put_check(probe, c, std::nullopt);
  ASSERT_EQ(probe.substr(8), payload);  // unchanged encoding for checks without a spec
  const auto r = replay(probe);
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.state.checks.at("c").check.output, "o");
}

TEST_F(RegistryChecks, RestoredIntervalChecksKeepTheirDefinitionAndScriptsNeedThePolicy) {
  PersistedState saved;
  Service svc;
  svc.id = "web1";
  svc.name = "web";
  saved.services["web1"] = svc;
  Check h;
  h.id = "service:web1:1";
  h.service_id = "web1";
  h.type = CheckType::Http;
  h.spec = http_check().spec;
  Check s;
  s.id = "service:web1:2";
  s.service_id = "web1";
  s.type = CheckType::Script;
  s.spec = script_check().spec;
  saved.checks[h.id] = PersistedCheck{h, std::nullopt};
  saved.checks[s.id] = PersistedCheck{s, std::nullopt};
  reg.restore(saved, clock.now(), clock.wall_now());
  ASSERT_TRUE(check(h.id));
  EXPECT_EQ(check(h.id)->spec, h.spec);
  EXPECT_FALSE(check(s.id));  // script checks are not accepted from the API now

  Registry with_scripts{LocalNode{"node1", "id", "10.0.0.1", "dc1", {}}, clock.now()};
  with_scripts.set_script_checks({true, true});
  with_scripts.restore(saved, clock.now(), clock.wall_now());
  EXPECT_TRUE(with_scripts.snapshot()->find_node("node1")->checks.contains(s.id));
}

}  // namespace roster::registry
