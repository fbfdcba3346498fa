#pragma once
// A tiny stand-in for the agent's HTTP API: a Beast server on 127.0.0.1, port
// 0, on its own thread, that records every request and answers with the
// status a test chooses (200 and an empty body by default).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace roster::wrapper::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string token;  // X-Consul-Token
  std::string content_type;
};

// Thread safety: all public methods may be called from any thread.
class AgentStub {
 public:
  // Chooses the status for a request; `index` counts requests from 0.
  using Responder = std::function<int(const RecordedRequest&, std::size_t index)>;

  explicit AgentStub(Responder responder = {});
  ~AgentStub();
  AgentStub(const AgentStub&) = delete;
  AgentStub& operator=(const AgentStub&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Record requests but never answer them (to exercise client timeouts).
  void set_silent(bool silent);

  std::vector<RecordedRequest> requests() const;

  // Waits until `done(requests)` holds or `timeout` passes; true if it holds.
  bool wait_until(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
                  std::chrono::milliseconds timeout) const;

  // Called by the server thread.
  int record(RecordedRequest req, bool& silent);

 private:
  struct Server;
  Responder responder_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<RecordedRequest> requests_;
  bool silent_ = false;
  std::uint16_t port_ = 0;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

}  // namespace roster::wrapper::testing
