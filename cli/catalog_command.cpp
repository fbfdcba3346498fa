// `roster catalog services|nodes`: what the registry holds, as Consul's CLI
// prints it.
#include <algorithm>
#include <sstream>

#include "cli/agent_calls.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: roster catalog services [-tags] [-node NAME] [-http-addr ADDR] [-token TOKEN]\n"
    "       roster catalog nodes [-service NAME] [-detailed] [-http-addr ADDR] [-token TOKEN]\n";

std::string str(const rapidjson::Value& v, const char* key) {
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// "k1=v1, k2=v2" for an object of strings, keys sorted.
std::string pairs(const rapidjson::Value& v, const char* key) {
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsObject()) return "";
  std::vector<std::string> items;
  for (const auto& m : it->value.GetObject())
    items.push_back(std::string(m.name.GetString()) + "=" + (m.value.IsString() ? m.value.GetString() : ""));
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

int services(const client::HttpClientConfig& config, bool tags, const std::string& node, const Io& io) {
  std::vector<Row> rows;
  if (!node.empty()) {
    auto doc = get_json(config, "/v1/catalog/node/" + client::url_encode(node));
    if (!doc) {
      io.err << "Error listing services for node: " << doc.error().message << "\n";
      return 1;
    }
    if (doc->IsNull()) {
      io.err << "Error listing services for node: no node named \"" << node << "\"\n";
      return 1;
    }
    for (const auto& s : (*doc)["Services"].GetObject()) {
      std::string t;
      for (const auto& tag : s.value["Tags"].GetArray()) t += (t.empty() ? "" : ",") + std::string(tag.GetString());
      rows.push_back(tags ? Row{str(s.value, "Service"), t} : Row{str(s.value, "Service")});
    }
  } else {
    auto doc = get_json(config, "/v1/catalog/services");
    if (!doc) {
      io.err << "Error listing services: " << doc.error().message << "\n";
      return 1;
    }
    for (const auto& s : doc->GetObject()) {
      std::string t;
      for (const auto& tag : s.value.GetArray()) t += (t.empty() ? "" : ",") + std::string(tag.GetString());
      rows.push_back(tags ? Row{s.name.GetString(), t} : Row{s.name.GetString()});
    }
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  io.out << format_table(rows);
  return 0;
}

int nodes(const client::HttpClientConfig& config, const std::string& service, bool detailed, const Io& io) {
  auto doc = get_json(config, service.empty() ? "/v1/catalog/nodes"
                                              : "/v1/catalog/service/" + client::url_encode(service));
  if (!doc) {
    io.err << "Error listing nodes: " << doc.error().message << "\n";
    return 1;
  }
  if (doc->Empty()) {
    io.err << "No nodes match the given query.\n";
    return 0;
  }
  std::vector<Row> rows;
  for (const auto& n : doc->GetArray()) {
    std::string id = str(n, "ID");
    if (!detailed) id = id.substr(0, id.find('-'));
    Row r{str(n, "Node"), id, str(n, "Address"), str(n, "Datacenter")};
    if (detailed) {
      r.push_back(pairs(n, "TaggedAddresses"));
      r.push_back(pairs(n, service.empty() ? "Meta" : "NodeMeta"));
    }
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  Row header{"Node", "ID", "Address", "DC"};
  if (detailed) {
    header.push_back("TaggedAddresses");
    header.push_back("Meta");
  }
  rows.insert(rows.begin(), header);
  io.out << format_table(rows);
  return 0;
}

}  // namespace

int run_catalog(const std::vector<std::string>& args, const Io& io) {
  if (args.empty() || (args[0] != "services" && args[0] != "nodes")) {
    io.err << kUsage;
    return args.empty() || args[0] == "-h" || args[0] == "--help" ? (args.empty() ? 2 : 0) : 2;
  }
  ClientFlags client_flags;
  bool tags = false, detailed = false;
  std::string node, service;
  po::options_description desc;
  add_client_flags(desc, client_flags);
  if (args[0] == "services")
    desc.add_options()("tags", po::bool_switch(&tags), "show tags")("node", po::value(&node), "services on this node");
  else
    desc.add_options()("detailed", po::bool_switch(&detailed), "show details")("service", po::value(&service),
                                                                               "nodes providing this service");
  po::variables_map vm;
  if (auto st = parse_flags({args.begin() + 1, args.end()}, desc, vm); !st) {
    io.err << "roster catalog " << args[0] << ": " << st.error().message << "\n" << kUsage;
    return 2;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  return args[0] == "services" ? services(*config, tags, node, io) : nodes(*config, service, detailed, io);
}

}  // namespace roster::cli
