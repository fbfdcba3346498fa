#include "wrapper/options.hpp"

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

using namespace std::chrono_literals;
using Args = std::vector<std::string>;

WrapOptions parse_ok(const Args& args, const Environment& env = {}) {
  auto r = parse_wrap_options(args, env);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : WrapOptions{};
}

std::string parse_error(const Args& args, const Environment& env = {}) {
  auto r = parse_wrap_options(args, env);
  EXPECT_FALSE(r.ok()) << "expected a usage error";
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, ErrorCode::Invalid);
  return r.error().message;
}

TEST(WrapOptions, DefaultsAreIanitors) {
  const auto o = parse_ok({"netcat", "--", "nc", "-l", "9999"});
  EXPECT_FALSE(o.help);
  EXPECT_EQ(o.agent_host, "localhost");
  EXPECT_EQ(o.agent_port, 8500);
  EXPECT_EQ(o.ttl, 10s);
  EXPECT_EQ(o.heartbeat, 1s);  // ttl / 10
  EXPECT_TRUE(o.tags.empty());
  EXPECT_EQ(o.id, "netcat");  // defaults to the service name
  EXPECT_FALSE(o.port.has_value());
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_EQ(o.service_name, "netcat");
  EXPECT_EQ(o.command, (Args{"nc", "-l", "9999"}));
  EXPECT_EQ(o.token, "");
}

TEST(WrapOptions, TheWalkthroughLineParses) {
  const auto o = parse_ok({"--port", "9999", "netcat", "--", "nc", "-l", "9999"});
  EXPECT_EQ(o.port, 9999);
  EXPECT_EQ(o.service_name, "netcat");
}

TEST(WrapOptions, EveryOptionWithSeparateValue) {
  const auto o = parse_ok({"--consul-agent", "agent.example:8501", "--ttl", "30", "--heartbeat", "5", "--tags", "a",
                           "--id", "web-1", "--port", "8080", "-v", "web", "--", "./server"});
  EXPECT_EQ(o.agent_host, "agent.example");
  EXPECT_EQ(o.agent_port, 8501);
  EXPECT_EQ(o.ttl, 30s);
  EXPECT_EQ(o.heartbeat, 5s);
  EXPECT_EQ(o.tags, (Args{"a"}));
  EXPECT_EQ(o.id, "web-1");
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.verbosity, 1);
  EXPECT_EQ(o.command, (Args{"./server"}));
}

TEST(WrapOptions, EveryOptionWithEqualsValue) {
  const auto o = parse_ok({"--consul-agent=10.0.0.1", "--ttl=2.5", "--heartbeat=0.5", "--tags=x", "--id=i",
                           "--port=1", "--verbose", "web", "--", "cmd"});
  EXPECT_EQ(o.agent_host, "10.0.0.1");
  EXPECT_EQ(o.agent_port, 8500);  // hostname without port keeps the default
  EXPECT_EQ(o.ttl, 2500ms);
  EXPECT_EQ(o.heartbeat, 500ms);
  EXPECT_EQ(o.tags, (Args{"x"}));
  EXPECT_EQ(o.id, "i");
  EXPECT_EQ(o.port, 1);
  EXPECT_EQ(o.verbosity, 1);
}

TEST(WrapOptions, TagsAreRepeatableInOrder) {
  const auto o = parse_ok({"--tags", "a", "--tags=b", "--tags", "c", "web", "--", "cmd"});
  EXPECT_EQ(o.tags, (Args{"a", "b", "c"}));
}

TEST(WrapOptions, VerbosityCountsEveryV) {
  EXPECT_EQ(parse_ok({"-v", "-v", "web", "--", "cmd"}).verbosity, 2);
  EXPECT_EQ(parse_ok({"-vvv", "web", "--", "cmd"}).verbosity, 3);
  EXPECT_EQ(parse_ok({"-v", "--verbose", "-vv", "web", "--", "cmd"}).verbosity, 4);
}

