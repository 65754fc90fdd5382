// CHECK constraints as PostgreSQL names and shows them.
//
// PostgreSQL names an unnamed CHECK <table>_<column>_check when its
// expression names one column, else <table>_check, with a number appended
// while the name is taken (t_check1). SQLite keeps no name for an unnamed
// CHECK and reports its expression text instead ("new row violates check
// constraint "age >= 0""), so every CHECK a client writes is stored named:
// the error then names it (errors.hpp), and the catalog (catalog.hpp) finds
// it in the table's stored CREATE statement for psql's \d and pg_dump.
// sqlite_server's own CHECKs (pgwire_length_..., pgwire_valid, the numeric
// precision, the identity marker) are no client's and stay out of sight.
#pragma once

#include <sqlite3.h>

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/catalog/description.hpp>

#include "../sqlite_dialect.hpp"

namespace sqlite_example::check_constraints {

using sqlite_dialect::is;
using sqlite_dialect::Token;

// The names one table's CHECKs take, in the order they are declared.
class Namer {
 public:
  Namer(std::string table, std::vector<std::string> columns, std::set<std::string> taken = {})
      : table_(std::move(table)), columns_(std::move(columns)), taken_(std::move(taken)) {}

  // A column the table is about to have (ALTER TABLE ADD COLUMN).
  void add_column(std::string name) { columns_.push_back(std::move(name)); }

  // The name of the CHECK whose expression is toks[first, last]: `given`
  // (CONSTRAINT given CHECK ...), or PostgreSQL's choice.
  std::string name(const std::vector<Token>& toks, std::size_t first, std::size_t last, std::string given = {}) {
    if (!given.empty()) {
      taken_.insert(given);
      return given;
    }
    std::string column;
    bool several = false;
    for (std::size_t k = first; k <= last && k < toks.size(); ++k) {
      if (!toks[k].is_name() || (k + 1 < toks.size() && is(toks[k + 1], "("))) continue;  // (a function)
      std::string word = sqlite_dialect::identifier(toks[k]);
      for (const auto& c : columns_)
        if (sqlite3_stricmp(c.c_str(), word.c_str()) == 0 && sqlite3_stricmp(c.c_str(), column.c_str()) != 0) {
          several = several || !column.empty();
          column = c;
        }
    }
    std::string base = table_ + (column.empty() || several ? "" : "_" + column) + "_check";
    std::string chosen = base;
    for (int n = 1; taken_.count(chosen) > 0; ++n) chosen = base + std::to_string(n);
    taken_.insert(chosen);
    return chosen;
  }

 private:
  std::string table_;
  std::vector<std::string> columns_;
  std::set<std::string> taken_;
};

// Whether a CHECK's name is sqlite_server's own (column_defs.hpp).
inline bool internal(std::string_view name) { return name.starts_with("pgwire_"); }

// Key words PostgreSQL prints in capitals.
inline bool capitalized(const Token& t) {
  for (std::string_view w : {"and", "or", "not", "is", "null", "in", "like", "ilike", "between", "case", "when", "then",
                             "else", "end", "distinct", "from", "similar", "to", "escape", "any", "all", "array"})
    if (is(t, w)) return true;  // (a quoted name keeps its quotes in its text)
  return false;
}

// The expression toks[first, last] spaced as PostgreSQL prints one:
// a > 0, length(name) > 1, status IN ('new', 'paid').
inline std::string expression_text(const std::vector<Token>& toks, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t k = first; k <= last && k < toks.size(); ++k) {
    const Token& t = toks[k];
    if (capitalized(t)) {
      if (!out.empty() && !(k > first && is(toks[k - 1], "("))) out += ' ';
      for (char c : t.text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      continue;
    }
    bool tight_before = is(t, ")") || is(t, ",") || is(t, "::") || is(t, "]") ||
                        (is(t, "(") && k > first && toks[k - 1].is_name() && !is(toks[k - 1], "in") &&
                         !is(toks[k - 1], "and") && !is(toks[k - 1], "or") && !is(toks[k - 1], "not"));
    bool after_open = k > first && (is(toks[k - 1], "(") || is(toks[k - 1], "::") || is(toks[k - 1], "["));
    if (!out.empty() && !tight_before && !after_open) out += ' ';
    out += t.text;
  }
  return out;
}

// The client's CHECKs stored in a table's CREATE statement, by name.
inline std::vector<pgwire::catalog::CheckInfo> named_in(std::string_view create) {
  std::vector<pgwire::catalog::CheckInfo> found;
  auto toks = sqlite_dialect::tokenize(create);
  for (std::size_t k = 0; k + 3 < toks.size(); ++k) {
    if (!is(toks[k], "constraint") || !is(toks[k + 2], "check") || !is(toks[k + 3], "(")) continue;
    std::string name = sqlite_dialect::identifier(toks[k + 1]);
    std::size_t close = sqlite_dialect::matching_paren(toks, k + 3);
    if (!internal(name) && close > k + 4 && close < toks.size())
      found.push_back({name, expression_text(toks, k + 4, close - 1)});
  }
  return found;
}

}  // namespace sqlite_example::check_constraints
