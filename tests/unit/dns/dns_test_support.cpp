#include "dns_test_support.hpp"

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

namespace roster::dns::testing {
namespace {

struct CFree {
  void operator()(char* p) const noexcept { std::free(p); }
};
using CString = std::unique_ptr<char, CFree>;

}  // namespace

registry::NodeRecord make_node(std::string name, std::string address,
                               std::map<std::string, std::string> meta) {
  registry::NodeRecord rec;
  rec.node.name = std::move(name);
  rec.node.address = std::move(address);
  rec.node.datacenter = "dc1";
  rec.node.meta = std::move(meta);
  add_check(rec, std::string(registry::kSerfCheckId), "", registry::HealthStatus::Passing);
  return rec;
}

registry::Service& add_service(registry::NodeRecord& node, std::string id, std::string name, int port,
                               std::string address, std::vector<std::string> tags) {
  registry::Service svc;
  svc.id = id;
  svc.name = std::move(name);
  svc.port = port;
  svc.address = std::move(address);
  svc.tags = std::move(tags);
  return node.services[id] = std::move(svc);
}

void add_check(registry::NodeRecord& node, std::string id, std::string service_id,
               registry::HealthStatus status) {
  registry::Check c;
  c.id = id;
  c.service_id = std::move(service_id);
  c.status = status;
  node.checks[id] = std::move(c);
}

std::shared_ptr<const registry::Catalog> make_catalog(std::vector<registry::NodeRecord> nodes) {
  std::vector<std::shared_ptr<const registry::NodeRecord>> recs;
  for (auto& n : nodes) recs.push_back(std::make_shared<registry::NodeRecord>(std::move(n)));
  return std::make_shared<registry::Catalog>(7, "dc1", std::move(recs));
}

std::shared_ptr<const registry::Catalog> standard_catalog() {
  using registry::HealthStatus;
  const std::map<std::string, std::string> segment{{"consul-network-segment", ""}};

  auto node1 = make_node("node1", "10.0.0.11", segment);
  add_service(node1, "web1", "web", 8080, "", {"primary"});
  add_service(node1, "api1", "api", 7001, "", {"v1", "a.b", "udp"});

  auto node2 = make_node("node2", "10.0.0.12", {{"consul-network-segment", ""}, {"rack", "r2"}});
  add_service(node2, "web2", "web", 9090, "10.0.0.50");
  add_service(node2, "api2", "api", 7002, "10.0.0.52", {"v2"}).weights = {5, 2};
  add_check(node2, "service:api2", "api2", HealthStatus::Warning);

  auto node3 = make_node("node3", "10.0.0.13");
  add_service(node3, "web3", "web", 9091, "10.0.0.53");
  add_check(node3, "service:web3", "web3", HealthStatus::Critical);
  add_service(node3, "db3", "db", 5432, "10.0.0.54");
  add_check(node3, "service:db3", "db3", HealthStatus::Critical);
  add_service(node3, "ext", "ext", 443, "ext.example.com");

  auto node5 = make_node("Node5", "10.0.0.15");
  add_service(node5, "cache", "cache", 6379);

  auto v6 = make_node("v6node", "fd00::1");
  add_service(v6, "v6svc", "v6svc", 80);

  auto dotted = make_node("my.node", "10.0.0.20");

  return make_catalog({node1, node2, node3, node5, v6, dotted});
}

std::vector<std::uint8_t> make_query(std::string_view qname, ldns_rr_type qtype,
                                     const QueryOptions& opts) {
  ldns_pkt* raw = nullptr;
  const std::string name(qname);
  EXPECT_EQ(ldns_pkt_query_new_frm_str(&raw, name.c_str(), qtype, opts.klass, LDNS_RD),
            LDNS_STATUS_OK);
  wire::PktHandle pkt(raw);
  ldns_pkt_set_id(pkt.get(), opts.id);
  if (opts.edns) ldns_pkt_set_edns_udp_size(pkt.get(), *opts.edns);
  wire::BufferHandle buf(ldns_buffer_new(512));
  EXPECT_EQ(ldns_pkt2buffer_wire(buf.get(), pkt.get()), LDNS_STATUS_OK);
  const auto* begin = static_cast<const std::uint8_t*>(ldns_buffer_begin(buf.get()));
  return {begin, begin + ldns_buffer_position(buf.get())};
}

std::vector<std::string> rr_texts(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
    CString s(ldns_rr2str(ldns_rr_list_rr(list, i)));
    std::string text = s ? s.get() : "?";
    while (!text.empty() && text.back() == '\n') text.pop_back();
    out.push_back(std::move(text));
  }
  return out;
}

std::string normalise_rr(std::string_view text) {
  ldns_rr* raw = nullptr;
  const std::string t(text);
  const ldns_status st = ldns_rr_new_frm_str(&raw, t.c_str(), 0, nullptr, nullptr);
  EXPECT_EQ(st, LDNS_STATUS_OK) << "bad expected record: " << text;
  if (st != LDNS_STATUS_OK) return "unparsable: " + t;
  wire::RrHandle rr(raw);
  CString s(ldns_rr2str(rr.get()));
  std::string out = s.get();
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::vector<std::string> sorted_texts(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts) out.push_back(normalise_rr(t));
  std::sort(out.begin(), out.end());
  return out;
}

Reply parse_reply(std::vector<std::uint8_t> bytes) {
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, bytes.data(), bytes.size()), LDNS_STATUS_OK);
  return Reply{wire::PktHandle(raw), std::move(bytes)};
}

DnsConfig standard_config() {
  DnsConfig c;
  c.ns_node = "node1";
  c.ns_address = "10.0.0.11";
  return c;
}

Harness::Harness(DnsConfig config, std::shared_ptr<const registry::Catalog> catalog)
    : view_(std::move(catalog)),
      responder_(std::make_unique<Responder>(view_, std::move(config), clock_,
                                             std::make_shared<SeededRandom>(1))) {}

Reply Harness::ask(std::string_view qname, ldns_rr_type qtype, const QueryOptions& opts,
                   Transport t) const {
  const Decision d = respond(make_query(qname, qtype, opts), t);
  EXPECT_EQ(d.kind, Decision::Kind::Answer);
  return parse_reply(d.bytes);
}

Outcome Harness::respond_cached(const std::vector<std::uint8_t>& query, Transport t) const {
  responder_->refresh(cache_);
  return responder_->respond(query, t, cache_, out_);
}

Reply Harness::ask_cached(std::string_view qname, ldns_rr_type qtype, const QueryOptions& opts,
                          Transport t) const {
  const Outcome o = respond_cached(make_query(qname, qtype, opts), t);
  EXPECT_EQ(o.kind, Decision::Kind::Answer);
  return parse_reply(std::vector<std::uint8_t>(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(o.size)));
}

std::string soa_text(std::string_view zone) {
  const std::string z(zone);
  return z + " 0 IN SOA ns." + z + " hostmaster." + z + " 1700000000 3600 600 86400 0";
}

}  // namespace roster::dns::testing
