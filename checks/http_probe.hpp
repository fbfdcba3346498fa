#pragma once
// HTTP check (consul-compat §3): send `Method` (default GET) to the URL with
// `Header` and `Body`, one connection per run, within `timeout`; 2xx →
// passing, 429 → warning, anything else or no answer → critical. Output as
// Consul's: "HTTP GET <url>: 200 OK Output: <body>". https:// verifies the
// server's certificate and name (TLSServerName, else the URL's host) unless
// TLSSkipVerify.
#include <memory>

#include "checks/probe_result.hpp"
#include "common/clock.hpp"
#include "common/net.hpp"
#include "registry/model.hpp"

namespace boost::asio::ssl {
class context;
}

namespace roster::checks {

// The TLS client settings every https check shares: one verifying against the
// system's CA store, one that does not verify.
class TlsContexts {
 public:
  TlsContexts();
  ~TlsContexts();
  asio::ssl::context& verifying() { return *verify_; }
  asio::ssl::context& trusting() { return *trust_; }

 private:
  std::unique_ptr<asio::ssl::context> verify_;
  std::unique_ptr<asio::ssl::context> trust_;
};

// Runs on the caller's executor; never blocks it. `spec` is copied in.
asio::awaitable<ProbeResult> http_probe(registry::CheckSpec spec, Duration timeout, TlsContexts& tls);

}  // namespace roster::checks
