#pragma once
// Forwarder: relays queries for names outside our zones to the recursors
// (consul-compat.md §1.13). The query goes as received, over the client's
// transport, to one recursor at a time (config order, or a random order),
// each with its own timeout. The first NOERROR or NXDOMAIN reply is relayed
// with the client's ID; SERVFAIL, REFUSED, other rcodes, timeouts and network
// errors move on to the next recursor.
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "common/net.hpp"
#include "common/result.hpp"
#include "dns/cares_channel.hpp"
#include "dns/dns_config.hpp"
#include "dns/responder.hpp"

namespace roster::dns {

// Thread safety: none; one per I/O thread, used on the thread that runs its
// io_context. Destroying it drops queries in flight without calling back.
class Forwarder {
 public:
  // The relayed reply; empty when every recursor failed.
  using Done = std::function<void(std::vector<std::uint8_t> reply)>;

  // Fails if a recursor address is invalid or c-ares cannot start.
  static Result<std::unique_ptr<Forwarder>> create(asio::io_context& io, const RecursorConfig& config);
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // `done` runs later on the io_context's thread (never inside this call).
  void forward(std::span<const std::uint8_t> query, Transport transport, Done done);

 private:
  struct Attempt;
  explicit Forwarder(RecursorStrategy strategy) : strategy_(strategy), rng_(std::random_device{}()) {}
  void try_next(const std::shared_ptr<Attempt>& a);

  RecursorStrategy strategy_;
  std::mt19937 rng_;
  std::vector<std::unique_ptr<CaresChannel>> udp_;  // one per recursor, config order
  std::vector<std::unique_ptr<CaresChannel>> tcp_;
};

}  // namespace roster::dns
