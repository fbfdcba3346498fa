// The probes against real sockets and processes on this machine (port 0,
// /bin/sh): what each outcome maps to and what the output says.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "checks/http_probe.hpp"
#include "checks/script_probe.hpp"
#include "checks/tcp_probe.hpp"

using namespace std::chrono_literals;

namespace roster::checks {
namespace {

using registry::HealthStatus;
using tcp = asio::ip::tcp;

ProbeResult run(asio::io_context& io, asio::awaitable<ProbeResult> probe) {
  std::optional<ProbeResult> out;
  asio::co_spawn(io, std::move(probe), [&](std::exception_ptr e, ProbeResult r) {
    out = e ? ProbeResult{HealthStatus::Critical, "exception"} : std::move(r);
    io.stop();  // the fake servers would keep it running
  });
  io.run_for(20s);
  io.restart();
  EXPECT_TRUE(out.has_value());
  return out.value_or(ProbeResult{});
}

// A one-shot HTTP server on 127.0.0.1:0 answering every request with `reply`.
class FakeHttpServer {
 public:
  // `eager`: answer as soon as a client connects, without reading its request.
  FakeHttpServer(asio::io_context& io, std::string reply, bool eager = false)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), reply_(std::move(reply)), eager_(eager) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string request;  // the last request's bytes (headers)

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      auto buf = std::make_shared<std::string>();
      if (eager_) {
        asio::async_write(*sock, asio::buffer(reply_), [sock](boost::system::error_code, std::size_t) {});
        return accept();
      }
      asio::async_read_until(*sock, asio::dynamic_buffer(*buf), "\r\n\r\n",
                             [this, sock, buf](boost::system::error_code e, std::size_t) {
                               if (e) return;
                               request = *buf;
                               asio::async_write(*sock, asio::buffer(reply_), [sock](boost::system::error_code, std::size_t) {
                                 boost::system::error_code ignored;
                                 sock->shutdown(tcp::socket::shutdown_both, ignored);
                               });
                             });
      accept();
    });
  }
  tcp::acceptor acceptor_;
  std::string reply_;
  bool eager_ = false;
};

std::string reply(int code, std::string_view reason, std::string_view body) {
  return "HTTP/1.1 " + std::to_string(code) + " " + std::string(reason) + "\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body);
}

registry::CheckSpec http_spec(std::uint16_t port, std::string path = "/health") {
  registry::CheckSpec s;
  s.http = "http://127.0.0.1:" + std::to_string(port) + path;
  s.interval = 10s;
  return s;
}

// A port nothing listens on: bound, then closed.
std::uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace

TEST(TcpProbe, ConnectedIsPassing) {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string target = "127.0.0.1:" + std::to_string(a.local_endpoint().port());
  const auto r = run(io, tcp_probe(target, 2s));
  EXPECT_EQ(r.status, HealthStatus::Passing);
  EXPECT_EQ(r.output, "TCP connect " + target + ": Success");
}

TEST(TcpProbe, RefusedIsCritical) {
  asio::io_context io;
  const std::string target = "127.0.0.1:" + std::to_string(closed_port(io));
  const auto r = run(io, tcp_probe(target, 2s));
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_NE(r.output.find("TCP connect " + target + ": "), std::string::npos);
  EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
}

TEST(TcpProbe, UnresolvableIsCritical) {
  asio::io_context io;
  const auto r = run(io, tcp_probe("no-such-host.invalid:80", 2s));
  EXPECT_EQ(r.status, HealthStatus::Critical);
}

TEST(HttpProbe, StatusCodesMapToHealth) {
  struct Case {
    int code;
    const char* reason;
    HealthStatus want;
  };
  for (const auto& c : {Case{200, "OK", HealthStatus::Passing}, Case{202, "Accepted", HealthStatus::Passing},
                        Case{429, "Too Many Requests", HealthStatus::Warning},
                        Case{500, "Internal Server Error", HealthStatus::Critical},
                        Case{301, "Moved Permanently", HealthStatus::Critical},
                        Case{404, "Not Found", HealthStatus::Critical}}) {
    asio::io_context io;
    FakeHttpServer server(io, reply(c.code, c.reason, "body text"));
    TlsContexts tls;
    const auto spec = http_spec(server.port());
    const auto r = run(io, http_probe(spec, 2s, tls));
    EXPECT_EQ(r.status, c.want) << c.code;
    EXPECT_EQ(r.output, "HTTP GET " + spec.http + ": " + std::to_string(c.code) + " " + c.reason + " Output: body text");
  }
}

