#pragma once
// Runs the checks of --port / --check-tcp / --check-http once and reports
// each outcome (health_policy.hpp decides what they mean):
//   --port            the child's process tree holds a socket listening on the
//                     port (/proc, no connection made: a listener that serves one
//                     client is not used up by its own health check);
//   --check-tcp       a real connect to the service address and port;
//   --check-http URL  GET URL through client::HttpClient.
// Network checks are asynchronous with a deadline; the /proc reads are small
// synchronous file reads. Nothing here blocks the io_context.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/net.hpp"
#include "wrapper/health_policy.hpp"
#include "wrapper/http_url.hpp"

namespace roster::wrapper {

struct HealthConfig {
  std::optional<std::uint16_t> port;  // --port
  std::string service_ip;             // the advertised address; "" when --address is absent
  bool check_tcp = false;             // --check-tcp
  std::optional<HttpUrl> http;        // --check-http
  std::chrono::milliseconds interval{1'000};

  bool any() const { return port.has_value() || http.has_value(); }
  // Where --check-tcp connects: the service address, else 127.0.0.1.
  std::string tcp_host() const { return service_ip.empty() ? "127.0.0.1" : service_ip; }
};

struct ProbeReport {
  std::optional<ProbeResult> port;  // set when --port is given
  std::optional<ProbeResult> http;  // set when --check-http is given
};

// Thread safety: use from the io_context's thread only.
class HealthProbe {
 public:
  HealthProbe(asio::any_io_executor executor, HealthConfig config);

  asio::awaitable<ProbeReport> async_check(pid_t child);

  // Aborts a --check-tcp connect in progress (the wrapper is finishing).
  void cancel();

  const HealthConfig& config() const { return config_; }

 private:
  asio::awaitable<ProbeResult> async_tcp();
  asio::awaitable<ProbeResult> async_http();

  asio::any_io_executor executor_;
  HealthConfig config_;
  std::shared_ptr<asio::ip::tcp::socket> connecting_;
};

}  // namespace roster::wrapper
