#pragma once
// Helpers for the dns/ unit tests: a small catalog, queries built with ldns,
// replies parsed with ldns, and records compared as zone-file text.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/ldns.hpp"

#include "dns/dns_config.hpp"
#include "dns/responder.hpp"
#include "dns/wire/ldns_handles.hpp"
#include "fakes/manual_clock.hpp"
#include "fakes/static_catalog_view.hpp"
#include "registry/catalog.hpp"

namespace roster::dns::testing {

// --- catalog -----------------------------------------------------------------

registry::NodeRecord make_node(std::string name, std::string address,
                               std::map<std::string, std::string> meta = {});
registry::Service& add_service(registry::NodeRecord& node, std::string id, std::string name, int port,
                               std::string address = "", std::vector<std::string> tags = {});
void add_check(registry::NodeRecord& node, std::string id, std::string service_id,
               registry::HealthStatus status);
std::shared_ptr<const registry::Catalog> make_catalog(std::vector<registry::NodeRecord> nodes);

// The catalog most tests use (see the .cpp for its contents).
std::shared_ptr<const registry::Catalog> standard_catalog();

// --- wire --------------------------------------------------------------------

struct QueryOptions {
  std::uint16_t id = 4242;
  std::optional<std::uint16_t> edns;  // EDNS UDP payload size; nullopt: no OPT
  ldns_rr_class klass = LDNS_RR_CLASS_IN;
};
std::vector<std::uint8_t> make_query(std::string_view qname, ldns_rr_type qtype,
                                     const QueryOptions& opts = {});

// Presentation text of each record, in section order.
std::vector<std::string> rr_texts(const ldns_rr_list* list);
// Zone-file text normalised through ldns (parse, then print).
std::string normalise_rr(std::string_view text);
// Sorted normalised texts, for order-insensitive comparison.
std::vector<std::string> sorted_texts(const std::vector<std::string>& texts);

struct Reply {
  wire::PktHandle pkt;
  std::vector<std::uint8_t> bytes;

  ldns_pkt_rcode rcode() const { return ldns_pkt_get_rcode(pkt.get()); }
  std::vector<std::string> answer() const { return rr_texts(ldns_pkt_answer(pkt.get())); }
  std::vector<std::string> authority() const { return rr_texts(ldns_pkt_authority(pkt.get())); }
  std::vector<std::string> additional() const { return rr_texts(ldns_pkt_additional(pkt.get())); }
};
// Parses a reply; the test fails (and pkt is null) if ldns cannot read it.
Reply parse_reply(std::vector<std::uint8_t> bytes);

// --- a responder over a fixed catalog -------------------------------------------

DnsConfig standard_config();

class Harness {
 public:
  explicit Harness(DnsConfig config = standard_config(),
                   std::shared_ptr<const registry::Catalog> catalog = standard_catalog());
  Decision respond(const std::vector<std::uint8_t>& query, Transport t = Transport::Udp) const {
    return responder_->respond(query, t);
  }
  Reply ask(std::string_view qname, ldns_rr_type qtype, const QueryOptions& opts = {},
            Transport t = Transport::Udp) const;
  // The servers' path, through the harness's answer cache.
  Outcome respond_cached(const std::vector<std::uint8_t>& query, Transport t = Transport::Udp) const;
  Reply ask_cached(std::string_view qname, ldns_rr_type qtype, const QueryOptions& opts = {},
                   Transport t = Transport::Udp) const;
  const Responder& responder() const { return *responder_; }
  AnswerCache& cache() const { return cache_; }
  void set_catalog(std::shared_ptr<const registry::Catalog> catalog) { view_.set(std::move(catalog)); }
  roster::testing::ManualClock& clock() { return clock_; }

 private:
  mutable AnswerCache cache_;
  mutable std::vector<std::uint8_t> out_ = std::vector<std::uint8_t>(kMaxTcpMessage);
  roster::testing::StaticCatalogView view_;
  roster::testing::ManualClock clock_;
  std::unique_ptr<Responder> responder_;
};

// The SOA every negative answer carries, for `zone` as spelled.
std::string soa_text(std::string_view zone = "consul.");

}  // namespace roster::dns::testing
