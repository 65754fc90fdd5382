#pragma once
// JSON values as jsonb holds them, for the jsonb functions SQLite's JSON1
// has no counterpart for (jsonb_functions.hpp): parsed into a small tree,
// objects with unique keys (the last one wins) in jsonb's order (shorter
// keys first, then bytewise), numbers kept as written and compared as
// numbers; printed compactly, as jsonb_out spaces it, or as jsonb_pretty.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "numeric_text.hpp"

namespace sqlite_example::json_values {

struct Value {
  enum Kind : std::uint8_t { null, boolean, number, string, array, object } kind = null;
  bool truth = false;
  std::string text;                // a number as written; a string decoded (UTF-8)
  std::vector<Value> items;        // an array's elements, an object's values
  std::vector<std::string> keys;   // an object's keys (decoded), beside `items`

  const Value* member(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &items[i];
    return nullptr;
  }
};

namespace detail {

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  std::optional<Value> run() {
    Value v;
    if (!value(v, 0)) return std::nullopt;
    space();
    if (at_ != in_.size()) return std::nullopt;
    return v;
  }

 private:
  static constexpr int max_depth = 1000;  // (deep enough for real documents; bounds the recursion and the stack)

  void space() {
    while (at_ < in_.size() && (in_[at_] == ' ' || in_[at_] == '\t' || in_[at_] == '\n' || in_[at_] == '\r')) ++at_;
  }
  bool literal(std::string_view word) {
    if (in_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  static void put_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  bool hex4(std::uint32_t& c) {
    if (at_ + 4 > in_.size()) return false;
    c = 0;
    for (int i = 0; i < 4; ++i) {
      char h = in_[at_++];
      c <<= 4;
      if (h >= '0' && h <= '9') c |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') c |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') c |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool string(std::string& out) {
    if (at_ >= in_.size() || in_[at_] != '"') return false;
    ++at_;
    while (at_ < in_.size()) {
      char c = in_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= in_.size()) return false;
      char e = in_[at_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t c1;
          if (!hex4(c1)) return false;
          if (c1 >= 0xD800 && c1 < 0xDC00) {  // a surrogate pair
            std::uint32_t c2;
            if (!literal("\\u") || !hex4(c2) || c2 < 0xDC00 || c2 > 0xDFFF) return false;
            c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
          } else if (c1 == 0 || (c1 >= 0xDC00 && c1 <= 0xDFFF)) {
            return false;  // (jsonb cannot hold \u0000)
          }
          put_utf8(out, c1);
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool number(std::string& out) {
    std::size_t from = at_;
    if (at_ < in_.size() && in_[at_] == '-') ++at_;
    auto digits = [&] {
      std::size_t d = at_;
      while (at_ < in_.size() && in_[at_] >= '0' && in_[at_] <= '9') ++at_;
      return at_ > d;
    };
    if (!digits()) return false;
    if (at_ < in_.size() && in_[at_] == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (at_ < in_.size() && (in_[at_] == 'e' || in_[at_] == 'E')) {
      ++at_;
      if (at_ < in_.size() && (in_[at_] == '+' || in_[at_] == '-')) ++at_;
      if (!digits()) return false;
    }
    out.assign(in_.substr(from, at_ - from));
    return true;
  }
  bool value(Value& v, int depth) {
    if (depth > max_depth) return false;
    space();
    if (at_ >= in_.size()) return false;
    char c = in_[at_];
    if (c == '{') {
      ++at_;
      v.kind = Value::object;
      space();
      if (at_ < in_.size() && in_[at_] == '}') return ++at_, true;
      for (;;) {
        space();
        std::string key;
        if (!string(key)) return false;
        space();
        if (at_ >= in_.size() || in_[at_++] != ':') return false;
        Value member;
        if (!value(member, depth + 1)) return false;
        v.keys.push_back(std::move(key));
        v.items.push_back(std::move(member));
        space();
        if (at_ < in_.size() && in_[at_] == ',') {
          ++at_;
          continue;
        }
        if (at_ < in_.size() && in_[at_] == '}') {
          ++at_;
          break;
        }
        return false;
      }
      normalize(v);
      return true;
    }
    if (c == '[') {
      ++at_;
      v.kind = Value::array;
      space();
      if (at_ < in_.size() && in_[at_] == ']') return ++at_, true;
      for (;;) {
        Value element;
        if (!value(element, depth + 1)) return false;
        v.items.push_back(std::move(element));
        space();
        if (at_ < in_.size() && in_[at_] == ',') {
          ++at_;
          continue;
        }
        if (at_ < in_.size() && in_[at_] == ']') {
          ++at_;
          return true;
        }
        return false;
      }
    }
    if (c == '"') return v.kind = Value::string, string(v.text);
    if (literal("true")) return v.kind = Value::boolean, v.truth = true, true;
    if (literal("false")) return v.kind = Value::boolean, true;
    if (literal("null")) return v.kind = Value::null, true;
    return v.kind = Value::number, number(v.text);
  }

  std::string_view in_;
  std::size_t at_ = 0;

 public:
  // jsonb's object: unique keys, the last one kept, shorter keys first.
  static void normalize(Value& v) {
    std::vector<std::size_t> order(v.keys.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto &x = v.keys[a], &y = v.keys[b];
      return x.size() != y.size() ? x.size() < y.size() : x < y;
    });
    std::vector<std::string> keys;
    std::vector<Value> items;
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (k + 1 < order.size() && v.keys[order[k]] == v.keys[order[k + 1]]) continue;  // (a later duplicate wins)
      keys.push_back(std::move(v.keys[order[k]]));
      items.push_back(std::move(v.items[order[k]]));
    }
    v.keys = std::move(keys);
    v.items = std::move(items);
  }
};

inline void quote(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(hex[(c >> 4) & 0xF]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// indent < 0: one line, jsonb_out's spacing; else jsonb_pretty's, at that depth.
inline void print(std::string& out, const Value& v, int indent) {
  auto newline = [&](int depth) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(depth) * 4, ' ');
  };
  switch (v.kind) {
    case Value::null: out += "null"; return;
    case Value::boolean: out += v.truth ? "true" : "false"; return;
    case Value::number: out += v.text; return;
    case Value::string: quote(out, v.text); return;
    case Value::array:
    case Value::object: {
      bool object = v.kind == Value::object;
      out.push_back(object ? '{' : '[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += indent < 0 ? ", " : ",";
        if (indent >= 0) newline(indent + 1);
        if (object) {
          quote(out, v.keys[i]);
          out += ": ";
        }
        print(out, v.items[i], indent < 0 ? -1 : indent + 1);
      }
      if (indent >= 0) newline(indent);  // (an empty one too, as jsonb_pretty prints it)
      out.push_back(object ? '}' : ']');
      return;
    }
  }
}

}  // namespace detail

// nullopt: not JSON.
inline std::optional<Value> parse(std::string_view text) { return detail::Parser(text).run(); }

inline std::string print(const Value& v) {
  std::string out;
  detail::print(out, v, -1);
  return out;
}

inline std::string pretty(const Value& v) {
  std::string out;
  detail::print(out, v, 0);
  return out;
}

inline void normalize(Value& object) { detail::Parser::normalize(object); }

inline bool equal_scalars(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::null: return true;
    case Value::boolean: return a.truth == b.truth;
    case Value::string: return a.text == b.text;
    case Value::number:
      return numeric_text::compare(numeric_text::parse(a.text), numeric_text::parse(b.text), a.text, b.text) == 0;
    default: return false;
  }
}

// PostgreSQL's jsonb @>: every member of `b` is in `a`, recursively; an
// array contains another whose elements each match one of its own, and a
// scalar that is one of its elements.
inline bool contains(const Value& a, const Value& b) {
  if (a.kind == Value::object) {
    if (b.kind != Value::object) return false;
    for (std::size_t i = 0; i < b.keys.size(); ++i) {
      const Value* m = a.member(b.keys[i]);
      if (!m || !contains(*m, b.items[i])) return false;
    }
    return true;
  }
  if (a.kind == Value::array) {
    auto has = [&](const Value& wanted) {
      for (const Value& e : a.items) {
        bool scalar = wanted.kind != Value::array && wanted.kind != Value::object;
        if (scalar ? equal_scalars(e, wanted) : e.kind == wanted.kind && contains(e, wanted)) return true;
      }
      return false;
    };
    if (b.kind == Value::array) {
      for (const Value& wanted : b.items)
        if (!has(wanted)) return false;
      return true;
    }
    return b.kind != Value::object && has(b);
  }
  return b.kind == a.kind && equal_scalars(a, b);
}

}  // namespace sqlite_example::json_values
