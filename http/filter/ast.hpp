#pragma once
// The compiled form of a filter expression (internal to http/filter).
#include <memory>
#include <optional>
#include <string>

#include "http/filter/filter.hpp"

namespace roster::http::filter {

enum class Op { And, Or, Not, Equal, NotEqual, In, NotIn, IsEmpty, IsNotEmpty };

struct Node {
  Op op;
  std::shared_ptr<const Node> left, right;  // And/Or: both; Not: left
  // Matches: the field, the map key when the selector goes into a map, the
  // kind the selector yields, and the literal (already checked against it).
  std::size_t field = 0;
  std::optional<std::string> map_key;
  Kind kind = Kind::String;
  std::string literal;
  std::int64_t number = 0;
  bool flag = false;
};

}  // namespace roster::http::filter
