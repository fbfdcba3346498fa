#include "agent_stub.hpp"

#include "common/net.hpp"
// Beast after Asio.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace roster::wrapper::testing {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

struct AgentStub::Server {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

namespace {

asio::awaitable<void> serve(tcp::socket socket, AgentStub& stub) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code ec;
    http::request<http::string_body> req;
    co_await http::async_read(stream, buffer, req, redirect_error(use_awaitable, ec));
    if (ec) co_return;
    bool silent = false;
    const int status = stub.record({std::string(req.method_string()), std::string(req.target()), req.body(),
                                    std::string(req["X-Consul-Token"]), std::string(req[http::field::content_type])},
                                   silent);
    if (silent) {  // hold the connection open without answering, until the stub stops
      asio::steady_timer never(stream.get_executor(), std::chrono::hours(1));
      co_await never.async_wait(redirect_error(use_awaitable, ec));
      co_return;
    }
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
    if (ec || !req.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, AgentStub& stub) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(redirect_error(use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), stub), asio::detached);
  }
}

}  // namespace

AgentStub::AgentStub(Responder responder) : responder_(std::move(responder)), server_(std::make_unique<Server>()) {
  port_ = server_->acceptor.local_endpoint().port();
  asio::co_spawn(server_->io, accept_loop(server_->acceptor, *this), asio::detached);
  thread_ = std::thread([this] { server_->io.run(); });
}

AgentStub::~AgentStub() {
  server_->io.stop();
  thread_.join();
}

void AgentStub::set_silent(bool silent) {
  std::lock_guard lock(mutex_);
  silent_ = silent;
}

int AgentStub::record(RecordedRequest req, bool& silent) {
  int status = 200;
  {
    std::lock_guard lock(mutex_);
    if (responder_) status = responder_(req, requests_.size());
    requests_.push_back(std::move(req));
    silent = silent_;
  }
  changed_.notify_all();
  return status;
}

std::vector<RecordedRequest> AgentStub::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool AgentStub::wait_until(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done(requests_); });
}

}  // namespace roster::wrapper::testing
