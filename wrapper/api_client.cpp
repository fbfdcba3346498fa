#include "wrapper/api_client.hpp"

#include "client/http_client.hpp"

namespace roster::wrapper {

ApiClient::ApiClient(asio::any_io_executor executor, ApiClientConfig config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

asio::awaitable<ApiOutcome> ApiClient::async_register(ServiceRegistration reg) {
  ApiRequest request = register_request(reg);
  auto outcome = co_await async_send(std::move(request));
  co_return outcome;
}

asio::awaitable<ApiOutcome> ApiClient::async_pass(std::string check_id, std::string note) {
  ApiRequest request = pass_request(check_id, note);
  auto outcome = co_await async_send(std::move(request));
  co_return outcome;
}

asio::awaitable<ApiOutcome> ApiClient::async_update(std::string check_id, CheckStatus status, std::string note) {
  ApiRequest request = check_update_request(check_id, status, note);
  auto outcome = co_await async_send(std::move(request));
  co_return outcome;
}

asio::awaitable<ApiOutcome> ApiClient::async_deregister(std::string service_id) {
  ApiRequest request = deregister_request(service_id);
  auto outcome = co_await async_send(std::move(request));
  co_return outcome;
}

asio::awaitable<ApiOutcome> ApiClient::async_send(ApiRequest request) {
  const client::HttpClientConfig config{config_.host, config_.port, config_.token, config_.timeout, "roster-wrap"};
  client::HttpClient http(executor_, config);
  // Named values, not temporaries inside the co_await expression: GCC 12
  // destroys such temporaries twice (munmap_chunk(): invalid pointer).
  const client::HttpRequest req{std::move(request.method), std::move(request.target), std::move(request.body)};
  auto reply = co_await http.async_request(req);
  if (!reply) co_return reply.error();
  const int status = reply->status;
  co_return status;
}

}  // namespace roster::wrapper
