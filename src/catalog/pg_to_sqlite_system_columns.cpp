// System columns (pg_to_sqlite_passes.hpp): SQLite has none, so tableoid
// becomes the OID of the catalog relation it belongs to.

#include <map>
#include <optional>

#include "pg_to_sqlite_passes.hpp"
#include "relations.hpp"

namespace pgwire::catalog_detail {

namespace {

// alias -> relation for the catalog relations a query names ("pg_class c").
std::map<std::string, Oid> relation_aliases(const Toks& t) {
  std::map<std::string, Oid> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != Kind::word) continue;
    auto o = relation_oid(t[i].low);
    if (!o || (i + 1 < t.size() && t[i + 1].p("("))) continue;
    out[t[i].low] = *o;
    std::size_t k = i + 1;
    if (k < t.size() && t[k].is("as")) ++k;
    if (k < t.size() && alias_word(t[k]) && !clause_end(t[k])) out[t[k].low] = *o;
  }
  return out;
}

// The catalog relation of the FROM clause of the SELECT that the token at
// `at` belongs to (its first relation, at the same bracket depth), if any.
std::optional<Oid> relation_of_select(const Toks& t, std::size_t at) {
  int depth = 0;
  for (std::size_t k = at + 1; k < t.size(); ++k) {
    if (t[k].p("(")) ++depth;
    if (t[k].p(")") && --depth < 0) return std::nullopt;
    if (depth != 0 || !t[k].is("from")) continue;
    std::size_t r = k + 1;
    if (r + 2 < t.size() && t[r].is("pg_catalog") && t[r + 1].p(".")) r += 2;
    return r < t.size() ? relation_oid(t[r].low) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

// X.tableoid -> the OID of the relation X names, a bare tableoid -> that of
// its SELECT's relation (SQLite has no system columns).
Toks resolve_system_columns(const Toks& in) {
  auto aliases = relation_aliases(in);
  Toks out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    bool column_name = i > 0 && (in[i - 1].p(".") || in[i - 1].is("as"));  // X.tableoid, ... AS tableoid
    if (in[i].is("tableoid") && !column_name && (i + 1 >= in.size() || !in[i + 1].p("("))) {
      if (auto o = relation_of_select(in, i)) {
        auto n = std::to_string(*o);
        out.push_back(Tok{Kind::number, n, n});
        continue;
      }
    }
    if (i + 2 < in.size() && in[i].name() && in[i + 1].p(".") && in[i + 2].is("tableoid")) {
      auto it = aliases.find(in[i].low);
      if (it != aliases.end()) {
        auto n = std::to_string(it->second);
        out.push_back(Tok{Kind::number, n, n});
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

}  // namespace pgwire::catalog_detail
