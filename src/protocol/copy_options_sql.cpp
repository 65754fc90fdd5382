// The grammar of COPY's options (PostgreSQL's gram.y: copy_delimiter,
// opt_with, copy_options, copy_opt_item, copy_generic_opt_list), over the
// library's tokenizer. Meaning and checks are the type layer's.

#include "pgwire/protocol/copy_options_sql.hpp"

#include <fmt/format.h>

#include "pgwire/protocol/sql_text.hpp"

namespace pgwire {

namespace {

using Arg = CopyOptionItem::Arg;

class Parser {
 public:
  Parser(std::string_view sql, std::vector<CopyOptionItem>& items) : sql_(sql), toks_(tokenize(sql)), items_(items) {}

  std::optional<ErrorInfo> run(std::string_view* where_clause);

 private:
  const SqlToken* peek(std::size_t ahead = 0) const {
    return i_ + ahead < toks_.size() ? &toks_[i_ + ahead] : nullptr;
  }
  bool keyword(std::string_view k, std::size_t ahead = 0) const {
    const SqlToken* t = peek(ahead);
    return t && t->is_keyword(k);
  }
  bool punct(std::string_view p) const {
    const SqlToken* t = peek();
    return t && t->is_punct(p);
  }
  // PostgreSQL's message for the token where the grammar failed.
  ErrorInfo syntax_error() const {
    const SqlToken* t = peek();
    if (!t) return ErrorInfo::error(sqlstate::syntax_error, "syntax error at end of input");
    if (t->kind == SqlToken::Kind::string && !t->terminated)
      return ErrorInfo::error(sqlstate::syntax_error, fmt::format("unterminated quoted string at or near \"{}\"", t->text));
    return ErrorInfo::error(sqlstate::syntax_error, fmt::format("syntax error at or near \"{}\"", t->text));
  }
  // Sconst: a quoted string ('...', E'...', $$...$$), not a bit string.
  bool sconst(std::string& out) {
    const SqlToken* t = peek();
    if (!t || t->kind != SqlToken::Kind::string || !t->terminated) return false;
    char c = t->text[0];
    if (c != '\'' && c != '$' && c != 'e' && c != 'E') return false;
    out = t->value();
    ++i_;
    return true;
  }
  bool name(std::string& out) {
    const SqlToken* t = peek();
    if (!t || !t->is_name() || !t->terminated) return false;
    out = t->value();
    ++i_;
    return true;
  }
  void add(std::string option, Arg arg, std::string value = {}, std::vector<std::string> list = {}) {
    items_.push_back({std::move(option), arg, std::move(value), std::move(list)});
  }
  std::optional<ErrorInfo> generic_list();
  std::optional<ErrorInfo> generic_arg(CopyOptionItem& item);
  std::optional<ErrorInfo> old_item(bool& matched);
  bool column_list(std::vector<std::string>& out);

