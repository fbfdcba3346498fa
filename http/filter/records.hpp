#pragma once
// The filterable shapes of Consul's responses, over registry values: each has
// the schema of selectors its endpoint accepts and a Record view.
#include <map>
#include <string>

#include "http/filter/filter.hpp"
#include "registry/catalog.hpp"

namespace roster::http::filter {

// /v1/agent/services, /v1/catalog/node/<n> (its Services): ID, Service, Tags, Meta, Port, ...
const Schema& agent_service_schema();
// /v1/catalog/nodes: ID, Node, Address, Datacenter, Meta, TaggedAddresses
const Schema& node_schema();
// /v1/catalog/service/<s>, /v1/catalog/services: ServiceName, ServiceTags, NodeMeta, ...
const Schema& catalog_service_schema();
// /v1/health/service/<s>, /v1/prometheus: Node.*, Service.*, Checks.*
const Schema& service_entry_schema();
// /v1/agent/checks, /v1/health/checks|node|state: CheckID, Status, ServiceName, ...
const Schema& check_schema();

// Thread safety (all records): views over immutable snapshot data; one thread.
class ServiceRecord final : public Record {
 public:
  ServiceRecord(const registry::Service& s, const std::string& datacenter) : s_(s), dc_(datacenter) {}
  Value get(std::size_t field) const override;

 private:
  const registry::Service& s_;
  const std::string& dc_;
};

class NodeRecordView final : public Record {
 public:
  explicit NodeRecordView(const registry::Node& n);
  Value get(std::size_t field) const override;

 private:
  const registry::Node& n_;
  std::map<std::string, std::string> tagged_;
};

class CatalogServiceRecord final : public Record {
 public:
  explicit CatalogServiceRecord(const registry::Instance& i) : i_(i) {}
  Value get(std::size_t field) const override;

 private:
  const registry::Instance& i_;
};

class ServiceEntryRecord final : public Record {
 public:
  explicit ServiceEntryRecord(const registry::Instance& i);
  Value get(std::size_t field) const override;

 private:
  const registry::Instance& i_;
  std::map<std::string, std::string> tagged_;
};

class CheckRecord final : public Record {
 public:
  CheckRecord(const registry::Check& c, const std::string& node) : c_(c), node_(node) {}
  Value get(std::size_t field) const override;

 private:
  const registry::Check& c_;
  const std::string& node_;
};

// Node tagged addresses as the API shows them (lan, lan_ipv4, wan, wan_ipv4).
std::map<std::string, std::string> node_tagged_addresses(const registry::Node& n);

}  // namespace roster::http::filter
