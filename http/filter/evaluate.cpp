// Filter::matches: evaluates the compiled tree on one record.
#include <algorithm>

#include "http/filter/ast.hpp"

namespace roster::http::filter {
namespace {

// The selected value as text (String kind, including a map entry; a missing key reads "").
std::string_view text_of(const Node& n, const Value& v) {
  if (!n.map_key) return v.text;
  if (!v.map) return {};
  const auto it = v.map->find(*n.map_key);
  return it == v.map->end() ? std::string_view() : std::string_view(it->second);
}

bool contains(const Node& n, const Value& v) {
  switch (n.kind) {
    case Kind::String: return text_of(n, v).find(n.literal) != std::string_view::npos;
    case Kind::StringList:
    case Kind::EachOf: return std::find(v.list.begin(), v.list.end(), n.literal) != v.list.end();
    case Kind::StringMap: return v.map && v.map->count(n.literal) > 0;
    default: return false;
  }
}

bool equals(const Node& n, const Value& v) {
  switch (n.kind) {
    case Kind::Number: return v.number == n.number;
    case Kind::Bool: return v.flag == n.flag;
    case Kind::EachOf: return std::find(v.list.begin(), v.list.end(), n.literal) != v.list.end();
    default: return text_of(n, v) == n.literal;
  }
}

bool empty(const Node& n, const Value& v) {
  switch (n.kind) {
    case Kind::StringList:
    case Kind::EachOf: return v.list.empty();
    case Kind::StringMap: return !v.map || v.map->empty();
    default: return text_of(n, v).empty();
  }
}

bool eval(const Node& n, const Record& r) {
  switch (n.op) {
    case Op::And: return eval(*n.left, r) && eval(*n.right, r);
    case Op::Or: return eval(*n.left, r) || eval(*n.right, r);
    case Op::Not: return !eval(*n.left, r);
    case Op::Equal: return equals(n, r.get(n.field));
    case Op::NotEqual: return !equals(n, r.get(n.field));
    case Op::In: return contains(n, r.get(n.field));
    case Op::NotIn: return !contains(n, r.get(n.field));
    case Op::IsEmpty: return empty(n, r.get(n.field));
    case Op::IsNotEmpty: return !empty(n, r.get(n.field));
  }
  return false;
}

}  // namespace

bool Filter::matches(const Record& record) const { return eval(*root_, record); }

}  // namespace roster::http::filter
