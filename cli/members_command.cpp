// `roster members`: the gossip pool as this agent sees it, in the columns of
// `consul members` (Node Address Status Type Build Protocol DC Partition
// Segment), or with -detailed: Node Address Status Tags.
#include <algorithm>
#include <regex>

#include "cli/agent_calls.hpp"
#include "cli/members_command.hpp"
#include "cli/table.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: roster members [-detailed] [-status REGEX] [-http-addr ADDR] [-token TOKEN]\n";

std::string str(const rapidjson::Value& v, const char* key) {
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::string tag(const rapidjson::Value& m, const char* key) {
  const auto it = m.FindMember("Tags");
  return it != m.MemberEnd() && it->value.IsObject() ? str(it->value, key) : "";
}

std::string status_name(int status) {
  switch (status) {
    case 1: return "alive";
    case 2: return "leaving";
    case 3: return "left";
    case 4: return "failed";
    default: return "none";
  }
}

// Consul's role tag: "consul" is a server, "node" a client.
std::string type_of(const std::string& role) {
  if (role == "consul") return "server";
  if (role == "node") return "client";
  return "unknown";
}

}  // namespace

int run_members(const std::vector<std::string>& args, const Io& io) {
  ClientFlags client_flags;
  bool detailed = false;
  std::string status_filter = ".*";
  po::options_description desc;
  add_client_flags(desc, client_flags);
  desc.add_options()("detailed", po::bool_switch(&detailed), "show every tag")(
      "status", po::value(&status_filter), "only members whose status matches this regular expression")(
      "help,h", "print this help")("segment", po::value<std::string>(), "accepted for Consul compatibility")(
      "wan", po::bool_switch(), "accepted for Consul compatibility (no WAN pool)");
  po::variables_map vm;
  if (auto st = parse_flags(args, desc, vm); !st) {
    io.err << "roster members: " << st.error().message << "\n" << kUsage;
    return 2;
  }
  if (vm.count("help")) {
    io.out << kUsage;
    return 0;
  }
  std::regex status_re;
  try {
    status_re = std::regex(status_filter);
  } catch (const std::regex_error&) {
    io.err << "Failed to compile status regexp: " << status_filter << "\n";
    return 1;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  auto doc = get_json(*config, "/v1/agent/members?segment=_all");
  if (!doc) {
    io.err << "Error retrieving members: " << doc.error().message << "\n";
    return 1;
  }
  if (!doc->IsArray()) {
    io.err << "Error retrieving members: the agent's answer is not a list\n";
    return 1;
  }
  std::vector<Row> rows;
  for (const auto& m : doc->GetArray()) {
    const int status = m.HasMember("Status") && m["Status"].IsInt() ? m["Status"].GetInt() : 0;
    const std::string state = status_name(status);
    if (!std::regex_match(state, status_re)) continue;
    const int port = m.HasMember("Port") && m["Port"].IsInt() ? m["Port"].GetInt() : 0;
    std::string addr = str(m, "Addr");
    if (addr.find(':') != std::string::npos) addr = "[" + addr + "]";
    addr += ":" + std::to_string(port);
    if (detailed) {
      std::vector<std::string> tags;
      if (auto it = m.FindMember("Tags"); it != m.MemberEnd() && it->value.IsObject())
        for (const auto& t : it->value.GetObject())
          tags.push_back(std::string(t.name.GetString()) + "=" + (t.value.IsString() ? t.value.GetString() : ""));
      std::sort(tags.begin(), tags.end());
      std::string joined;
      for (const auto& t : tags) joined += (joined.empty() ? "" : ",") + t;
      rows.push_back({str(m, "Name"), addr, state, joined});
      continue;
    }
    std::string build = tag(m, "build");
    build = build.substr(0, build.find(':'));
    std::string partition = tag(m, "ap");
    std::string segment = tag(m, "segment");
    rows.push_back({str(m, "Name"), addr, state, type_of(tag(m, "role")), build, tag(m, "vsn"), tag(m, "dc"),
                    partition.empty() ? "default" : partition, segment.empty() ? "<default>" : segment});
  }
  if (rows.empty()) return 2;  // as Consul: nothing matched
  std::sort(rows.begin(), rows.end());
  rows.insert(rows.begin(), detailed ? Row{"Node", "Address", "Status", "Tags"}
                                     : Row{"Node", "Address", "Status", "Type", "Build", "Protocol", "DC",
                                           "Partition", "Segment"});
  io.out << format_table(rows);
  return 0;
}

}  // namespace roster::cli
