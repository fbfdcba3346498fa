#include "wrapper/api_requests.hpp"

#include "client/agent_address.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace roster::wrapper {

std::string check_id_for(std::string_view service_id) { return "service:" + std::string(service_id); }

std::string format_ttl(std::chrono::milliseconds ttl) {
  const auto ms = ttl.count();
  std::string out = std::to_string(ms / 1000);
  if (const auto frac = ms % 1000; frac != 0) {
    std::string digits = std::to_string(1000 + frac).substr(1);  // zero-padded to 3
    while (digits.back() == '0') digits.pop_back();
    out += '.' + digits;
  }
  return out + 's';
}

std::string registration_body(const ServiceRegistration& reg) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const auto str = [&w](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("Name");
  str(reg.name);
  w.Key("ID");
  str(reg.id);
  w.Key("Tags");
  w.StartArray();
  for (const auto& tag : reg.tags) str(tag);
  w.EndArray();
  if (reg.port) {
    w.Key("Port");
    w.Uint(*reg.port);
  }
  if (!reg.address.empty()) {
    w.Key("Address");
    str(reg.address);
  }
  if (!reg.meta.empty()) {
    w.Key("Meta");
    w.StartObject();
    for (const auto& [k, v] : reg.meta) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      str(v);
    }
    w.EndObject();
  }
  w.Key("Check");
  w.StartObject();
  w.Key("TTL");
  str(format_ttl(reg.ttl));
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

ApiRequest register_request(const ServiceRegistration& reg) {
  return {"PUT", "/v1/agent/service/register", registration_body(reg)};
}

ApiRequest pass_request(std::string_view check_id, std::string_view note) {
  return check_update_request(check_id, CheckStatus::Passing, note);
}

ApiRequest check_update_request(std::string_view check_id, CheckStatus status, std::string_view note) {
  std::string target = "/v1/agent/check/" + std::string(status_endpoint(status)) + "/" + client::url_encode(check_id);
  if (!note.empty()) target += "?note=" + client::url_encode(note);
  return {"PUT", std::move(target), {}};
}

ApiRequest deregister_request(std::string_view service_id) {
  return {"PUT", "/v1/agent/service/deregister/" + client::url_encode(service_id), {}};
}

}  // namespace roster::wrapper