TEST(WrapOptions, VerbosityMapsToLogLevels) {
  EXPECT_EQ(log_level_for_verbosity(0), LogLevel::Error);
  EXPECT_EQ(log_level_for_verbosity(1), LogLevel::Error);
  EXPECT_EQ(log_level_for_verbosity(2), LogLevel::Warn);
  EXPECT_EQ(log_level_for_verbosity(3), LogLevel::Debug);
  EXPECT_EQ(log_level_for_verbosity(7), LogLevel::Debug);
}

TEST(WrapOptions, OptionsMayFollowTheServiceName) {
  const auto o = parse_ok({"web", "--port", "80", "--", "cmd"});
  EXPECT_EQ(o.service_name, "web");
  EXPECT_EQ(o.port, 80);
}

TEST(WrapOptions, UnambiguousPrefixesWorkAsInArgparse) {
  const auto o = parse_ok({"--heart", "2", "--tag", "t", "--consul", "h:1", "web", "--", "cmd"});
  EXPECT_EQ(o.heartbeat, 2s);
  EXPECT_EQ(o.tags, (Args{"t"}));
  EXPECT_EQ(o.agent_host, "h");
  EXPECT_EQ(o.agent_port, 1);
}

TEST(WrapOptions, HeartbeatDefaultsToATenthOfTtl) {
  EXPECT_EQ(parse_ok({"--ttl", "30", "web", "--", "cmd"}).heartbeat, 3s);
  EXPECT_EQ(parse_ok({"--ttl", "1", "web", "--", "cmd"}).heartbeat, 100ms);
  // ianitor: a zero heartbeat means "use the default".
  EXPECT_EQ(parse_ok({"--ttl", "20", "--heartbeat", "0", "web", "--", "cmd"}).heartbeat, 2s);
}

TEST(WrapOptions, OnlyTheFirstDoubleDashSplits) {
  const auto o = parse_ok({"web", "--", "sh", "-c", "echo", "--", "x"});
  EXPECT_EQ(o.command, (Args{"sh", "-c", "echo", "--", "x"}));
}

TEST(WrapOptions, CommandWordsAreNotParsed) {
  const auto o = parse_ok({"web", "--", "cmd", "--port", "1", "-v", "--bogus"});
  EXPECT_FALSE(o.port.has_value());
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_EQ(o.command, (Args{"cmd", "--port", "1", "-v", "--bogus"}));
}

TEST(WrapOptions, BracketedIpv6Agent) {
  const auto o = parse_ok({"--consul-agent", "[::1]:8600", "web", "--", "cmd"});
  EXPECT_EQ(o.agent_host, "::1");
  EXPECT_EQ(o.agent_port, 8600);
}

TEST(WrapOptions, ConsulHttpAddrSetsTheAgentWhenTheFlagIsAbsent) {
  EXPECT_EQ(parse_ok({"web", "--", "cmd"}, {{"CONSUL_HTTP_ADDR", "10.1.2.3:8501"}}).agent_host, "10.1.2.3");
  const auto o = parse_ok({"web", "--", "cmd"}, {{"CONSUL_HTTP_ADDR", "http://agent:9500/"}});
  EXPECT_EQ(o.agent_host, "agent");
  EXPECT_EQ(o.agent_port, 9500);
}

TEST(WrapOptions, ConsulAgentFlagWinsOverConsulHttpAddr) {
  const auto o = parse_ok({"--consul-agent", "flag:1", "web", "--", "cmd"}, {{"CONSUL_HTTP_ADDR", "env:2"}});
  EXPECT_EQ(o.agent_host, "flag");
  EXPECT_EQ(o.agent_port, 1);
}

TEST(WrapOptions, BadConsulHttpAddrIsAUsageError) {
  EXPECT_NE(parse_error({"web", "--", "cmd"}, {{"CONSUL_HTTP_ADDR", "https://agent:8501"}}).find("CONSUL_HTTP_ADDR"),
            std::string::npos);
  parse_error({"web", "--", "cmd"}, {{"CONSUL_HTTP_ADDR", "agent:notaport"}});
}

TEST(WrapOptions, ConsulHttpTokenIsPickedUp) {
  EXPECT_EQ(parse_ok({"web", "--", "cmd"}, {{"CONSUL_HTTP_TOKEN", "s3cret"}}).token, "s3cret");
}

