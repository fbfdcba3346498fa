// `roster services register FILE|-name ...` and `roster services deregister
// ID|-id ID|FILE`, through the agent's /v1/agent/service endpoints.
#include <fstream>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/agent_calls.hpp"
#include "cli/commands.hpp"
#include "client/agent_address.hpp"

namespace roster::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: roster services register [-http-addr ADDR] [-token TOKEN] FILE...\n"
    "       roster services register -name NAME [-id ID] [-address ADDR] [-port PORT]\n"
    "                                [-tag TAG]... [-meta KEY=VALUE]...\n"
    "       roster services deregister [-http-addr ADDR] [-token TOKEN] ID | -id ID | FILE...\n";

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// A member whose key matches `name` in any case (config files say "name",
// the API "Name").
const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  for (const auto& m : obj.GetObject()) {
    std::string k = m.name.GetString();
    std::string n = name;
    if (k.size() == n.size() &&
        std::equal(k.begin(), k.end(), n.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return &m.value;
  }
  return nullptr;
}

// The service objects of a Consul service-definition file: `service` or `services`.
Result<std::vector<std::string>> services_in_file(const std::string& path, rapidjson::Document& doc) {
  std::ifstream in(path);
  if (!in) return invalid("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  doc.Parse(text.str().c_str());
  if (doc.HasParseError() || !doc.IsObject()) return invalid(path + ": not a JSON object");
  std::vector<std::string> bodies;
  if (const auto* s = member(doc, "service"); s && s->IsObject()) bodies.push_back(to_text(*s));
  if (const auto* list = member(doc, "services"); list && list->IsArray())
    for (const auto& s : list->GetArray())
      if (s.IsObject()) bodies.push_back(to_text(s));
  if (bodies.empty()) return invalid(path + ": no \"service\" or \"services\" definition");
  return bodies;
}

std::string field(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  const auto* v = d.IsObject() ? member(d, name) : nullptr;
  return v && v->IsString() ? v->GetString() : "";
}

struct Flags {
  ClientFlags client;
  std::string name, id, address;
  int port = 0;
  std::vector<std::string> tags, meta;
};

Result<std::string> body_from_flags(const Flags& f) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("Name"); w.String(f.name.c_str());
  if (!f.id.empty()) { w.Key("ID"); w.String(f.id.c_str()); }
  if (!f.address.empty()) { w.Key("Address"); w.String(f.address.c_str()); }
  if (f.port != 0) { w.Key("Port"); w.Int(f.port); }
  w.Key("Tags");
  w.StartArray();
  for (const auto& t : f.tags) w.String(t.c_str());
  w.EndArray();
  w.Key("Meta");
  w.StartObject();
  for (const auto& kv : f.meta) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return invalid("-meta takes KEY=VALUE, got \"" + kv + "\"");
    w.Key(kv.substr(0, eq).c_str());
    w.String(kv.substr(eq + 1).c_str());
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

int usage_error(const Io& io, const std::string& message) {
  io.err << "roster services: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int run_services(const std::vector<std::string>& args, const Io& io) {
  if (args.empty() || (args[0] != "register" && args[0] != "deregister")) {
    io.err << kUsage;
    return 2;
  }
  const bool reg = args[0] == "register";
  Flags f;
  po::options_description desc;
  add_client_flags(desc, f.client);
  desc.add_options()("id", po::value(&f.id), "service ID");
  if (reg)
    desc.add_options()("name", po::value(&f.name), "service name")("address", po::value(&f.address), "address")(
        "port", po::value(&f.port), "port")("tag", po::value(&f.tags)->composing(), "tag (repeatable)")(
        "meta", po::value(&f.meta)->composing(), "KEY=VALUE (repeatable)");
  po::variables_map vm;
  std::vector<std::string> words;
  if (auto st = parse_flags({args.begin() + 1, args.end()}, desc, vm, &words); !st) return usage_error(io, st.error().message);
  auto config = client_config(f.client, io.env);
  if (!config) return usage_error(io, config.error().message);

  if (reg) {
    std::vector<std::string> bodies;
    if (!f.name.empty()) {
      if (!words.empty()) return usage_error(io, "give either -name or files, not both");
      if (f.port < 0 || f.port > 65535) return usage_error(io, "-port must be between 0 and 65535");
      auto body = body_from_flags(f);
      if (!body) return usage_error(io, body.error().message);
      bodies.push_back(*body);
    } else {
      if (words.empty()) return usage_error(io, "a service definition file or -name is required");
      for (const auto& path : words) {
        rapidjson::Document doc;
        auto found = services_in_file(path, doc);
        if (!found) return usage_error(io, found.error().message);
        bodies.insert(bodies.end(), found->begin(), found->end());
      }
    }
    for (const auto& body : bodies) {
      auto r = call_agent(*config, "PUT", "/v1/agent/service/register", body);
      if (!r) {
        io.err << "Error registering service \"" << field(body, "name") << "\": " << r.error().message << "\n";
        return 1;
      }
      io.out << "Registered service: " << field(body, "name") << "\n";
    }
    return 0;
  }

  std::vector<std::string> ids;
  if (!f.id.empty()) ids.push_back(f.id);
  for (const auto& w : words) {
    rapidjson::Document doc;
    std::ifstream probe(w);
    if (probe) {  // a definition file: deregister what it defines (ID, else Name)
      auto found = services_in_file(w, doc);
      if (!found) return usage_error(io, found.error().message);
      for (const auto& body : *found) {
        std::string id = field(body, "id");
        ids.push_back(id.empty() ? field(body, "name") : id);
      }
    } else {
      ids.push_back(w);
    }
  }
  if (ids.empty()) return usage_error(io, "a service ID, -id or a definition file is required");
  for (const auto& id : ids) {
    auto r = call_agent(*config, "PUT", "/v1/agent/service/deregister/" + client::url_encode(id));
    if (!r) {
      io.err << "Error deregistering service \"" << id << "\": " << r.error().message << "\n";
      return 1;
    }
    io.out << "Deregistered service: " << id << "\n";
  }
  return 0;
}

}  // namespace roster::cli