  std::string_view sql_;
  std::vector<SqlToken> toks_;
  std::vector<CopyOptionItem>& items_;
  std::size_t i_ = 0;
};

std::optional<ErrorInfo> Parser::run(std::string_view* where_clause) {
  // copy_delimiter: [USING] DELIMITERS 'x'
  if (keyword("using") || keyword("delimiters")) {
    if (keyword("using")) ++i_;
    if (!keyword("delimiters")) return syntax_error();
    ++i_;
    std::string v;
    if (!sconst(v)) return syntax_error();
    add("delimiter", Arg::string, std::move(v));
  }
  if (keyword("with")) ++i_;
  if (punct("(")) {
    ++i_;
    if (auto e = generic_list()) return e;
  } else {
    for (bool matched = true; matched;)
      if (auto e = old_item(matched)) return e;
  }
  if (keyword("where")) {
    if (!where_clause) return syntax_error();
    *where_clause = sql_.substr(peek()->offset);
    return std::nullopt;
  }
  if (punct(";") && !peek(1)) ++i_;
  if (peek()) return syntax_error();
  return std::nullopt;
}

// '(' copy_generic_opt_elem [, ...] ')' : ColLabel copy_generic_opt_arg
std::optional<ErrorInfo> Parser::generic_list() {
  for (;;) {
    CopyOptionItem item;
    if (!name(item.name)) return syntax_error();
    if (auto e = generic_arg(item)) return e;
    items_.push_back(std::move(item));
    if (punct(")")) {
      ++i_;
      return std::nullopt;
    }
    if (!punct(",")) return syntax_error();
    ++i_;
  }
}

// copy_generic_opt_arg: a word or string, a number, '*', a parenthesized list
// of words or strings, or nothing.
std::optional<ErrorInfo> Parser::generic_arg(CopyOptionItem& item) {
  const SqlToken* t = peek();
  if (!t || t->is_punct(",") || t->is_punct(")")) return std::nullopt;
  if (t->is_punct("*")) {
    ++i_;
    item.arg = Arg::star;
    return std::nullopt;
  }
  if ((t->is_punct("-") || t->is_punct("+")) && peek(1) && peek(1)->kind == SqlToken::Kind::number) {
    item.arg = Arg::number;
    item.value = std::string(t->text) + std::string(peek(1)->text);
    i_ += 2;
    return std::nullopt;
  }
  if (t->kind == SqlToken::Kind::number) {
    item.arg = Arg::number;
    item.value = std::string(t->text);
    ++i_;
    return std::nullopt;
  }
  if (t->is_punct("(")) {
    ++i_;
    item.arg = Arg::list;
    for (;;) {
      std::string v;
      if (!(sconst(v) || (peek() && peek()->kind == SqlToken::Kind::word && name(v)))) return syntax_error();
      item.list.push_back(std::move(v));
      if (punct(")")) {
        ++i_;
        return std::nullopt;
      }
      if (!punct(",")) return syntax_error();
      ++i_;
    }
  }
  // A word (lower case, e.g. csv, true, match) or a string ('CSV' stays).
  if (t->kind == SqlToken::Kind::word || t->kind == SqlToken::Kind::string) {
    std::string v;
    if (t->kind == SqlToken::Kind::word) {
      v = t->value();
      ++i_;
    } else if (!sconst(v)) {
      return syntax_error();
    }
    item.arg = Arg::string;
    item.value = std::move(v);
    return std::nullopt;
  }
  return syntax_error();
}

// columnList: ColId [, ...] (FORCE QUOTE a, b has no parentheses)
bool Parser::column_list(std::vector<std::string>& out) {
  for (;;) {
    std::string v;
    if (!name(v)) return false;
    out.push_back(std::move(v));
    if (!punct(",")) return true;
    ++i_;
  }
}

// copy_opt_item; `matched` false when the next token starts no option.
std::optional<ErrorInfo> Parser::old_item(bool& matched) {
  matched = true;
  auto string_option = [&](const char* option) -> std::optional<ErrorInfo> {
    ++i_;
    if (keyword("as")) ++i_;
    std::string v;
    if (!sconst(v)) return syntax_error();
    add(option, Arg::string, std::move(v));
    return std::nullopt;
  };
  if (keyword("binary")) {
    ++i_;
    add("format", Arg::string, "binary");
  } else if (keyword("csv")) {
    ++i_;
    add("format", Arg::string, "csv");
  } else if (keyword("freeze")) {
    ++i_;
    add("freeze", Arg::none);
  } else if (keyword("header")) {
    ++i_;
    add("header", Arg::none);
  } else if (keyword("delimiter")) {
    return string_option("delimiter");
  } else if (keyword("null")) {
    return string_option("null");
  } else if (keyword("quote")) {
    return string_option("quote");
  } else if (keyword("escape")) {
    return string_option("escape");
  } else if (keyword("encoding")) {
    ++i_;
    std::string v;
    if (!sconst(v)) return syntax_error();
    add("encoding", Arg::string, std::move(v));
  } else if (keyword("force")) {
    ++i_;
    std::vector<std::string> cols;
    if (keyword("quote")) {
      ++i_;
      if (punct("*")) {
        ++i_;
        add("force_quote", Arg::star);
        return std::nullopt;
      }
      if (!column_list(cols)) return syntax_error();
      add("force_quote", Arg::list, {}, std::move(cols));
    } else if (keyword("not") && keyword("null", 1)) {
      i_ += 2;
      if (!column_list(cols)) return syntax_error();
      add("force_not_null", Arg::list, {}, std::move(cols));
    } else if (keyword("null")) {
      ++i_;
      if (!column_list(cols)) return syntax_error();
      add("force_null", Arg::list, {}, std::move(cols));
    } else {
      return syntax_error();
    }
  } else {
    matched = false;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ErrorInfo> parse_copy_option_items(std::string_view tail, std::vector<CopyOptionItem>& items,
                                                 std::string_view* where_clause) {
  std::vector<CopyOptionItem> parsed;
  Parser p(tail, parsed);
  if (auto e = p.run(where_clause)) return e;
  items = std::move(parsed);
  return std::nullopt;
}

std::optional<ErrorInfo> parse_copy_options(std::string_view tail, CopyDirection direction, CopyOptions& out,
                                            std::string_view* where_clause) {
  std::vector<CopyOptionItem> items;
  if (auto e = parse_copy_option_items(tail, items, where_clause)) return e;
  return apply_copy_options(items, direction, out);
}

}  // namespace pgwire
