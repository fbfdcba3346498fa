#include "dns/forwarder.hpp"

#include <algorithm>
#include <numeric>

#include "dns/wire/message.hpp"

namespace roster::dns {

struct Forwarder::Attempt {
  std::vector<std::uint8_t> query;
  Transport transport = Transport::Udp;
  std::vector<std::size_t> order;  // recursor indexes still to try, in order
  std::size_t next = 0;
  Done done;
};

Result<std::unique_ptr<Forwarder>> Forwarder::create(asio::io_context& io, const RecursorConfig& config) {
  auto upstreams = parse_recursors(config.addresses);
  if (!upstreams) return upstreams.error();
  std::unique_ptr<Forwarder> f(new Forwarder(config.strategy));
  for (const auto& u : *upstreams) {
    auto udp = CaresChannel::create(io, u, false, config.timeout);
    if (!udp) return udp.error();
    auto tcp = CaresChannel::create(io, u, true, config.timeout);
    if (!tcp) return tcp.error();
    f->udp_.push_back(std::move(*udp));
    f->tcp_.push_back(std::move(*tcp));
  }
  return f;
}

void Forwarder::forward(std::span<const std::uint8_t> query, Transport transport, Done done) {
  auto a = std::make_shared<Attempt>();
  a->query.assign(query.begin(), query.end());
  a->transport = transport;
  a->order.resize(udp_.size());
  std::iota(a->order.begin(), a->order.end(), std::size_t{0});
  if (strategy_ == RecursorStrategy::Random) std::shuffle(a->order.begin(), a->order.end(), rng_);
  a->done = std::move(done);
  if (a->query.size() < wire::kHeaderSize || a->order.empty()) {
    a->done({});
    return;
  }
  try_next(a);
}

void Forwarder::try_next(const std::shared_ptr<Attempt>& a) {
  if (a->next >= a->order.size()) {
    a->done({});
    return;
  }
  const std::size_t i = a->order[a->next++];
  auto& channel = a->transport == Transport::Tcp ? tcp_[i] : udp_[i];
  channel->send(a->query, [this, a](bool ok, std::span<const std::uint8_t> reply) {
    const unsigned rcode = reply.size() >= wire::kHeaderSize ? (reply[3] & 0x0F) : 0xFF;
    if (ok && (rcode == static_cast<unsigned>(wire::Rcode::NoError) ||
               rcode == static_cast<unsigned>(wire::Rcode::NxDomain))) {
      std::vector<std::uint8_t> out(reply.begin(), reply.end());
      out[0] = a->query[0];  // c-ares sent its own ID: give the client back its own
      out[1] = a->query[1];
      a->done(std::move(out));
      return;
    }
    try_next(a);
  });
}

}  // namespace roster::dns
