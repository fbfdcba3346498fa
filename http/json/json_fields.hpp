#pragma once
// Reading Consul request bodies: keys match case-insensitively (Go's
// encoding/json), with snake_case aliases; null means "absent"; unknown keys
// are ignored; a value of the wrong type is an error naming the field.
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace roster::http::json {

// Parses a request body into a Document; errors read "Request decode failed: …".
Result<rapidjson::Document> parse_body(std::string_view body);

// Thread safety: a view over one JSON object; use on one thread.
class Fields {
 public:
  // `context` prefixes error messages, e.g. "Check." for nested objects.
  Fields(const rapidjson::Value& object, std::string context);

  // The member whose key equals one of `names` ignoring case, if present and not null.
  const rapidjson::Value* find(std::initializer_list<std::string_view> names) const;

  Status string(std::initializer_list<std::string_view> names, std::string& out) const;
  Status integer(std::initializer_list<std::string_view> names, int& out) const;
  Status boolean(std::initializer_list<std::string_view> names, bool& out) const;
  Status string_list(std::initializer_list<std::string_view> names, std::vector<std::string>& out) const;
  Status string_map(std::initializer_list<std::string_view> names,
                    std::map<std::string, std::string>& out) const;
  // A Go duration string ("10s") or an integer count of nanoseconds.
  Status duration(std::initializer_list<std::string_view> names, std::optional<Duration>& out) const;

  // The error for a member of the wrong type.
  Error type_error(std::string_view name, std::string_view expected) const;

 private:
  const rapidjson::Value& object_;
  std::string context_;
};

}  // namespace roster::http::json
