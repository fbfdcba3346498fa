// `roster keyring`: list, install, use (make primary) and remove gossip keys
// through the agent's HTTP API. Output follows `consul keyring`.
#include "cli/keyring_command.hpp"

#include <map>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/agent_calls.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: roster keyring [-list | -install KEY | -use KEY | -remove KEY] [-http-addr ADDR] [-token TOKEN]\n"
    "\n"
    "  Manages the gossip encryption keys of the cluster. Rotate a key with\n"
    "  -install NEW, then -use NEW, then -remove OLD (`roster keygen` makes keys).\n";

std::string key_body(const std::string& key) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("Key");
  w.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void count_section(std::ostringstream& out, const rapidjson::Value& pool, const char* member, const char* title,
                   int num_nodes) {
  const auto it = pool.FindMember(member);
  if (it == pool.MemberEnd() || !it->value.IsObject()) return;
  out << "  " << title << ":\n";
  std::map<std::string, int> sorted;
  for (const auto& m : it->value.GetObject()) sorted[m.name.GetString()] = m.value.IsInt() ? m.value.GetInt() : 0;
  for (const auto& [k, n] : sorted) out << "    " << k << " [" << n << "/" << num_nodes << "]\n";
}

}  // namespace

std::string format_keyring_list(const rapidjson::Value& pools) {
  std::ostringstream out;
  if (!pools.IsArray()) return "";
  for (const auto& p : pools.GetArray()) {
    if (!p.IsObject()) continue;
    const auto str = [&p](const char* k) {
      const auto it = p.FindMember(k);
      return it != p.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
    };
    const auto wan = p.FindMember("WAN");
    const auto nodes = p.FindMember("NumNodes");
    const int num_nodes = nodes != p.MemberEnd() && nodes->value.IsInt() ? nodes->value.GetInt() : 0;
    std::string pool = str("Datacenter") + " (LAN)";
    if (!str("Segment").empty()) pool += " [" + str("Segment") + "]";
    if (wan != p.MemberEnd() && wan->value.IsBool() && wan->value.GetBool()) pool = "WAN";
    out << "\n" << pool << ":\n";
    count_section(out, p, "Keys", "Keys", num_nodes);
    count_section(out, p, "PrimaryKeys", "Primary Keys", num_nodes);
    const auto msgs = p.FindMember("Messages");
    if (msgs != p.MemberEnd() && msgs->value.IsObject() && msgs->value.MemberCount() > 0) {
      out << "  Messages:\n";
      for (const auto& m : msgs->value.GetObject())
        out << "    " << m.name.GetString() << ": " << (m.value.IsString() ? m.value.GetString() : "") << "\n";
    }
  }
  return out.str();
}

int run_keyring(const std::vector<std::string>& args, const Io& io) {
  for (const auto& a : args)
    if (a == "-h" || a == "--help" || a == "-help") {
      io.out << kUsage;
      return 0;
    }
  ClientFlags client_flags;
  bool list = false;
  std::string install, use, remove;
  po::options_description desc;
  add_client_flags(desc, client_flags);
  desc.add_options()("list", po::bool_switch(&list), "list the keys")("install", po::value(&install), "install KEY")(
      "use", po::value(&use), "make KEY primary")("remove", po::value(&remove), "remove KEY");
  po::variables_map vm;
  if (auto st = parse_flags(args, desc, vm); !st) {
    io.err << "roster keyring: " << st.error().message << "\n" << kUsage;
    return 2;
  }
  const int actions = (list ? 1 : 0) + (!install.empty()) + (!use.empty()) + (!remove.empty());
  if (actions == 0) {
    io.err << kUsage;
    return 2;
  }
  if (actions > 1) {
    io.err << "Only a single action is allowed\n";
    return 2;
  }
  auto config = client_config(client_flags, io.env);
  if (!config) {
    io.err << config.error().message << "\n";
    return 2;
  }
  if (list) {
    io.out << "==> Gathering installed encryption keys...\n";
    auto doc = get_json(*config, "/v1/operator/keyring");
    if (!doc) {
      io.err << "error: " << doc.error().message << "\n";
      return 1;
    }
    io.out << format_keyring_list(*doc);
    return 0;
  }
  struct Action {
    const std::string& key;
    const char* method;
    const char* banner;
  };
  for (const Action& a : {Action{install, "POST", "Installing new gossip encryption key..."},
                          Action{use, "PUT", "Changing primary gossip encryption key..."},
                          Action{remove, "DELETE", "Removing gossip encryption key..."}}) {
    if (a.key.empty()) continue;
    io.out << "==> " << a.banner << "\n";
    auto reply = call_agent(*config, a.method, "/v1/operator/keyring", key_body(a.key));
    if (!reply) {
      io.err << "error: " << reply.error().message << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace roster::cli
