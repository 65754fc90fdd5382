// The SQL tokenizer (PostgreSQL's lexical rules, see sql_text.hpp) and what
// is built directly on it: statement splitting and the empty-query test.

#include "pgwire/protocol/sql_text.hpp"

#include <cstdint>

namespace pgwire {

namespace {

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// scan.l: ident_start [A-Za-z\200-\377_], ident_cont [A-Za-z\200-\377_0-9\$].
bool ident_start(unsigned char c) { return is_alpha(c) || c == '_' || c >= 0x80; }
bool ident_cont(unsigned char c) { return ident_start(c) || is_digit(c) || c == '$'; }
// scan.l: space [ \t\n\r\f\v].
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// scan.l: op_chars, the characters multi-character operators are made of.
bool op_char(unsigned char c) {
  return std::string_view("~!@#^&|`?+-*/%<>=").find(static_cast<char>(c)) != std::string_view::npos;
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The body of an E'' string with its backslash escapes decoded.
std::string decode_escapes(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  auto hex_run = [&](std::size_t from, std::size_t max, std::uint32_t& v) {
    std::size_t n = 0;
    v = 0;
    while (n < max && from + n < body.size() && hex_value(body[from + n]) >= 0)
      v = v * 16 + static_cast<std::uint32_t>(hex_value(body[from + n++]));
    return n;
  };
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') {
      out.push_back('\'');
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'x': {
        std::uint32_t v = 0;
        std::size_t n = hex_run(i + 1, 2, v);
        if (n == 0) {
          out.push_back('x');
        } else {
          out.push_back(static_cast<char>(v));
          i += n;
        }
        break;
      }
      case 'u':
      case 'U': {
        std::uint32_t v = 0;
        std::size_t want = e == 'u' ? 4 : 8;
        if (hex_run(i + 1, want, v) != want) {
          out.push_back(e);
          break;
        }
        i += want;
        // A UTF-16 surrogate pair written as two \u escapes.
        std::uint32_t low = 0;
        if (v >= 0xD800 && v < 0xDC00 && i + 2 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
            hex_run(i + 3, 4, low) == 4 && low >= 0xDC00 && low < 0xE000) {
          v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          unsigned v = 0;
          std::size_t n = 0;
          while (n < 3 && i + n < body.size() && body[i + n] >= '0' && body[i + n] <= '7')
            v = v * 8 + static_cast<unsigned>(body[i + n++] - '0');
          out.push_back(static_cast<char>(v & 0xFF));
          i += n - 1;
        } else {
          out.push_back(e);  // \\, \', and any other character as itself
        }
    }
  }
  return out;
}

// The body of a quoted token (quote at text[0]) with doubled quotes undone.
std::string undouble(std::string_view text, bool terminated) {
  char q = text[0];
  std::string_view body = text.substr(1, text.size() - (terminated ? 2 : 1));
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (body[i] == q && i + 1 < body.size() && body[i + 1] == q) ++i;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool SqlToken::is_keyword(std::string_view lower_case) const noexcept {
  if (kind != Kind::word || text.size() != lower_case.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (lower(text[i]) != lower_case[i]) return false;
  return true;
}

std::string SqlToken::value() const {
  switch (kind) {
    case Kind::word: {
      std::string out(text);
      for (char& c : out) c = lower(c);
      return out;
    }
    case Kind::quoted_identifier: return undouble(text, terminated);
    case Kind::string: {
      if (text[0] == '$') {
        std::size_t tag = text.find('$', 1) + 1;
        std::size_t body_end = terminated ? text.size() - tag : text.size();
        return std::string(text.substr(tag, body_end - tag));
      }
      if (text[0] == '\'') return undouble(text, terminated);
      std::string_view quoted = text.substr(1);  // E'', B'', X'', N''
      if (text[0] != 'e' && text[0] != 'E') return undouble(quoted, terminated);
      return decode_escapes(quoted.substr(1, quoted.size() - (terminated ? 2 : 1)));
    }
    default: return std::string(text);
  }
}

std::optional<SqlToken> SqlLexer::next() {
  const std::size_t size = sql_.size();
  auto at = [&](std::size_t i) -> unsigned char { return i < size ? static_cast<unsigned char>(sql_[i]) : 0; };
  // Whitespace and comments.
  for (;;) {
    while (pos_ < size && is_space(at(pos_))) ++pos_;
    if (pos_ >= size) return std::nullopt;
    if (at(pos_) == '-' && at(pos_ + 1) == '-') {
      while (pos_ < size && at(pos_) != '\n' && at(pos_) != '\r') ++pos_;
      continue;
    }
    if (at(pos_) == '/' && at(pos_ + 1) == '*') {
      // Block comments nest.
      std::size_t depth = 1;
      pos_ += 2;
      while (pos_ < size && depth > 0) {
        if (at(pos_) == '/' && at(pos_ + 1) == '*') {
          ++depth;
          pos_ += 2;
        } else if (at(pos_) == '*' && at(pos_ + 1) == '/') {
          --depth;
          pos_ += 2;
        } else {
          ++pos_;
        }
      }
      if (pos_ > size) pos_ = size;
      continue;
    }
    break;
  }

  const std::size_t start = pos_;
  auto token = [&](SqlToken::Kind kind, std::size_t end, bool terminated = true) {
    if (end > size) end = size;
    pos_ = end;
    return SqlToken{kind, sql_.substr(start, end - start), start, terminated};
  };
  // The end of a quoted run opened at sql_[open] (doubled quotes and, with
  // `backslash`, \x escape), and whether it was closed.
  auto quoted = [&](std::size_t open, bool backslash, SqlToken::Kind kind) {
    const unsigned char q = at(open);
    for (std::size_t j = open + 1; j < size;) {
      if (backslash && at(j) == '\\') {
        j += 2;
      } else if (at(j) == q) {
        if (at(j + 1) != q) return token(kind, j + 1);
        j += 2;
      } else {
        ++j;
      }
    }
    return token(kind, size, false);
  };
  // Identifier characters right after a number or a parameter belong to it
  // (PostgreSQL's "trailing junk": 10s, 0x1F, 1_000, $1a).
  auto junk = [&](std::size_t j) {
    if (ident_start(at(j)))
      while (j < size && ident_cont(at(j))) ++j;
    return j;
  };

  const unsigned char c = at(pos_);
  const unsigned char c1 = at(pos_ + 1);
  if (c1 == '\'' && std::string_view("eEbBxXnN").find(static_cast<char>(c)) != std::string_view::npos)
    return quoted(pos_ + 1, c == 'e' || c == 'E', SqlToken::Kind::string);
  if (ident_start(c)) {
    std::size_t j = pos_ + 1;
    while (j < size && ident_cont(at(j))) ++j;
    return token(SqlToken::Kind::word, j);
  }
  if (c == '\'') return quoted(pos_, false, SqlToken::Kind::string);
  if (c == '"') return quoted(pos_, false, SqlToken::Kind::quoted_identifier);
  if (c == '$') {
    if (is_digit(c1)) {
      std::size_t j = pos_ + 1;
      while (j < size && is_digit(at(j))) ++j;
      return token(SqlToken::Kind::parameter, junk(j));
    }
    // $tag$ with the tag empty or [A-Za-z\200-\377_][A-Za-z\200-\377_0-9]*.
    std::size_t j = pos_ + 1;
    if (ident_start(at(j)))
      while (j < size && (ident_start(at(j)) || is_digit(at(j)))) ++j;
    if (at(j) == '$') {
      std::string_view tag = sql_.substr(pos_, j + 1 - pos_);
      std::size_t close = sql_.find(tag, j + 1);
      if (close == std::string_view::npos) return token(SqlToken::Kind::string, size, false);
      return token(SqlToken::Kind::string, close + tag.size());
    }
    return token(SqlToken::Kind::punct, pos_ + 1);
  }
  if (is_digit(c) || (c == '.' && is_digit(c1))) {
    std::size_t j = pos_;
    while (j < size && is_digit(at(j))) ++j;
    if (at(j) == '.' && at(j + 1) != '.') {  // 1..2 is 1 then ".."
      ++j;
      while (j < size && is_digit(at(j))) ++j;
    }
    if (at(j) == 'e' || at(j) == 'E') {
      std::size_t k = j + 1;
      if (at(k) == '+' || at(k) == '-') ++k;
      if (is_digit(at(k))) {
        j = k;
        while (j < size && is_digit(at(j))) ++j;
      }
    }
    return token(SqlToken::Kind::number, junk(j));
  }
  if (c == ':' && (c1 == ':' || c1 == '=')) return token(SqlToken::Kind::punct, pos_ + 2);
  if (c == '.' && c1 == '.') return token(SqlToken::Kind::punct, pos_ + 2);
  if (op_char(c)) {
    // scan.l's {operator}: the longest run of operator characters, cut
    // before a comment start; a trailing + or - is not part of it unless
    // the operator holds one of ~ ! @ # ^ & | ` ? % (so "=-1" is = -1).
    std::size_t j = pos_;
    while (j < size && op_char(at(j))) {
      if (j > pos_ && ((at(j) == '-' && at(j + 1) == '-') || (at(j) == '/' && at(j + 1) == '*'))) break;
      ++j;
    }
    std::size_t n = j - pos_;
    if (n > 1 && (at(pos_ + n - 1) == '+' || at(pos_ + n - 1) == '-')) {
      bool keep = false;
      for (std::size_t k = pos_; k + 1 < pos_ + n; ++k)
        keep = keep || std::string_view("~!@#^&|`?%").find(static_cast<char>(at(k))) != std::string_view::npos;
      if (!keep)
        while (n > 1 && (at(pos_ + n - 1) == '+' || at(pos_ + n - 1) == '-')) --n;
    }
    return token(SqlToken::Kind::punct, pos_ + n);
  }
  return token(SqlToken::Kind::punct, pos_ + 1);
}

std::vector<SqlToken> tokenize(std::string_view sql, std::size_t max_tokens) {
  std::vector<SqlToken> out;
  SqlLexer lexer(sql);
  while (out.size() < max_tokens) {
    auto t = lexer.next();
    if (!t) break;
    out.push_back(*t);
  }
  return out;
}

std::vector<std::string_view> split_statements(std::string_view sql) {
  std::vector<std::string_view> out;
  SqlLexer lexer(sql);
  std::size_t start = 0;
  bool any = false;  // a token other than ';' since `start`
  while (auto t = lexer.next()) {
    if (!t->is_punct(";")) {
      any = true;
      continue;
    }
    if (any) out.push_back(trim(sql.substr(start, t->offset - start)));
    start = t->end();
    any = false;
  }
  if (any) out.push_back(trim(sql.substr(start)));
  return out;
}

bool is_empty_query(std::string_view sql) {
  SqlLexer lexer(sql);
  while (auto t = lexer.next())
    if (!t->is_punct(";")) return false;
  return true;
}

bool is_transaction_exit(std::string_view statement) {
  auto t = tokenize(statement, 2);
  if (t.empty()) return false;
  bool prepared = t.size() > 1 && t[1].is_keyword("prepared");  // COMMIT/ROLLBACK PREPARED 'gid'
  if (t[0].is_keyword("commit") || t[0].is_keyword("rollback")) return !prepared;
  if (t[0].is_keyword("end") || t[0].is_keyword("abort")) return true;
  return t[0].is_keyword("prepare") && t.size() > 1 && t[1].is_keyword("transaction");
}

}  // namespace pgwire
