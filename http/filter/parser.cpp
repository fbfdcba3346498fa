// Filter::compile: tokenizer and recursive-descent parser for the go-bexpr
// subset, resolving selectors against the schema as it goes.
#include <cctype>
#include <charconv>

#include "common/strings.hpp"
#include "http/filter/ast.hpp"

namespace roster::http::filter {
namespace {

enum class Tok { Word, Quoted, LParen, RParen, Eq, Ne, End };

struct Token {
  Tok type;
  std::string text;
  std::size_t pos;  // 1-based column, for messages
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == ':' ||
         c == '/' || c == '+' || c == '@';
}

// Reads a "..." or `...` literal starting at s[i]; Go's escapes \" \\ \n \t in "...".
Result<std::string> read_quoted(std::string_view s, std::size_t& i) {
  const char quote = s[i++];
  const std::size_t start = i;
  std::string out;
  while (i < s.size() && s[i] != quote) {
    if (quote == '"' && s[i] == '\\' && i + 1 < s.size()) {
      const char e = s[++i];
      out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
    } else {
      out.push_back(s[i]);
    }
    ++i;
  }
  if (i >= s.size())
    return invalid("unterminated quoted string starting at position " + std::to_string(start));
  ++i;
  return out;
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const std::size_t pos = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Tok::LParen : Tok::RParen, std::string(1, c), pos});
      ++i;
    } else if ((c == '=' || c == '!') && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({c == '=' ? Tok::Eq : Tok::Ne, std::string(s.substr(i, 2)), pos});
      i += 2;
    } else if (c == '"' || c == '`') {
      auto text = read_quoted(s, i);
      if (!text) return text.error();
      out.push_back({Tok::Quoted, std::move(*text), pos});
    } else if (word_char(c)) {
      // A bare word: a selector (which may index a map as Meta["a key"]) or a value.
      std::string word;
      while (i < s.size() && (word_char(s[i]) || s[i] == '[')) {
        if (s[i] != '[') {
          word.push_back(s[i++]);
          continue;
        }
        if (i + 1 >= s.size() || s[i + 1] != '"')
          return invalid("expected a quoted key after '[' at position " + std::to_string(i + 1));
        ++i;
        auto key = read_quoted(s, i);
        if (!key) return key.error();
        if (i >= s.size() || s[i] != ']')
          return invalid("expected ']' at position " + std::to_string(i + 1));
        ++i;
        word += "." + *key;  // Meta["k"] is Meta.k
      }
      out.push_back({Tok::Word, std::move(word), pos});
    } else {
      return invalid("unexpected character '" + std::string(1, c) + "' at position " + std::to_string(pos));
    }
  }
  out.push_back({Tok::End, "", s.size() + 1});
  return out;
}

