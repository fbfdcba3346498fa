#pragma once
// Responder: one DNS query in wire format -> the reply bytes, or nothing.
// Pure: no sockets, no logging. Message acceptance, rcodes, EDNS and size
// limits follow consul-compat.md §1.1, §1.9 and §1.11.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/clock.hpp"
#include "dns/answer_builder.hpp"
#include "dns/dns_config.hpp"
#include "dns/random.hpp"
#include "dns/wire/name.hpp"
#include "registry/catalog_view.hpp"

namespace roster::dns {

enum class Transport { Udp, Tcp };

struct Decision {
  enum class Kind { Answer, Drop };
  Kind kind = Kind::Drop;
  std::vector<std::uint8_t> bytes;  // the reply, when kind == Answer
};

inline constexpr std::size_t kMinUdpPayload = 512;
inline constexpr std::size_t kMaxUdpPayload = 65467;
inline constexpr std::size_t kMaxTcpMessage = 65535;

// Thread safety: immutable after construction; respond() may be called from
// any number of threads at once. `view` and `clock` must outlive it.
class Responder {
 public:
  // `rng` shuffles answers; null means a thread-local engine seeded from
  // std::random_device. Throws std::invalid_argument if config.domain is empty
  // or not a valid name.
  Responder(const registry::CatalogView& view, DnsConfig config, const Clock& clock,
            std::shared_ptr<const RandomSource> rng = nullptr);
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Never throws: an internal failure becomes SERVFAIL.
  Decision respond(std::span<const std::uint8_t> query, Transport transport) const;

  const DnsConfig& config() const { return config_; }

 private:
  Decision answer(std::span<const std::uint8_t> query, Transport transport) const;

  const registry::CatalogView& view_;
  DnsConfig config_;
  wire::Labels domain_;  // config_.domain, lower-case labels
  const Clock& clock_;
  std::shared_ptr<const RandomSource> rng_;
  AnswerBuilder builder_;
};

}  // namespace roster::dns
