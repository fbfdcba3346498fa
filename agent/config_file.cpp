#include "agent/config_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/json/json_fields.hpp"
#include "http/json/service_json.hpp"

namespace roster::agent {
namespace fs = std::filesystem;
using http::json::Fields;

namespace {

Status with_file(const std::string& name, Status st) {
  if (st) return st;
  return invalid(name + ": " + st.error().message);
}

Status add_service(const rapidjson::Value& v, const std::string& name, AgentConfig& config) {
  auto reg = http::json::decode_service(v, "service");
  if (!reg) return invalid(name + ": " + reg.error().message);
  config.services.push_back(std::move(*reg));
  return ok();
}

}  // namespace

Status apply_config_text(const std::string& text, const std::string& name, AgentConfig& c) {
  auto doc = http::json::parse_body(text);
  if (!doc) return invalid(name + ": " + doc.error().message);
  if (!doc->IsObject()) return invalid(name + ": a config file must hold a JSON object");
  const Fields f(*doc, "");
  std::string log_level;
  for (Status st : {f.string({"node_name"}, c.node_name), f.string({"datacenter"}, c.datacenter),
                    f.string({"domain"}, c.domain), f.string({"client_addr"}, c.client_addr),
                    f.string({"bind_addr"}, c.bind_addr), f.string({"advertise_addr"}, c.advertise_addr),
                    f.string({"data_dir"}, c.data_dir), f.string({"log_level"}, log_level)})
    if (!st) return with_file(name, st);
  if (!log_level.empty()) {
    const auto level = parse_log_level(log_level);
    if (!level) return invalid(name + ": invalid log_level \"" + log_level + "\"");
    c.log_level = *level;
  }
  if (const auto* ports = f.find({"ports"})) {
    if (!ports->IsObject()) return invalid(name + ": \"ports\" must be an object");
    const Fields pf(*ports, "ports.");
    for (Status st : {pf.integer({"http"}, c.http_port), pf.integer({"dns"}, c.dns_port)})
      if (!st) return with_file(name, st);
  }
  if (const auto* s = f.find({"service"}))
    if (auto st = add_service(*s, name, c); !st) return st;
  if (const auto* list = f.find({"services"})) {
    if (!list->IsArray()) return invalid(name + ": \"services\" must be a list");
    for (const auto& s : list->GetArray())
      if (auto st = add_service(s, name, c); !st) return st;
  }
  return ok();
}

Status load_config_files(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                         AgentConfig& config) {
  std::vector<std::string> paths = files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return invalid("config dir " + dir + " is not a directory");
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".json") found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  for (const auto& path : paths) {
    std::ifstream in(path);
    if (!in) return invalid("cannot read config file " + path);
    std::stringstream text;
    text << in.rdbuf();
    if (auto st = apply_config_text(text.str(), path, config); !st) return st;
  }
  return ok();
}

}  // namespace roster::agent