TEST(WrapOptions, HelpInEitherSpellingAndWhenCalledBare) {
  EXPECT_TRUE(parse_ok({"-h"}).help);
  EXPECT_TRUE(parse_ok({"--help"}).help);
  EXPECT_TRUE(parse_ok({"web", "--help", "--", "cmd"}).help);
  EXPECT_TRUE(parse_ok({}).help);
}

TEST(WrapOptions, UsageErrors) {
  EXPECT_NE(parse_error({"--", "cmd"}).find("service-name"), std::string::npos);
  EXPECT_NE(parse_error({"web"}).find("command missing"), std::string::npos);
  EXPECT_NE(parse_error({"web", "nc", "-l"}).find("command missing"), std::string::npos);
  EXPECT_NE(parse_error({"web", "--"}).find("command missing"), std::string::npos);
  EXPECT_NE(parse_error({"--ttl", "ten", "web", "--", "cmd"}).find("invalid float value"), std::string::npos);
  EXPECT_NE(parse_error({"--ttl", "0", "web", "--", "cmd"}).find("--ttl"), std::string::npos);
  EXPECT_NE(parse_error({"--ttl", "-5", "web", "--", "cmd"}).find("--ttl"), std::string::npos);
  EXPECT_NE(parse_error({"--ttl=nan", "web", "--", "cmd"}).find("--ttl"), std::string::npos);
  EXPECT_NE(parse_error({"--heartbeat", "x", "web", "--", "cmd"}).find("--heartbeat"), std::string::npos);
  EXPECT_NE(parse_error({"--heartbeat", "-1", "web", "--", "cmd"}).find("--heartbeat"), std::string::npos);
  EXPECT_NE(parse_error({"--port", "http", "web", "--", "cmd"}).find("--port"), std::string::npos);
  EXPECT_NE(parse_error({"--port", "70000", "web", "--", "cmd"}).find("--port"), std::string::npos);
  EXPECT_NE(parse_error({"--consul-agent", ":8500", "web", "--", "cmd"}).find("--consul-agent"), std::string::npos);
  EXPECT_NE(parse_error({"--consul-agent", "h:x", "web", "--", "cmd"}).find("--consul-agent"), std::string::npos);
  EXPECT_NE(parse_error({"--consul-agent", "h:1:2", "web", "--", "cmd"}).find("--consul-agent"), std::string::npos);
  EXPECT_NE(parse_error({"--bogus", "web", "--", "cmd"}).find("unrecognized arguments: --bogus"), std::string::npos);
  EXPECT_NE(parse_error({"-x", "web", "--", "cmd"}).find("unrecognized"), std::string::npos);
  EXPECT_NE(parse_error({"web", "extra", "--", "cmd"}).find("unrecognized arguments: extra"), std::string::npos);
  EXPECT_NE(parse_error({"--id", "web", "--", "cmd"}).find("service-name"), std::string::npos);
  EXPECT_NE(parse_error({"--tags", "--id", "x", "web", "--", "cmd"}).find("expected one argument"),
            std::string::npos);
  EXPECT_NE(parse_error({"web", "--port", "--", "cmd"}).find("expected one argument"), std::string::npos);
  EXPECT_NE(parse_error({"--verbose=2", "web", "--", "cmd"}).find("ignored explicit argument"), std::string::npos);
  EXPECT_NE(parse_error({"--", "--", "cmd"}).find("service-name"), std::string::npos);
}

TEST(WrapOptions, RosterAdditionsHaveDefaults) {
  const auto o = parse_ok({"--ttl", "20", "web", "--", "cmd"});
  EXPECT_EQ(o.address, "");
  EXPECT_TRUE(o.meta.empty());
  EXPECT_FALSE(o.check_http);
  EXPECT_FALSE(o.check_tcp);
  EXPECT_EQ(o.check_interval, 2s);  // the heartbeat
  EXPECT_EQ(o.drain, 0ms);
  EXPECT_EQ(o.on_exit, OnExit::Deregister);
}

