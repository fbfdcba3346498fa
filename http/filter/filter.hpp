#pragma once
// A small subset of go-bexpr, the language of Consul's `?filter=`:
//   Service.Tags contains "v1" and Node.Meta.rack == "r1"
//   not (Checks.Status contains "critical") or "web" in Service.Service
// Operators: ==, !=, in, not in, contains, not contains, is empty,
// is not empty, and, or, not, parentheses; values are "quoted", `raw` or bare
// words (80, true). Selectors are checked against the endpoint's Schema when
// the expression is compiled, so a typo is a 400 naming it, not an empty list.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace roster::http::filter {

// StringList is a list field (Service.Tags). EachOf is a field read through a
// list of structs (Checks.Status): == holds when any element equals, != when
// none does, as go-bexpr does for selectors through slices.
enum class Kind { String, Number, Bool, StringList, StringMap, EachOf };

// One selectable field, e.g. {"Service.Tags", Kind::StringList}. A StringMap
// field also selects its values with one more segment (Service.Meta.version).
struct Field {
  std::string path;
  Kind kind;
};
using Schema = std::vector<Field>;

// A field's value in one record. Views point into the record, which outlives
// the evaluation.
struct Value {
  std::string_view text;                 // String
  std::int64_t number = 0;               // Number
  bool flag = false;                     // Bool
  std::vector<std::string_view> list;    // StringList, EachOf
  const std::map<std::string, std::string>* map = nullptr;  // StringMap (null: empty)
};

// The record a filter is evaluated on: one value per schema field.
class Record {
 public:
  virtual ~Record() = default;
  virtual Value get(std::size_t field) const = 0;  // `field` indexes the Schema
};

struct Node;  // the compiled expression tree

// Thread safety: immutable once compiled; matches() may run concurrently.
class Filter {
 public:
  // Errors are Invalid, with a message naming the problem and its position.
  static Result<Filter> compile(std::string_view expression, const Schema& schema);
  bool matches(const Record& record) const;

 private:
  explicit Filter(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

}  // namespace roster::http::filter