bool is_keyword(const Token& t) {
  if (t.type != Tok::Word) return false;
  for (const char* k : {"and", "or", "not", "in", "contains", "is", "empty", "matches"})
    if (t.text == k) return true;
  return false;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto dot = s.find('.');
    out.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    s.remove_prefix(dot + 1);
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const Schema& schema) : t_(std::move(tokens)), schema_(schema) {}

  Result<std::shared_ptr<const Node>> parse() {
    auto root = parse_or();
    if (!root) return root;
    if (peek().type != Tok::End) return fail("unexpected \"" + peek().text + "\"");
    return root;
  }

 private:
  using NodeResult = Result<std::shared_ptr<const Node>>;

  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  const Token& next() { return t_[std::min(i_++, t_.size() - 1)]; }
  bool word_is(const Token& t, std::string_view w) const { return t.type == Tok::Word && t.text == w; }
  Error fail(const std::string& what) const {
    return invalid(what + " at position " + std::to_string(peek().pos));
  }

  static std::shared_ptr<const Node> combine(Op op, std::shared_ptr<const Node> l, std::shared_ptr<const Node> r) {
    auto n = std::make_shared<Node>();
    n->op = op;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  NodeResult parse_or() {
    auto left = parse_and();
    while (left && word_is(peek(), "or")) {
      next();
      auto right = parse_and();
      if (!right) return right;
      left = combine(Op::Or, *left, *right);
    }
    return left;
  }

  NodeResult parse_and() {
    auto left = parse_unary();
    while (left && word_is(peek(), "and")) {
      next();
      auto right = parse_unary();
      if (!right) return right;
      left = combine(Op::And, *left, *right);
    }
    return left;
  }

  NodeResult parse_unary() {
    if (word_is(peek(), "not")) {
      next();
      auto inner = parse_unary();
      if (!inner) return inner;
      return combine(Op::Not, *inner, nullptr);
    }
    if (peek().type == Tok::LParen) {
      next();
      auto inner = parse_or();
      if (!inner) return inner;
      if (peek().type != Tok::RParen) return fail("expected ')'");
      next();
      return inner;
    }
    return parse_match();
  }

  NodeResult parse_match() {
    const Token first = peek();
    if (first.type != Tok::Word && first.type != Tok::Quoted)
      return fail(first.type == Tok::End ? "expected an expression, found the end" : "expected a selector or a value");
    const bool value_first = first.type == Tok::Quoted || word_is(peek(1), "in") ||
                             (word_is(peek(1), "not") && word_is(peek(2), "in"));
    if (value_first) {
      next();
      Op op = Op::In;
      if (word_is(peek(), "not")) {
        next();
        op = Op::NotIn;
      }
      if (!word_is(peek(), "in")) return fail("expected \"in\" or \"not in\" after the value \"" + first.text + "\"");
      next();
      return match(op, first.text);
    }
    if (is_keyword(first)) return fail("expected a selector, found \"" + first.text + "\"");
    auto node = selector(next());
    if (!node) return node.error();
    const Token& op = next();
    if (op.type == Tok::Eq || op.type == Tok::Ne) {
      (*node)->op = op.type == Tok::Eq ? Op::Equal : Op::NotEqual;
      return with_value(std::move(*node));
    }
    bool negated = false;
    if (word_is(op, "not")) negated = true;
    const Token& verb = negated ? next() : op;
    if (word_is(verb, "contains")) {
      (*node)->op = negated ? Op::NotIn : Op::In;
      return with_value(std::move(*node));
    }
    if (word_is(verb, "matches")) return fail("the \"matches\" operator is not supported by this agent");
    if (!negated && word_is(verb, "is")) {
      bool not_empty = false;
      if (word_is(peek(), "not")) {
        next();
        not_empty = true;
      }
      if (!word_is(peek(), "empty")) return fail("expected \"empty\" after \"is\"");
      next();
      (*node)->op = not_empty ? Op::IsNotEmpty : Op::IsEmpty;
      return finish(std::move(*node));
    }
    --i_;
    return fail("expected an operator (==, !=, contains, not contains, is empty, is not empty) after \"" +
                first.text + "\"");
  }

  // `value in Selector` / `value not in Selector`.
  NodeResult match(Op op, const std::string& value) {
    if (peek().type != Tok::Word || is_keyword(peek())) return fail("expected a selector after \"in\"");
    auto node = selector(next());
    if (!node) return node.error();
    (*node)->op = op;
    (*node)->literal = value;
    return finish(std::move(*node));
  }

  NodeResult with_value(std::shared_ptr<Node> node) {
    const Token& v = peek();
    if ((v.type != Tok::Word && v.type != Tok::Quoted) || (v.type == Tok::Word && is_keyword(v)))
      return fail("expected a value");
    node->literal = next().text;
    return finish(std::move(node));
  }

  Result<std::shared_ptr<Node>> selector(const Token& tok) {
    const auto segments = split_dots(tok.text);
    for (std::size_t f = 0; f < schema_.size(); ++f) {
      const auto path = split_dots(schema_[f].path);
      if (segments.size() < path.size() || segments.size() > path.size() + 1) continue;
      bool same = true;
      for (std::size_t k = 0; k < path.size() && same; ++k) same = iequals(segments[k], path[k]);
      if (!same) continue;
      auto node = std::make_shared<Node>();
      node->field = f;
      node->kind = schema_[f].kind;
      if (segments.size() == path.size()) return node;
      if (schema_[f].kind != Kind::StringMap) continue;
      node->map_key = std::string(segments.back());
      node->kind = Kind::String;
      return node;
    }
    return invalid("unknown selector \"" + tok.text + "\" at position " + std::to_string(tok.pos));
  }

  // Checks the operator against the selector's kind and converts the literal.
  NodeResult finish(std::shared_ptr<Node> n) {
    const std::string sel = selector_text(*n);
    switch (n->op) {
      case Op::Equal:
      case Op::NotEqual:
        if (n->kind == Kind::StringList || n->kind == Kind::StringMap)
          return invalid("selector \"" + sel + "\" is a collection: use in, not in, contains, not contains, "
                         "is empty or is not empty");
        if (n->kind == Kind::Number) {
          const auto& s = n->literal;
          const auto r = std::from_chars(s.data(), s.data() + s.size(), n->number);
          if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
            return invalid("value \"" + s + "\" for selector \"" + sel + "\" is not a number");
        }
        if (n->kind == Kind::Bool) {
          if (n->literal != "true" && n->literal != "false")
            return invalid("value \"" + n->literal + "\" for selector \"" + sel + "\" is not true or false");
          n->flag = n->literal == "true";
        }
        return std::shared_ptr<const Node>(std::move(n));
      default:
        if (n->kind == Kind::Number || n->kind == Kind::Bool)
          return invalid("selector \"" + sel + "\" supports only == and !=");
        return std::shared_ptr<const Node>(std::move(n));
    }
  }

  std::string selector_text(const Node& n) const {
    return schema_[n.field].path + (n.map_key ? "." + *n.map_key : "");
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  const Schema& schema_;
};

}  // namespace

Result<Filter> Filter::compile(std::string_view expression, const Schema& schema) {
  auto tokens = tokenize(expression);
  if (!tokens) return invalid("Failed to create boolean expression evaluator: " + tokens.error().message);
  auto root = Parser(std::move(*tokens), schema).parse();
  if (!root) return invalid("Failed to create boolean expression evaluator: " + root.error().message);
  return Filter(std::move(*root));
}

}  // namespace roster::http::filter