TEST(HttpProbe, SendsMethodHeadersAndBody) {
  asio::io_context io;
  FakeHttpServer server(io, reply(200, "OK", ""));
  TlsContexts tls;
  auto spec = http_spec(server.port(), "/x?y=1");
  spec.method = "POST";
  spec.header = {{"X-Token", {"a", "b"}}, {"Host", {"svc.example"}}};
  spec.body = "{\"k\":1}";
  const auto r = run(io, http_probe(spec, 2s, tls));
  EXPECT_EQ(r.status, HealthStatus::Passing);
  EXPECT_EQ(server.request.rfind("POST /x?y=1 HTTP/1.1\r\n", 0), 0u) << server.request;
  EXPECT_NE(server.request.find("X-Token: a\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("X-Token: b\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("Host: svc.example\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("User-Agent: Consul Health Check\r\n"), std::string::npos);
  EXPECT_NE(server.request.find("Content-Length: 7\r\n"), std::string::npos);
}

TEST(HttpProbe, OutputBodyIsCapped) {
  asio::io_context io;
  FakeHttpServer server(io, reply(200, "OK", std::string(10000, 'z')));
  TlsContexts tls;
  auto spec = http_spec(server.port());
  spec.output_max_size = 100;
  const auto r = run(io, http_probe(spec, 2s, tls));
  EXPECT_EQ(r.status, HealthStatus::Passing);
  EXPECT_EQ(r.output, "HTTP GET " + spec.http + ": 200 OK Output: " + std::string(100, 'z'));
}

TEST(HttpProbe, NoAnswerIsCritical) {
  asio::io_context io;
  TlsContexts tls;
  auto r = run(io, http_probe(http_spec(closed_port(io)), 2s, tls));
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_NE(r.output.find("connect: "), std::string::npos) << r.output;

  // A listener that never answers: the timeout ends the run.
  tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket held(io);
  silent.async_accept(held, [](boost::system::error_code) {});
  r = run(io, http_probe(http_spec(silent.local_endpoint().port()), 300ms, tls));
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_NE(r.output.find("i/o timeout after 300ms"), std::string::npos) << r.output;
}

TEST(HttpProbe, HttpsToAPlainServerFailsTheHandshake) {
  asio::io_context io;
  FakeHttpServer server(io, reply(200, "OK", ""), true);
  TlsContexts tls;
  registry::CheckSpec spec;
  spec.http = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  spec.tls_skip_verify = true;
  const auto r = run(io, http_probe(spec, 2s, tls));
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_NE(r.output.find("TLS handshake"), std::string::npos) << r.output;
}

namespace {

ProbeResult run_script(std::vector<std::string> args, Duration timeout = 5s, int cap = 4096) {
  asio::io_context io;
  std::optional<ProbeResult> out;
  ScriptProbe probe(io, std::move(args), timeout, cap);
  probe.start([&](ProbeResult r) {
    out = std::move(r);
    io.stop();
  });
  io.run_for(20s);
  EXPECT_TRUE(out.has_value());
  return out.value_or(ProbeResult{});
}

}  // namespace

TEST(ScriptProbe, ExitCodesMapToHealth) {
  EXPECT_EQ(run_script({"/bin/sh", "-c", "echo fine"}).status, HealthStatus::Passing);
  EXPECT_EQ(run_script({"/bin/sh", "-c", "exit 1"}).status, HealthStatus::Warning);
  EXPECT_EQ(run_script({"/bin/sh", "-c", "exit 2"}).status, HealthStatus::Critical);
  EXPECT_EQ(run_script({"/bin/sh", "-c", "kill -9 $$"}).status, HealthStatus::Critical);
}

TEST(ScriptProbe, CapturesStdoutAndStderrWithoutAShell) {
  const auto r = run_script({"/bin/sh", "-c", "echo out; echo err >&2"});
  EXPECT_EQ(r.output, "out\nerr\n");
  // Arguments are passed as they are: no shell expands them.
  EXPECT_EQ(run_script({"echo", "$HOME", "*"}).output, "$HOME *\n");
}

TEST(ScriptProbe, OutputIsCapped) {
  const auto r = run_script({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}, 5s, 4096);
  EXPECT_EQ(r.status, HealthStatus::Passing);
  EXPECT_EQ(r.output, std::string(4096, 'x'));
}

TEST(ScriptProbe, TimeoutKillsTheWholeProcessGroup) {
  const auto start = std::chrono::steady_clock::now();
  // The shell starts a grandchild that would hold the pipe open for 30 s.
  const auto r = run_script({"/bin/sh", "-c", "sleep 30 & sleep 30"}, 300ms);
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_EQ(r.output, "Timed out (300ms) running check");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(ScriptProbe, AMissingProgramIsCritical) {
  const auto r = run_script({"no-such-program-roster"});
  EXPECT_EQ(r.status, HealthStatus::Critical);
  EXPECT_NE(r.output.find("executable file not found"), std::string::npos) << r.output;
  EXPECT_EQ(run_script({"/nonexistent/prog"}).status, HealthStatus::Critical);
}

}  // namespace roster::checks
