#pragma once
// HttpClient: an asynchronous HTTP/1.1 client of the agent's API, on the
// caller's io_context (C++20 coroutines). One connection per request and one
// deadline for connect, write and read. Used by `roster wrap` and the CLI
// subcommands; it knows nothing of what the endpoints mean.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/net.hpp"
#include "common/result.hpp"

namespace roster::client {

struct HttpClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8500;
  std::string token;  // sent as X-Consul-Token when non-empty; never logged
  std::chrono::milliseconds timeout{2'000};
  std::string user_agent = "roster";
};

struct HttpRequest {
  std::string method;  // "GET", "PUT"
  std::string target;  // path and query, already percent-encoded
  std::string body;    // sent as application/json when non-empty
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;

  std::optional<std::string> header(const std::string& lower_name) const;
};

// Thread safety: calls must come from the io_context's thread (or strand);
// several requests may be in flight at once, each on its own connection.
class HttpClient {
 public:
  HttpClient(asio::any_io_executor executor, HttpClientConfig config);

  // The reply whatever its status, or an Error for a transport failure
  // (resolve, connect, timeout, reset, unparsable reply). `timeout` replaces
  // config().timeout for this request. The caller keeps `request` alive until
  // the call completes (it always co_awaits it at once).
  // Note: GCC 12 destroys some temporaries in co_await expressions twice; keep
  // arguments in named variables and never `co_return co_await` a call.
  asio::awaitable<Result<HttpReply>> async_request(const HttpRequest& request,
                                                   std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  const HttpClientConfig& config() const { return config_; }

 private:
  asio::any_io_executor executor_;
  HttpClientConfig config_;
};

// Runs one request on a private io_context and waits for it: for command-line
// subcommands, never for code on an I/O thread.
Result<HttpReply> request_blocking(const HttpClientConfig& config, HttpRequest request,
                                   std::chrono::milliseconds timeout);

}  // namespace roster::client
