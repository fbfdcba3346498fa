#pragma once
// Asynchronous HTTP/1.1 client of the agent's Consul-compatible API, on the
// caller's io_context (C++20 coroutines). One connection per request, 2 s per
// request (connect + write + read); the caller decides what a status means.
#include <chrono>
#include <cstdint>
#include <string>

#include "common/net.hpp"
#include "common/result.hpp"
#include "wrapper/api_requests.hpp"

namespace roster::wrapper {

struct ApiClientConfig {
  std::string host = "localhost";
  std::uint16_t port = 8500;
  std::string token;  // sent as X-Consul-Token when non-empty; never logged
  std::chrono::milliseconds timeout{2'000};
};

// Thread safety: calls must come from the io_context's thread (or strand);
// several requests may be in flight at once, each on its own connection.
class ApiClient {
 public:
  ApiClient(asio::any_io_executor executor, ApiClientConfig config);

  asio::awaitable<ApiOutcome> async_register(ServiceRegistration reg);
  asio::awaitable<ApiOutcome> async_pass(std::string check_id, std::string note);
  asio::awaitable<ApiOutcome> async_update(std::string check_id, CheckStatus status, std::string note);
  asio::awaitable<ApiOutcome> async_deregister(std::string service_id);

  // Sends any request built by api_requests.hpp.
  asio::awaitable<ApiOutcome> async_send(ApiRequest request);

  const ApiClientConfig& config() const { return config_; }

 private:
  asio::any_io_executor executor_;
  ApiClientConfig config_;
};

}  // namespace roster::wrapper
