#include "checks/http_probe.hpp"

// Beast after Asio (common/net.hpp, included by the header).
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/duration.hpp"
#include "common/strings.hpp"
#include "registry/check_targets.hpp"

namespace roster::checks {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::redirect_error;
using asio::use_awaitable;
using registry::HealthStatus;
using tcp = asio::ip::tcp;

TlsContexts::TlsContexts()
    : verify_(std::make_unique<ssl::context>(ssl::context::tls_client)),
      trust_(std::make_unique<ssl::context>(ssl::context::tls_client)) {
  boost::system::error_code ec;
  verify_->set_default_verify_paths(ec);  // no CA store: every verification fails, which is the safe side
  verify_->set_verify_mode(ssl::verify_peer);
  trust_->set_verify_mode(ssl::verify_none);
}

TlsContexts::~TlsContexts() = default;

namespace {

// Enough of the body for any OutputMaxSize in use; the rest is not read.
constexpr std::uint64_t kMinBodyRead = 64 * 1024;

HealthStatus status_of(int code) {
  if (code >= 200 && code < 300) return HealthStatus::Passing;
  if (code == 429) return HealthStatus::Warning;
  return HealthStatus::Critical;
}

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

http::request<http::string_body> build_request(const registry::CheckSpec& spec, const registry::CheckUrl& url,
                                               const std::string& method) {
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(method);
  req.target(url.target);
  req.set(http::field::host, url.host_header);
  bool agent = false;
  bool accept = false;
  for (const auto& [name, values] : spec.header) {
    if (iequals(name, "Host")) {  // as Go: the Host header replaces the URL's host
      if (!values.empty()) req.set(http::field::host, values.front());
      continue;
    }
    agent = agent || iequals(name, "User-Agent");
    accept = accept || iequals(name, "Accept");
    for (const auto& v : values) req.insert(name, v);
  }
  if (!agent) req.set(http::field::user_agent, "Consul Health Check");
  if (!accept) req.set(http::field::accept, "text/plain, text/*, */*");
  req.keep_alive(false);
  req.body() = spec.body;
  if (!spec.body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
  return req;
}

struct Exchange {
  int code = 0;
  std::string reason;
  std::string body;
  std::string error;  // a transport failure, else ""
  bool timed_out = false;

  void fail(std::string_view step, const boost::system::error_code& ec) {
    error = std::string(step) + ": " + ec.message();
    timed_out = ec == beast::error::timeout;
  }
};

template <typename Stream>
asio::awaitable<void> send_and_read(Stream& stream, http::request<http::string_body>& req, std::uint64_t limit,
                                    Exchange& out) {
  boost::system::error_code ec;
  co_await http::async_write(stream, req, redirect_error(use_awaitable, ec));
  if (ec) {
    out.fail("write", ec);
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(limit);
  co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
  // A body past the limit still has its status: keep what was read.
  if (ec && !(ec == http::error::body_limit && parser.is_header_done())) {
    out.fail("read", ec);
    co_return;
  }
  auto& res = parser.get();
  out.code = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  if (out.reason.empty()) out.reason = std::string(http::obsolete_reason(res.result()));
  out.body = std::move(res.body());
}

}  // namespace

asio::awaitable<ProbeResult> http_probe(registry::CheckSpec spec, Duration timeout, TlsContexts& tls) {
  const std::string method = spec.method.empty() ? "GET" : spec.method;
  const std::string prefix = "HTTP " + method + " " + spec.http + ": ";
  const auto url = registry::parse_check_url(spec.http);
  if (!url) co_return ProbeResult{HealthStatus::Critical, prefix + url.error().message};
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string timed_out_text = prefix + "i/o timeout after " + format_duration(timeout);

  // Name resolution has no deadline of its own: a timer cancels it.
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto resolve_timed_out = std::make_shared<bool>(false);
  asio::steady_timer guard(ex, deadline);
  guard.async_wait([resolver, resolve_timed_out](const boost::system::error_code& e) {
    if (e) return;
    *resolve_timed_out = true;
    resolver->cancel();
  });
  boost::system::error_code ec;
  const std::string host = url->host;
  const std::string port = std::to_string(url->port);
  const auto endpoints = co_await resolver->async_resolve(host, port, redirect_error(use_awaitable, ec));
  guard.cancel();
  if (*resolve_timed_out) co_return ProbeResult{HealthStatus::Critical, timed_out_text};
  if (ec) co_return ProbeResult{HealthStatus::Critical, prefix + "resolve " + url->host + ": " + ec.message()};

  auto req = build_request(spec, *url, method);
  const std::uint64_t limit = std::max<std::uint64_t>(kMinBodyRead, static_cast<std::uint64_t>(spec.output_max_size));
  Exchange got;
  if (!url->tls) {
    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);  // one deadline for connect, write and read
    co_await stream.async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec) got.fail("connect", ec);
    else co_await send_and_read(stream, req, limit, got);
    stream.socket().close(ec);
  } else {
    beast::ssl_stream<beast::tcp_stream> stream(ex, spec.tls_skip_verify ? tls.trusting() : tls.verifying());
    beast::get_lowest_layer(stream).expires_at(deadline);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, redirect_error(use_awaitable, ec));
    const std::string name = spec.tls_server_name.empty() ? url->host : spec.tls_server_name;
    if (ec) {
      got.fail("connect", ec);
    } else {
      if (!is_ip(name)) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());
      if (!spec.tls_skip_verify) stream.set_verify_callback(ssl::host_name_verification(name));
      co_await stream.async_handshake(ssl::stream_base::client, redirect_error(use_awaitable, ec));
      if (ec) got.fail("TLS handshake", ec);
      else co_await send_and_read(stream, req, limit, got);
    }
    beast::get_lowest_layer(stream).socket().close(ec);
  }
  if (!got.error.empty()) {
    if (got.timed_out) co_return ProbeResult{HealthStatus::Critical, timed_out_text};
    co_return ProbeResult{HealthStatus::Critical, prefix + got.error};
  }
  std::string body = std::move(got.body);
  if (body.size() > static_cast<std::size_t>(spec.output_max_size)) body.resize(static_cast<std::size_t>(spec.output_max_size));
  co_return ProbeResult{status_of(got.code),
                        prefix + std::to_string(got.code) + " " + got.reason + " Output: " + body};
}

}  // namespace roster::checks
