// libFuzzer target for the DNS query path: any bytes go through the
// Responder's reference path and its cached path (miss, then hit), over UDP
// and TCP. Nothing may crash or leak (ASan, UBSan), and the cached path must
// give exactly the reference path's reply: the catalog has one instance per
// service, so no answer is shuffled, and the clock is fixed.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "dns/responder.hpp"
#include "fakes/manual_clock.hpp"
#include "fakes/static_catalog_view.hpp"
#include "registry/catalog.hpp"

namespace {

using namespace roster;

registry::NodeRecord node(std::string name, std::string address, std::map<std::string, std::string> meta = {}) {
  registry::NodeRecord n;
  n.node.name = std::move(name);
  n.node.address = std::move(address);
  n.node.datacenter = "dc1";
  n.node.meta = std::move(meta);
  return n;
}

void service(registry::NodeRecord& n, std::string id, std::string name, int port, std::string address = "",
             std::vector<std::string> tags = {}) {
  registry::Service s;
  s.id = id;
  s.name = std::move(name);
  s.port = port;
  s.address = std::move(address);
  s.tags = std::move(tags);
  n.services[id] = std::move(s);
}

std::shared_ptr<const registry::Catalog> catalog() {
  auto a = node("node1", "10.0.0.11", {{"consul-network-segment", ""}, {"rack", "r1"}});
  service(a, "web1", "web", 8080, "", {"primary", "a.b"});
  auto b = node("Node2", "fd00::2");
  service(b, "api1", "api", 9090, "10.0.0.50");
  auto c = node("host", "host.example.com");
  service(c, "ext1", "ext", 443, "ext.example.org");
  std::vector<std::shared_ptr<const registry::NodeRecord>> nodes;
  for (auto* n : {&a, &b, &c}) nodes.push_back(std::make_shared<registry::NodeRecord>(std::move(*n)));
  return std::make_shared<registry::Catalog>(3, "dc1", std::move(nodes));
}

struct Fixture {
  testing::StaticCatalogView view{catalog()};
  testing::ManualClock clock;
  std::unique_ptr<dns::Responder> plain;
  std::unique_ptr<dns::Responder> forwarding;
  dns::AnswerCache plain_cache{4096};
  dns::AnswerCache forwarding_cache{4096};
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(dns::kMaxTcpMessage);

  Fixture() {
    dns::DnsConfig c;
    c.ns_node = "node1";
    c.ns_address = "10.0.0.11";
    plain = std::make_unique<dns::Responder>(view, c, clock, std::make_shared<dns::SeededRandom>(1));
    c.alt_domain = "Alt.Example";
    c.recursors.addresses = {"192.0.2.1"};
    c.udp_answer_limit = 2;
    forwarding = std::make_unique<dns::Responder>(view, c, clock, std::make_shared<dns::SeededRandom>(1));
    plain->refresh(plain_cache);
    forwarding->refresh(forwarding_cache);
  }
};

void check(Fixture& f, const dns::Responder& r, dns::AnswerCache& cache, std::span<const std::uint8_t> q) {
  for (const auto t : {dns::Transport::Udp, dns::Transport::Tcp}) {
    const dns::Decision ref = r.respond(q, t);
    if (ref.kind == dns::Decision::Kind::Answer && t == dns::Transport::Udp && ref.bytes.size() > dns::kMaxUdpPayload)
      std::abort();
    for (int pass = 0; pass < 2; ++pass) {
      const dns::Outcome o = r.respond(q, t, cache, f.out);
      if (o.kind != ref.kind) std::abort();
      if (o.kind == dns::Decision::Kind::Answer &&
          (o.size != ref.bytes.size() || std::memcmp(f.out.data(), ref.bytes.data(), o.size) != 0))
        std::abort();
    }
  }
  if (r.config().recursors.addresses.empty()) return;
  (void)r.forward_failed(q);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* f = new Fixture();
  const std::span<const std::uint8_t> q(data, size);
  check(*f, *f->plain, f->plain_cache, q);
  check(*f, *f->forwarding, f->forwarding_cache, q);
  return 0;
}
