// The pg_get_*def functions and pg_get_expr (function_support.hpp): the
// definitions the catalog stored, printed for the search path of the query
// (a relation or type not on it comes qualified, as under pg_dump's empty
// path), and pg_get_serial_sequence.

#include <cctype>
#include <string>
#include <string_view>

#include "function_support.hpp"

namespace pgwire::catalog_detail {

namespace {

// `::t` casts to a type of the description (an enum's 'ok'::mood) with the
// type's schema when the search path does not find it, as format_type
// prints it: pg_dump's empty path must restore the default.
std::string qualify_casts(sqlite3_context* c, const std::string& expr) {
  const auto& s = snap(c);
  if (s.type_names.empty()) return expr;
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < expr.size();) {
    if (expr[i] == '\'') quoted = !quoted;
    bool cast = !quoted && expr.compare(i, 2, "::") == 0;
    out += expr[i++];
    if (!cast) continue;
    out += expr[i++];
    std::size_t end = i;
    while (end < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[end])) || expr[end] == '_')) ++end;
    std::string name = expr.substr(i, end - i);
    for (const auto& [type, type_name] : s.type_names)
      if (type_name == name && !on_search_path(ctx(c), s.type_namespaces.at(type))) {
        out += quote_ident(s.namespaces.at(s.type_namespaces.at(type))) + ".";
        break;
      }
  }
  return out;
}

// A default nextval('s'::regclass) names its sequence as PostgreSQL's
// deparsing does, for the query's search path: 'public.s' for pg_dump's
// empty path, 's' in psql's \d.
void get_expr(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  std::string expr = qualify_casts(c, text(argv[0]));
  if (auto called = sequence_of_default(expr)) {
    std::string name = *called;
    // An unqualified name is in the schema of the default's table (argument 2).
    const auto& s = snap(c);
    auto table = argc >= 2 && !is_null(argv[1]) ? s.classes.find(static_cast<Oid>(sqlite3_value_int64(argv[1])))
                                                : s.classes.end();
    if (name.find('.') == std::string::npos && table != s.classes.end())
      if (auto nsp = s.namespaces.find(table->second.nsp); nsp != s.namespaces.end())
        name = quote_ident(nsp->second) + "." + name;
    auto sequence = lookup_class(ctx(c), name);
    if (sequence)
      return result(c, "nextval('" + expand_references(ctx(c), "\x01" + std::to_string(*sequence) + "\x01") +
                           "'::regclass)");
  }
  result(c, expr);
}

void get_indexdef(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& s = snap(c);
  auto o = static_cast<Oid>(sqlite3_value_int64(argv[0]));
  if (argc >= 2 && !is_null(argv[1]) && sqlite3_value_int64(argv[1]) > 0) {
    auto it = s.index_columns.find(o);
    auto k = static_cast<std::size_t>(sqlite3_value_int64(argv[1]));
    if (it == s.index_columns.end() || k > it->second.size()) return sqlite3_result_null(c);
    return result(c, quote_ident(it->second[k - 1]));
  }
  lookup_text(c, argv[0], s.index_defs);
}

// Whether an expression's text has a space outside parentheses and
// literals: an operator between operands, not a constant or a call.
bool has_operator(std::string_view expression) {
  int depth = 0;
  bool quoted = false;
  for (char ch : expression) {
    if (ch == '\'') quoted = !quoted;
    if (quoted) continue;
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (ch == ' ' && depth == 0) return true;
  }
  return false;
}

void get_constraintdef(sqlite3_context* c, int argc, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& defs = snap(c).constraint_defs;
  auto it = defs.find(static_cast<Oid>(sqlite3_value_int64(argv[0])));
  if (it == defs.end()) return sqlite3_result_null(c);
  // Not pretty (pg_dump's call), a CHECK's expression of operators is
  // parenthesized again: CHECK ((age >= 0)), but CHECK (true).
  constexpr std::string_view check = "CHECK (";
  bool pretty = argc >= 2 && !is_null(argv[1]) && sqlite3_value_int64(argv[1]) != 0;
  if (!pretty && it->second.starts_with(check) && has_operator(it->second.substr(check.size())))
    return result(c, "CHECK ((" + it->second.substr(check.size()) + ")");
  result(c, expand_references(ctx(c), it->second));
}

// pg_get_serial_sequence('t', 'c'): the sequence column t.c owns; the table
// named as SQL names it, the column literally.
void serial_sequence(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0]) || is_null(argv[1])) return sqlite3_result_null(c);
  auto table = lookup_class(ctx(c), text(argv[0]));
  if (!table) return sqlite3_result_null(c);
  const auto& owned = snap(c).owned_sequences;
  auto it = owned.find({*table, text(argv[1])});
  if (it == owned.end()) return sqlite3_result_null(c);
  result(c, it->second);
}

void get_viewdef(sqlite3_context* c, int, sqlite3_value** argv) {
  if (is_null(argv[0])) return sqlite3_result_null(c);
  const auto& s = snap(c);
  auto n = integer(argv[0]);
  if (!n) {
    auto found = lookup_class(ctx(c), text(argv[0]));
    if (!found) return sqlite3_result_null(c);
    n = *found;
  }
  auto it = s.view_defs.find(static_cast<Oid>(*n));
  if (it == s.view_defs.end()) return sqlite3_result_null(c);
  result(c, expand_references(ctx(c), it->second));
}

}  // namespace

void register_definition_functions(sqlite3* db, FunctionContext* c) {
  for (int n : {1, 2, 3}) {
    add(db, "pg_get_expr", n, get_expr, c);
    add(db, "pg_get_indexdef", n, get_indexdef, c);
  }
  for (int n : {1, 2}) {
    add(db, "pg_get_constraintdef", n, get_constraintdef, c);
    add(db, "pg_get_viewdef", n, get_viewdef, c);
  }
  add(db, "pg_get_serial_sequence", 2, serial_sequence, c);
}

}  // namespace pgwire::catalog_detail
