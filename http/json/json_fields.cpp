#include "http/json/json_fields.hpp"

#include <rapidjson/error/en.h>

#include "common/duration.hpp"
#include "common/strings.hpp"

namespace roster::http::json {

Result<rapidjson::Document> parse_body(std::string_view body) {
  bool blank = true;
  for (char c : body) blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  if (blank) return invalid("Request decode failed: EOF");
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError())
    return invalid(std::string("Request decode failed: ") +
                   rapidjson::GetParseError_En(doc.GetParseError()) + " (at byte " +
                   std::to_string(doc.GetErrorOffset()) + ")");
  return doc;
}

Fields::Fields(const rapidjson::Value& object, std::string context)
    : object_(object), context_(std::move(context)) {}

const rapidjson::Value* Fields::find(std::initializer_list<std::string_view> names) const {
  for (auto it = object_.MemberBegin(); it != object_.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    for (std::string_view n : names)
      if (iequals(key, n)) return it->value.IsNull() ? nullptr : &it->value;
  }
  return nullptr;
}

Error Fields::type_error(std::string_view name, std::string_view expected) const {
  return invalid("Request decode failed: field \"" + context_ + std::string(name) + "\" must be " +
                 std::string(expected));
}

Status Fields::string(std::initializer_list<std::string_view> names, std::string& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (!v->IsString()) return type_error(*names.begin(), "a string");
  out.assign(v->GetString(), v->GetStringLength());
  return ok();
}

Status Fields::integer(std::initializer_list<std::string_view> names, int& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (!v->IsInt()) return type_error(*names.begin(), "an integer");
  out = v->GetInt();
  return ok();
}

Status Fields::boolean(std::initializer_list<std::string_view> names, bool& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (!v->IsBool()) return type_error(*names.begin(), "true or false");
  out = v->GetBool();
  return ok();
}

Status Fields::string_list(std::initializer_list<std::string_view> names,
                           std::vector<std::string>& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (!v->IsArray()) return type_error(*names.begin(), "a list of strings");
  out.clear();
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) return type_error(*names.begin(), "a list of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return ok();
}

Status Fields::string_map(std::initializer_list<std::string_view> names,
                          std::map<std::string, std::string>& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (!v->IsObject()) return type_error(*names.begin(), "an object of strings");
  out.clear();
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    if (!it->value.IsString()) return type_error(*names.begin(), "an object of strings");
    out[std::string(it->name.GetString(), it->name.GetStringLength())] =
        std::string(it->value.GetString(), it->value.GetStringLength());
  }
  return ok();
}

Status Fields::duration(std::initializer_list<std::string_view> names,
                        std::optional<Duration>& out) const {
  const auto* v = find(names);
  if (!v) return ok();
  if (v->IsInt64()) {
    if (v->GetInt64() < 0) return type_error(*names.begin(), "a non-negative duration");
    out = Duration(v->GetInt64());
    return ok();
  }
  if (!v->IsString()) return type_error(*names.begin(), "a duration such as \"10s\"");
  const std::string_view text(v->GetString(), v->GetStringLength());
  if (text.empty()) return ok();
  const auto d = parse_duration(text);
  if (!d) return type_error(*names.begin(), "a duration such as \"10s\"");
  out = *d;
  return ok();
}

}  // namespace roster::http::json
