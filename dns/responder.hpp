#pragma once
// Responder: one DNS query in wire format -> the reply bytes, nothing, or
// "forward this to the recursors". Pure: no sockets, no logging. Message
// acceptance, rcodes, EDNS and size limits follow consul-compat.md §1.1,
// §1.9 and §1.11; forwarding decisions §1.13.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/clock.hpp"
#include "dns/answer_builder.hpp"
#include "dns/answer_cache.hpp"
#include "dns/dns_config.hpp"
#include "dns/query.hpp"
#include "dns/random.hpp"
#include "dns/wire/message.hpp"
#include "dns/wire/name.hpp"
#include "registry/catalog_view.hpp"

namespace roster::dns {

enum class Transport { Udp, Tcp };

struct Decision {
  // Forward: a name outside our zones with recursors configured; the server
  // hands the query, as received, to the Forwarder.
  enum class Kind { Answer, Drop, Forward };
  Kind kind = Kind::Drop;
  std::vector<std::uint8_t> bytes;  // the reply, when kind == Answer
};

// The result of the cached path: the reply is in the caller's buffer.
struct Outcome {
  Decision::Kind kind = Decision::Kind::Drop;
  std::size_t size = 0;  // reply bytes written, when kind == Answer
};

inline constexpr std::size_t kMinUdpPayload = 512;
inline constexpr std::size_t kMaxUdpPayload = 65467;
inline constexpr std::size_t kMaxTcpMessage = 65535;

// Thread safety: immutable after construction; respond() may be called from
// any number of threads at once, each with its own AnswerCache. `view` and
// `clock` must outlive it.
class Responder {
 public:
  // `rng` shuffles answers; null means a thread-local engine seeded from
  // std::random_device. Throws std::invalid_argument if config.domain (or
  // alt_domain) is empty or not a valid name.
  Responder(const registry::CatalogView& view, DnsConfig config, const Clock& clock,
            std::shared_ptr<const RandomSource> rng = nullptr);
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // The reference path: a fresh snapshot, no cache. Never throws: an internal
  // failure becomes SERVFAIL.
  Decision respond(std::span<const std::uint8_t> query, Transport transport) const;

  // The servers' path: answers from `cache` (built from cache.catalog(); call
  // refresh() first), writing the reply into `out`, which must hold
  // kMaxTcpMessage bytes. A hit allocates nothing. Never throws.
  Outcome respond(std::span<const std::uint8_t> query, Transport transport, AnswerCache& cache,
                  std::span<std::uint8_t> out) const;
  // Brings `cache` up to the registry's current snapshot.
  void refresh(AnswerCache& cache) const { cache.sync(view_.snapshot()); }

  // The reply when every recursor failed: SERVFAIL with RA, the question
  // echoed, OPT if the query had one. Empty if the query cannot be read.
  std::vector<std::uint8_t> forward_failed(std::span<const std::uint8_t> query) const;

  const DnsConfig& config() const { return config_; }

 private:
  struct Built {
    Decision decision;
    bool complete = false;  // every record fitted
    bool shuffled = false;  // another draw would order the answers differently
    bool opt = false;       // the reply ends with an OPT record
  };
  Built decide(std::span<const std::uint8_t> query, Transport transport, const registry::Catalog* catalog,
               const RandomSource& rng, std::uint32_t serial) const;
  Decision servfail(std::span<const std::uint8_t> query) const;
  CachedAnswer build_entry(std::span<const std::uint8_t> query, std::size_t qname_size, Transport transport,
                           const registry::Catalog& catalog, std::size_t budget, AnswerCache& cache) const;
  CaseSafety check_case(const CachedAnswer& entry, Transport transport, const registry::Catalog& catalog) const;
  std::uint16_t flags_for(const wire::Header& h, wire::Rcode rcode) const;
  std::uint32_t serial_now() const;

  const registry::CatalogView& view_;
  DnsConfig config_;
  Zones zones_;  // config_.domain and alt_domain, lower-case labels
  const Clock& clock_;
  std::shared_ptr<const RandomSource> rng_;
  AnswerBuilder builder_;
};

}  // namespace roster::dns
