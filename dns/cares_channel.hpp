#pragma once
// CaresChannel: one c-ares channel to one upstream server over one transport,
// driven by an io_context (sock_state_cb + stream_descriptor + steady_timer).
// This is the only place c-ares is called; the channel is destroyed through
// its RAII handle, and every descriptor is released before c-ares closes it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>

#include <ares.h>

#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/recursors.hpp"

namespace roster::dns {

struct AresChannelFree {
  void operator()(ares_channel c) const noexcept { ares_destroy(c); }
};
using AresChannelHandle = std::unique_ptr<std::remove_pointer_t<ares_channel>, AresChannelFree>;

// Thread safety: none; use from the thread that runs `io` (one thread).
// Destroying the channel cancels pending queries without calling them back.
class CaresChannel {
 public:
  // `ok`: a reply arrived (any rcode) and is in `reply`; false: timeout or
  // network error. Called on the io_context's thread.
  using Callback = std::function<void(bool ok, std::span<const std::uint8_t> reply)>;

  // `tcp`: queries go over TCP, else UDP (a truncated UDP reply is relayed
  // as it is). One try, `timeout` long.
  static Result<std::unique_ptr<CaresChannel>> create(asio::io_context& io, const Upstream& server, bool tcp,
                                                      std::chrono::milliseconds timeout);
  ~CaresChannel();
  CaresChannel(const CaresChannel&) = delete;
  CaresChannel& operator=(const CaresChannel&) = delete;

  // Sends `query` as it is (c-ares replaces its ID).
  void send(std::span<const std::uint8_t> query, Callback done);

 private:
  struct Watch;
  explicit CaresChannel(asio::io_context& io);
  static void on_sock_state(void* self, ares_socket_t fd, int readable, int writable);
  static void on_reply(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void arm(const std::shared_ptr<Watch>& w);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void rearm_timer();

  asio::io_context& io_;
  asio::steady_timer timer_;
  std::map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  bool destroying_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the timer's handler
  AresChannelHandle channel_;  // last: destroyed first, while the watches exist
};

}  // namespace roster::dns
