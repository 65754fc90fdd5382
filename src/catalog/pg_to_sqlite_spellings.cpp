// The token-level spellings of PostgreSQL's catalog SQL that SQLite reads
// otherwise (pg_to_sqlite_passes.hpp): each is a word or an operator, or a
// literal next to one, so one flat pass over the tokens rewrites them.

#include <cctype>
#include <set>

#include "pg_to_sqlite_passes.hpp"
#include "relations.hpp"

namespace pgwire::catalog_detail {

namespace {

// Words SQLite does not take as a column alias.
bool sqlite_reserved(std::string_view w) {
  static const std::set<std::string_view> s{
      "default", "check", "table", "index", "order", "group", "where", "select", "from", "values", "limit",
      "having", "union", "primary", "references", "foreign", "unique", "constraint", "collate", "using",
      "natural", "join", "on", "offset", "to", "into", "transaction", "exists", "not", "null", "is", "in",
      "case", "when", "then", "else", "end", "all", "distinct", "and", "or", "between", "like", "glob",
      "regexp", "escape", "cast", "create", "drop", "delete", "insert", "update", "set", "returning",
      "nothing", "do", "raise", "deferrable", "autoincrement", "except", "intersect", "left", "right",
      "full", "inner", "outer", "cross", "add", "alter", "commit", "rollback", "begin", "temp", "temporary"};
  return s.count(w) > 0;
}

}  // namespace

// The token-level spellings.
Toks rewrite_spellings(const Toks& in) {
  Toks out;
  auto at = [&](std::size_t i) -> const Tok* { return i < in.size() ? &in[i] : nullptr; };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Tok& t = in[i];
    // OPERATOR(pg_catalog.~) -> ~
    if (t.is("operator") && at(i + 1) && at(i + 1)->p("(")) {
      std::size_t j = i + 2;
      if (at(j + 1) && at(j + 1)->p(".")) j += 2;
      if (at(j) && at(j + 1) && at(j + 1)->p(")")) {
        Toks op{in[j]};
        auto rest = rewrite_spellings(op);
        out.insert(out.end(), rest.begin(), rest.end());
        i = j + 1;
        continue;
      }
    }
    if (t.is("collate") && at(i + 1) && at(i + 1)->name()) {  // COLLATE "C" / pg_catalog.default
      i += 1;
      if (at(i + 1) && at(i + 1)->p(".") && at(i + 2)) i += 2;
      continue;
    }
    bool catalog_schema = t.is("pg_catalog") || (t.kind == Kind::quoted_identifier && t.low == "pg_catalog");
    if (catalog_schema && at(i + 1) && at(i + 1)->p(".") && at(i + 2) && at(i + 2)->name()) {
      ++i;
      continue;
    }
    if (t.is("is") && at(i + 1)) {
      bool negated = at(i + 1)->is("not");
      std::size_t j = negated ? i + 2 : i + 1;
      if (at(j) && at(j)->is("distinct") && at(j + 1) && at(j + 1)->is("from")) {
        out.push_back(word("IS"));
        if (!negated) out.push_back(word("NOT"));
        i = j + 1;
        continue;
      }
    }
    bool called = at(i + 1) && at(i + 1)->p("(");
    bool qualified = !out.empty() && out.back().p(".");
    if (t.kind == Kind::word && !called && !qualified &&
        (t.low == "current_user" || t.low == "session_user" || t.low == "current_role")) {
      for (auto s : {"pgw_current_user", "(", ")"}) out.push_back(s[0] == 'p' ? word(s) : punct(s));
      continue;
    }
    if (t.kind == Kind::word && !called && !qualified && (t.low == "current_catalog" || t.low == "current_schema")) {
      out.push_back(word(t.low == "current_catalog" ? "current_database" : "current_schema"));
      out.push_back(punct("("));
      out.push_back(punct(")"));
      continue;
    }
    // An alias PostgreSQL accepts after AS that SQLite reserves ("AS DEFAULT",
    // SQLAlchemy): quoted, in the case PostgreSQL folds it to.
    if (t.kind == Kind::word && !out.empty() && out.back().is("as") && sqlite_reserved(t.low)) {
      out.push_back(Tok{Kind::quoted_identifier, "\"" + t.low + "\"", t.low});
      continue;
    }
    if (t.is("json_build_object") && called) {
      out.push_back(word("json_object"));
      continue;
    }
    if (t.is("ilike")) {
      out.push_back(word("LIKE"));
      continue;
    }
    if (t.kind == Kind::punct) {
      const std::string& o = t.text;
      if (o == "~~" || o == "~~*") {
        out.push_back(word("LIKE"));
        continue;
      }
      if (o == "!~~" || o == "!~~*") {
        out.push_back(word("NOT"));
        out.push_back(word("LIKE"));
        continue;
      }
      if (o == "~" || o == "!~" || o == "~*" || o == "!~*") {
        if (o[0] == '!') out.push_back(word("NOT"));
        out.push_back(word("REGEXP"));
        if (o.back() == '*') {  // case-insensitive: regexp() reads a leading \x01
          for (auto s : {"char", "(", "1", ")", "||"})
            out.push_back(s[0] == 'c' ? word(s) : s[0] == '1' ? Tok{Kind::number, "1", "1"} : punct(s));
        }
        continue;
      }
    }
    out.push_back(t);
  }
  // A boolean column compared with a string ("indisprimary = 'f'", or
  // "CASE a.attnotnull WHEN 't' THEN ..." as DBD::Pg's column_info):
  // PostgreSQL reads the string as a boolean; SQLite holds 0/1.
  auto as_boolean = [](Tok& literal) {
    std::string v = literal.text.size() >= 2 ? literal.text.substr(1, literal.text.size() - 2) : "";
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v == "t" || v == "true" || v == "y" || v == "yes" || v == "on" || v == "1") literal = Tok{Kind::number, "1", "1"};
    if (v == "f" || v == "false" || v == "n" || v == "no" || v == "off" || v == "0") literal = Tok{Kind::number, "0", "0"};
  };
  for (std::size_t i = 0; i + 3 < out.size(); ++i) {
    if (!out[i].is("case")) continue;
    std::size_t column = i + 1;
    if (column + 2 < out.size() && out[column].name() && out[column + 1].p(".")) column += 2;
    if (!out[column].name() || column + 1 >= out.size() || !out[column + 1].is("when") ||
        catalog_column_type(out[column].low) != oid::bool_)
      continue;
    int depth = 0;  // (parentheses and nested CASEs)
    for (std::size_t k = column + 1; k < out.size(); ++k) {
      if (out[k].p("(") || out[k].is("case")) ++depth;
      if ((out[k].p(")") || out[k].is("end")) && depth-- == 0) break;
      if (depth == 0 && out[k].is("when") && k + 1 < out.size() && out[k + 1].kind == Kind::string)
        as_boolean(out[k + 1]);
    }
  }
  for (std::size_t i = 0; i + 2 < out.size(); ++i) {
    bool comparison = out[i + 1].p("=") || out[i + 1].p("<>") || out[i + 1].p("!=");
    if (!comparison) continue;
    Tok* literal = nullptr;
    if (out[i].name() && out[i + 2].kind == Kind::string && catalog_column_type(out[i].low) == oid::bool_)
      literal = &out[i + 2];
    if (out[i + 2].name() && out[i].kind == Kind::string && catalog_column_type(out[i + 2].low) == oid::bool_ &&
        !(i + 3 < out.size() && out[i + 3].p(".")))
      literal = &out[i];
    if (literal != nullptr) as_boolean(*literal);
  }
  // PostgreSQL's LIKE escapes with a backslash by default; SQLite's only
  // with an ESCAPE clause (psql's completion queries send 'books\_%').
  Toks escaped;
  for (std::size_t i = 0; i < out.size(); ++i) {
    escaped.push_back(out[i]);
    if (out[i].is("like") && i + 1 < out.size() && out[i + 1].kind == Kind::string &&
        !(i + 2 < out.size() && out[i + 2].is("escape"))) {
      escaped.push_back(out[++i]);
      escaped.push_back(word("ESCAPE"));
      escaped.push_back(Tok{Kind::string, "'\\'", "'\\'"});
    }
  }
  return escaped;
}

}  // namespace pgwire::catalog_detail
