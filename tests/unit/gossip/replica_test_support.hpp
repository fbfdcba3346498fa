#pragma once
// Records for the replica tests.
#include <memory>
#include <string>

#include "gossip/replica_codec.hpp"
#include "registry/model.hpp"

namespace roster::gossip::replica::testing {

inline registry::NodeRecord node_record(const std::string& name, int services = 1,
                                        const std::string& address = "10.0.0.1") {
  registry::NodeRecord r;
  r.node.name = name;
  r.node.id = "0b3f1c7e-5d2a-4c11-9e0f-" + std::string(12, '0');
  r.node.address = address;
  r.node.datacenter = "dc1";
  r.node.meta = {{"rack", "r7"}};
  const registry::Check serf = registry::serf_alive_check();
  r.checks.set(serf.id, serf);
  for (int i = 0; i < services; ++i) {
    registry::Service s;
    s.id = "web-" + std::to_string(i);
    s.name = "web";
    s.port = 8080 + i;
    s.tags = {"v2", "primary"};
    s.meta = {{"version", "2.4.1"}};
    r.services.set(s.id, s);
    registry::Check c;
    c.id = "service:" + s.id;
    c.name = "Service 'web' check";
    c.status = registry::HealthStatus::Passing;
    c.output = "HTTP GET http://10.0.0.1:8080/health: 200 OK";
    c.service_id = s.id;
    c.service_name = s.name;
    c.service_tags = s.tags;
    c.type = registry::CheckType::Ttl;
    c.ttl = std::chrono::seconds(30);
    r.checks.set(c.id, c);
  }
  return r;
}

inline Shipped shipped(const registry::NodeRecord& rec, Stamp stamp) {
  return Shipped{rec.node.name, stamp, false, 0, std::make_shared<const Bytes>(encode_record(rec))};
}

inline Shipped tombstone(const std::string& name, Stamp stamp, std::int64_t removed_at) {
  return Shipped{name, stamp, true, removed_at, nullptr};
}

}  // namespace roster::gossip::replica::testing
