#include "wrapper/api_client.hpp"

#include "client/http_client.hpp"

namespace roster::wrapper {

ApiClient::ApiClient(asio::any_io_executor executor, ApiClientConfig config)
    : executor_(std::move(executor)), config_(std::move(config)) {}

asio::awaitable<ApiOutcome> ApiClient::async_register(ServiceRegistration reg) {
  co_return co_await async_send(register_request(reg));
}

asio::awaitable<ApiOutcome> ApiClient::async_pass(std::string check_id, std::string note) {
  co_return co_await async_send(pass_request(check_id, note));
}

asio::awaitable<ApiOutcome> ApiClient::async_deregister(std::string service_id) {
  co_return co_await async_send(deregister_request(service_id));
}

asio::awaitable<ApiOutcome> ApiClient::async_send(ApiRequest request) {
  client::HttpClient http(executor_, client::HttpClientConfig{config_.host, config_.port, config_.token,
                                                              config_.timeout, "roster-wrap"});
  auto reply = co_await http.async_request(
      client::HttpRequest{std::move(request.method), std::move(request.target), std::move(request.body)});
  if (!reply) co_return reply.error();
  co_return reply->status;
}

}  // namespace roster::wrapper
