// JSON input and jsonb output, as PostgreSQL 15 does them (src/common/
// jsonapi.c, utils/adt/jsonb.c, jsonb_util.c).
//
// One lexer and grammar serve both types. json only checks the syntax.
// jsonb also de-escapes strings, reads numbers as numeric, and builds the
// document as a flat tree (values and members in vectors) so that object
// keys can be sorted and deduplicated; the text is then printed from it.
// Everything is iterative: nesting costs heap bounded by the input, never
// native stack.

#include "json.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire::types_detail {

namespace {

// PostgreSQL's parser recurses and stops with "stack depth limit exceeded"
// (54001) when it runs out of max_stack_depth (2MB by default): on
// PostgreSQL 15 (Debian, x86-64) jsonb takes 14538 nested arrays, 13084
// nested objects, or 6886 array-object pairs; json a level more of each.
// Each open array costs 9 units of stack and each object 10; a container
// may open while those already open cost at most the budget. This
// reproduces those limits and every mix we measured.
constexpr std::size_t kArrayCost = 9, kObjectCost = 10;
constexpr std::size_t kJsonbBudget = 6886 * (kArrayCost + kObjectCost);
constexpr std::size_t kJsonBudget = kJsonbBudget + kObjectCost;

// Everything but a number's exponent at most doubles the text (", " for ",");
// exponents ("1e131071") can expand it 16000-fold. PostgreSQL prints those
// (up to 1GB), but we keep memory proportional to the input: the output may
// exceed twice the input by at most this much.
constexpr std::size_t kExpansionAllowance = std::size_t{1} << 20;

// PostgreSQL's JSON_ALPHANUMERIC_CHAR: what runs on in a bad token ("1x", "tru").
bool json_alnum(char c) {
  return is_alpha(c) || is_digit(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

void put_utf8(std::string& s, std::uint32_t cp) {
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Output sinks for the printer: one pass counts, the second writes.
struct Counter {
  std::size_t n = 0;
  void put(std::string_view s) { n += s.size(); }
  void put(char) { ++n; }
};
struct Writer {
  char* p;
  void put(std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void put(char c) { *p++ = c; }
};

class Parser {
 public:
  Parser(std::string_view in, bool jsonb) : in_(in), jsonb_(jsonb) {}

  std::error_code run();

  // jsonb_out's text of what run() parsed.
  std::size_t size() const {
    Counter c;
    print(c);
    return c.n;
  }
  void write(char* dst) const {
    Writer w{dst};
    print(w);
  }
  std::size_t limit() const { return 2 * in_.size() + kExpansionAllowance; }

 private:
  enum class Tok { end, lbrace, rbrace, lbracket, rbracket, comma, colon, string, number, true_, false_, null_ };
  enum class Kind : std::uint8_t { null_, true_, false_, number, string, array, object };
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  // Scalars: the text (a string's de-escaped), in the input or in side_.
  // Containers: members_[off, off + len).
  struct Value {
    Kind kind;
    bool side = false;
    std::size_t off = 0, len = 0;
  };
  struct Member {
    std::size_t key;  // a string Value; unused in arrays
    std::size_t value;
  };
  struct Open {
    bool object;
    std::size_t value;  // jsonb: the container's Value
    std::size_t first;  // jsonb: its first member in pending_
  };

  std::string_view text(const Value& v) const {
    return std::string_view(v.side ? std::string_view(side_) : in_).substr(v.off, v.len);
  }

  std::error_code lex();
  std::error_code lex_string();
  std::error_code lex_number();
  std::error_code advance();
  void add_value(Kind kind);
  std::error_code open(bool object);
  void close();

  template <class W>
  void print(W& w) const;
  template <class W>
  static void print_string(W& w, std::string_view s);

  std::string_view in_;
  bool jsonb_;
  std::size_t pos_ = 0;

  // The current token: [start_, pos_) of the input; a string's text in
  // str_side_/str_off_/str_len_ (jsonb).
  Tok tok_ = Tok::end;
  std::size_t start_ = 0;
  bool str_side_ = false;
  std::size_t str_off_ = 0, str_len_ = 0;

  std::vector<Open> stack_;
  std::size_t cost_ = 0;  // of the open containers, against the budget

  // jsonb only.
  std::vector<Value> values_;
  std::vector<Member> members_;  // of closed containers, each one's contiguous
  std::vector<Member> pending_;  // of open containers, in document order
  std::string side_;             // de-escaped strings, reformatted numbers
  std::string scratch_;          // numeric's storage, reused
  std::size_t key_ = none;       // the key of the member whose value comes next
  std::size_t number_ = none;    // a number still to be read as numeric
  std::size_t root_ = none;
};

std::error_code Parser::lex() {
  while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
    ++pos_;
  }
  start_ = pos_;
  if (pos_ == in_.size()) {
    tok_ = Tok::end;
    return {};
  }
  char c = in_[pos_];
  switch (c) {
    case '{': tok_ = Tok::lbrace; break;
    case '}': tok_ = Tok::rbrace; break;
    case '[': tok_ = Tok::lbracket; break;
    case ']': tok_ = Tok::rbracket; break;
    case ',': tok_ = Tok::comma; break;
    case ':': tok_ = Tok::colon; break;
    case '"': return lex_string();
    default: {
      if (c == '-' || is_digit(c)) return lex_number();
      // A word is the whole alphanumeric run, as PostgreSQL takes it.
      while (pos_ < in_.size() && json_alnum(in_[pos_])) ++pos_;
      std::string_view word = in_.substr(start_, pos_ - start_);
      if (word == "true") {
        tok_ = Tok::true_;
      } else if (word == "false") {
        tok_ = Tok::false_;
      } else if (word == "null") {
        tok_ = Tok::null_;
      } else {
        return fail(type_errc::invalid_text);  // also a lone character such as '\f'
      }
      return {};
    }
  }
  ++pos_;
  return {};
}

std::error_code Parser::lex_number() {
  auto digits = [&] {
    std::size_t from = pos_;
    while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    return pos_ != from;
  };
  if (in_[pos_] == '-') ++pos_;
  if (pos_ < in_.size() && in_[pos_] == '0') {
    ++pos_;
  } else if (!digits()) {
    return fail(type_errc::invalid_text);
  }
  if (pos_ < in_.size() && in_[pos_] == '.') {
    ++pos_;
    if (!digits()) return fail(type_errc::invalid_text);
  }
  if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
    if (!digits()) return fail(type_errc::invalid_text);
  }
  if (pos_ < in_.size() && json_alnum(in_[pos_])) return fail(type_errc::invalid_text);  // "01", "1x"
  tok_ = Tok::number;
  return {};
}

// json_lex_string. jsonb (need_escapes) de-escapes as it goes and checks
// the \u escapes: surrogates must pair, \u0000 has no text form. json only
// checks that \u has four hex digits.
std::error_code Parser::lex_string() {
  const std::size_t side_start = side_.size();
  bool escaped = false;
  std::size_t run = ++pos_;  // start of the characters not yet copied to side_
  int hi = -1;               // a high surrogate waiting for its low half
  for (;;) {
    if (pos_ == in_.size()) return fail(type_errc::invalid_text);
    char c = in_[pos_];
    if (c == '"') break;
    if (static_cast<unsigned char>(c) < 0x20) return fail(type_errc::invalid_text);
    if (c != '\\') {
      if (hi != -1) return fail(type_errc::invalid_text);
      ++pos_;
      continue;
    }
    if (jsonb_) {
      side_.append(in_.substr(run, pos_ - run));
      escaped = true;
    }
    if (++pos_ == in_.size()) return fail(type_errc::invalid_text);
    c = in_[pos_++];
    if (c == 'u') {
      if (in_.size() - pos_ < 4) return fail(type_errc::invalid_text);
      std::uint32_t ch = 0;
      for (int i = 0; i < 4; ++i) {
        int h = hex_value(in_[pos_++]);
        if (h < 0) return fail(type_errc::invalid_text);
        ch = ch * 16 + static_cast<std::uint32_t>(h);
      }
      if (jsonb_) {
        if (ch >= 0xD800 && ch <= 0xDBFF) {
          if (hi != -1) return fail(type_errc::invalid_text);
          hi = static_cast<int>(ch);
        } else if (ch >= 0xDC00 && ch <= 0xDFFF) {
          if (hi == -1) return fail(type_errc::invalid_text);
          put_utf8(side_, 0x10000 + ((static_cast<std::uint32_t>(hi) - 0xD800) << 10) + (ch - 0xDC00));
          hi = -1;
        } else {
          if (hi != -1) return fail(type_errc::invalid_text);
          if (ch == 0) return fail(type_errc::unsupported_unicode_escape);
          put_utf8(side_, ch);
        }
      }
    } else {
      if (hi != -1) return fail(type_errc::invalid_text);
      char out;
      switch (c) {
        case '"': case '\\': case '/': out = c; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        default: return fail(type_errc::invalid_text);
      }
      if (jsonb_) side_.push_back(out);
    }
    run = pos_;
  }
  if (hi != -1) return fail(type_errc::invalid_text);
  if (escaped) {
    side_.append(in_.substr(run, pos_ - run));
    str_side_ = true;
    str_off_ = side_start;
    str_len_ = side_.size() - side_start;
  } else {
    str_side_ = false;
    str_off_ = start_ + 1;
    str_len_ = pos_ - str_off_;
  }
  ++pos_;
  tok_ = Tok::string;
  return {};
}

// The next token; then a number just passed is read as numeric. That is
// PostgreSQL's order (parse_scalar lexes ahead before calling numeric_in),
// which decides the error when both are wrong: "[1e999999 x]" is 22P02,
// "[1e999999, x]" is 22003.
std::error_code Parser::advance() {
  if (auto ec = lex()) return ec;
  if (number_ == none) return {};
  Value& v = values_[number_];
  number_ = none;
  std::string_view raw = in_.substr(v.off, v.len);
  Numeric n;
  if (auto ec = decode_text(raw, n, scratch_)) return ec;
  if (n.text.data() != raw.data()) {  // not canonical: numeric_out's text is in scratch_
    v.side = true;
    v.off = side_.size();
    v.len = n.text.size();
    side_.append(n.text);
    if (side_.size() > limit()) return fail(type_errc::out_of_range);
  }
  return {};
}

// A value starts: a member of the innermost open container, or the root.
void Parser::add_value(Kind kind) {
  if (!jsonb_) return;
  std::size_t index = values_.size();
  Value v{kind};
  if (kind == Kind::string) {
    v.side = str_side_;
    v.off = str_off_;
    v.len = str_len_;
  } else if (kind == Kind::number) {
    v.off = start_;
    v.len = pos_ - start_;
    number_ = index;
  }
  values_.push_back(v);
  if (stack_.empty()) {
    root_ = index;
  } else {
    pending_.push_back({key_, index});
  }
}

std::error_code Parser::open(bool object) {
  if (cost_ > (jsonb_ ? kJsonbBudget : kJsonBudget)) return fail(type_errc::nesting_too_deep);
  cost_ += object ? kObjectCost : kArrayCost;
  if (jsonb_) {
    add_value(object ? Kind::object : Kind::array);
    stack_.push_back({object, values_.size() - 1, pending_.size()});
  } else {
    stack_.push_back({object, 0, 0});
  }
  return {};
}

void Parser::close() {
  Open o = stack_.back();
  stack_.pop_back();
  cost_ -= o.object ? kObjectCost : kArrayCost;
  if (!jsonb_) return;
  auto first = pending_.begin() + static_cast<std::ptrdiff_t>(o.first);
  Value& v = values_[o.value];
  v.off = members_.size();
  if (o.object) {
    // jsonb's key order: shorter first, then bytewise; among equal keys the
    // later one wins (uniqueifyJsonbObject keeps the last).
    std::sort(first, pending_.end(), [&](const Member& a, const Member& b) {
      std::string_view ka = text(values_[a.key]), kb = text(values_[b.key]);
      if (ka.size() != kb.size()) return ka.size() < kb.size();
      int c = ka.compare(kb);  // char_traits<char> compares as unsigned char
      return c != 0 ? c < 0 : a.value < b.value;  // value indices follow document order
    });
    for (auto it = first; it != pending_.end(); ++it) {
      auto next = it + 1;
      if (next != pending_.end() && text(values_[it->key]) == text(values_[next->key])) continue;
      members_.push_back(*it);
    }
  } else {
    members_.insert(members_.end(), first, pending_.end());
  }
  v.len = members_.size() - v.off;
  pending_.erase(first, pending_.end());
}

// pg_parse_json's grammar, driven by a state instead of recursion.
std::error_code Parser::run() {
  enum class State { value, array_first, object_first, key, after } state = State::value;
  if (auto ec = lex()) return ec;
  for (;;) {
    switch (state) {
      case State::array_first:
      case State::value:
        if (state == State::array_first && tok_ == Tok::rbracket) {
          close();
          state = State::after;
          break;
        }
        switch (tok_) {
          case Tok::lbrace:
          case Tok::lbracket:
            if (auto ec = open(tok_ == Tok::lbrace)) return ec;
            state = tok_ == Tok::lbrace ? State::object_first : State::array_first;
            if (auto ec = advance()) return ec;
            continue;
          case Tok::string: add_value(Kind::string); break;
          case Tok::number: add_value(Kind::number); break;
          case Tok::true_: add_value(Kind::true_); break;
          case Tok::false_: add_value(Kind::false_); break;
          case Tok::null_: add_value(Kind::null_); break;
          default: return fail(type_errc::invalid_text);
        }
        state = State::after;
        break;
      case State::object_first:
      case State::key:
        if (state == State::object_first && tok_ == Tok::rbrace) {
          close();
          state = State::after;
          break;
        }
        if (tok_ != Tok::string) return fail(type_errc::invalid_text);
        if (jsonb_) {
          key_ = values_.size();
          values_.push_back({Kind::string, str_side_, str_off_, str_len_});
        }
        if (auto ec = lex()) return ec;
        if (tok_ != Tok::colon) return fail(type_errc::invalid_text);
        state = State::value;
        break;
      case State::after:
        if (stack_.empty()) return tok_ == Tok::end ? std::error_code{} : fail(type_errc::invalid_text);
        if (tok_ == Tok::comma) {
          state = stack_.back().object ? State::key : State::value;
        } else if (tok_ == (stack_.back().object ? Tok::rbrace : Tok::rbracket)) {
          close();
        } else {
          return fail(type_errc::invalid_text);
        }
        break;
    }
    if (auto ec = advance()) return ec;
  }
}

// escape_json: the JSON escapes for '"', '\' and \b \f \n \r \t, \u00xx for
// the other control characters, every other byte as is.
template <class W>
void Parser::print_string(W& w, std::string_view s) {
  w.put('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    w.put(s.substr(run, i - run));
    run = i + 1;
    w.put('\\');
    switch (c) {
      case '"': w.put('"'); break;
      case '\\': w.put('\\'); break;
      case '\b': w.put('b'); break;
      case '\f': w.put('f'); break;
      case '\n': w.put('n'); break;
      case '\r': w.put('r'); break;
      case '\t': w.put('t'); break;
      default:
        w.put("u00");
        w.put(hex_digits[c >> 4]);
        w.put(hex_digits[c & 15]);
    }
  }
  w.put(s.substr(run));
  w.put('"');
}

// JsonbToCString, walked with an explicit stack.
template <class W>
void Parser::print(W& w) const {
  struct Frame {
    std::size_t value, next;
  };
  std::vector<Frame> frames;
  auto put_value = [&](std::size_t index) {
    const Value& v = values_[index];
    switch (v.kind) {
      case Kind::null_: return w.put("null");
      case Kind::true_: return w.put("true");
      case Kind::false_: return w.put("false");
      case Kind::number: return w.put(text(v));
      case Kind::string: return print_string(w, text(v));
      case Kind::array:
      case Kind::object:
        w.put(v.kind == Kind::array ? '[' : '{');
        frames.push_back({index, 0});
    }
  };
  put_value(root_);
  while (!frames.empty()) {
    Frame& f = frames.back();
    const Value& v = values_[f.value];
    if (f.next == v.len) {
      w.put(v.kind == Kind::array ? ']' : '}');
      frames.pop_back();
      continue;
    }
    if (f.next > 0) w.put(", ");
    const Member& m = members_[v.off + f.next++];
    if (v.kind == Kind::object) {
      print_string(w, text(values_[m.key]));
      w.put(": ");
    }
    put_value(m.value);  // may push: f is not used after this
  }
}

}  // namespace

std::error_code check_json(std::string_view in) { return Parser(in, false).run(); }

std::error_code check_jsonb(std::string_view in) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  Parser p(in, true);
  if (auto ec = p.run()) return ec;
  return p.size() > p.limit() ? fail(type_errc::out_of_range) : std::error_code{};
}

std::error_code normalize_jsonb(std::string_view in, std::string& out) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  Parser p(in, true);
  if (auto ec = p.run()) return ec;
  std::size_t n = p.size();
  if (n > p.limit()) return fail(type_errc::out_of_range);
  out.resize(n);
  p.write(out.data());
  return {};
}

std::error_code normalize_jsonb(std::string_view in, Buffer& out) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  Parser p(in, true);
  if (auto ec = p.run()) return ec;
  std::size_t n = p.size();
  if (n > p.limit()) return fail(type_errc::out_of_range);
  p.write(out.extend(n));
  return {};
}

}  // namespace pgwire::types_detail