TEST(WrapOptions, RosterAdditionsParse) {
  const auto o = parse_ok({"--address", "eth0", "--meta", "version=1.2", "--meta=zone=a=b", "--check-http",
                           "http://127.0.0.1:8080/health", "--port", "8080", "--check-tcp", "--check-interval", "0.25",
                           "--drain=5", "--on-exit", "critical", "web", "--", "cmd"});
  EXPECT_EQ(o.address, "eth0");
  using Meta = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(o.meta, (Meta{{"version", "1.2"}, {"zone", "a=b"}}));  // split at the first '='
  ASSERT_TRUE(o.check_http);
  EXPECT_EQ(o.check_http->port, 8080);
  EXPECT_EQ(o.check_http->target, "/health");
  EXPECT_TRUE(o.check_tcp);
  EXPECT_EQ(o.check_interval, 250ms);
  EXPECT_EQ(o.drain, 5s);
  EXPECT_EQ(o.on_exit, OnExit::Critical);
  EXPECT_EQ(parse_ok({"--on-exit", "deregister", "web", "--", "cmd"}).on_exit, OnExit::Deregister);
  EXPECT_EQ(parse_ok({"--meta", "empty=", "web", "--", "cmd"}).meta.front().second, "");
}

TEST(WrapOptions, RosterAdditionsUsageErrors) {
  EXPECT_NE(parse_error({"--check-tcp", "web", "--", "cmd"}).find("needs --port"), std::string::npos);
  EXPECT_NE(parse_error({"--check-http", "https://x/", "web", "--", "cmd"}).find("only http://"), std::string::npos);
  EXPECT_NE(parse_error({"--check-interval", "0", "web", "--", "cmd"}).find("--check-interval"), std::string::npos);
  EXPECT_NE(parse_error({"--drain", "-1", "web", "--", "cmd"}).find("--drain"), std::string::npos);
  EXPECT_NE(parse_error({"--drain", "soon", "web", "--", "cmd"}).find("invalid float value"), std::string::npos);
  EXPECT_NE(parse_error({"--on-exit", "restart", "web", "--", "cmd"}).find("invalid choice"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "novalue", "web", "--", "cmd"}).find("KEY=VALUE"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "=v", "web", "--", "cmd"}).find("empty key"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "a b=v", "web", "--", "cmd"}).find("letters, digits"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "consul-x=v", "web", "--", "cmd"}).find("reserved"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "a=1", "--meta", "a=2", "web", "--", "cmd"}).find("twice"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", std::string(129, 'k') + "=v", "web", "--", "cmd"}).find("128"), std::string::npos);
  EXPECT_NE(parse_error({"--meta", "k=" + std::string(513, 'v'), "web", "--", "cmd"}).find("512"), std::string::npos);
  EXPECT_NE(parse_error({"--address=", "web", "--", "cmd"}).find("--address"), std::string::npos);
  EXPECT_NE(parse_error({"--check-tcp=yes", "--port", "1", "web", "--", "cmd"}).find("ignored explicit argument"),
            std::string::npos);
  EXPECT_NE(parse_error({"--check", "x", "web", "--", "cmd"}).find("ambiguous"), std::string::npos);
  Args many;
  for (int i = 0; i < 65; ++i) many.insert(many.end(), {"--meta", "k" + std::to_string(i) + "=v"});
  many.insert(many.end(), {"web", "--", "cmd"});
  EXPECT_NE(parse_error(many).find("64"), std::string::npos);
}

TEST(WrapOptions, UsageNamesEveryIanitorOption) {
  const auto help = wrap_help();
  for (const char* opt : {"--consul-agent", "--ttl", "--heartbeat", "--tags", "--id", "--port", "-v", "-h",
                          "service-name -- command [arguments]", "--address", "--meta", "--check-http", "--check-tcp",
                          "--check-interval", "--drain", "--on-exit"})
    EXPECT_NE(help.find(opt), std::string::npos) << opt;
  EXPECT_EQ(help.rfind(wrap_usage(), 0), 0u);
}

}  // namespace
}  // namespace roster::wrapper
