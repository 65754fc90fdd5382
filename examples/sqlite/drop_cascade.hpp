#pragma once
// DROP TABLE t CASCADE: PostgreSQL drops what depends on t with it, the
// views that read it and the foreign keys of other tables that refer to
// it (not those tables), and says so in a NOTICE:
//   drop cascades to constraint orders_customer_id_fkey on table orders
//   drop cascades to 2 other objects  (DETAIL: one line per object)
// SQLite keeps a foreign key as a clause of the referencing table's CREATE
// text, so that clause is cut (schema_edits.hpp), and the views go first.
// Without CASCADE, dependents make it 2BP01, as PostgreSQL's, unless they
// go in the same statement: a DROP TABLE of several tables comes here one
// table at a time (ddl::per_table_statements), each part naming the others
// in a comment (with_marker).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "schema_edits.hpp"

namespace sqlite_example::drop_cascade {

struct Dependent {
  bool view = false;
  std::string name;   // the view's, or the foreign key's
  std::string table;  // the foreign key's table
  std::string on;     // what it depends on: "table t", "view v"
};

namespace detail {

inline std::vector<std::pair<std::string, std::string>> objects(sqlite3* db, const char* type) {
  std::vector<std::pair<std::string, std::string>> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = ?1 AND sql IS NOT NULL ORDER BY rowid",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  }
  sqlite3_finalize(s);
  return out;
}

inline bool same(const std::string& a, const std::string& b) { return sqlite3_stricmp(a.c_str(), b.c_str()) == 0; }

// Whether `sql` names relation `name` (a name token that is no call).
inline bool names(const std::string& sql, const std::string& name) {
  auto toks = sqlite_dialect::tokenize(sql);
  for (std::size_t k = 0; k < toks.size(); ++k)
    if (toks[k].is_name() && same(sqlite_dialect::identifier(toks[k]), name) &&
        !(k + 1 < toks.size() && sqlite_dialect::is(toks[k + 1], "(")))
      return true;
  return false;
}

}  // namespace detail

// The views that read what is dropped (`reads_first(view_sql)`, the
// dependency `on`), and the views reading those, in creation order.
template <class ReadsFirst>
std::vector<Dependent> dependent_views(sqlite3* db, const std::string& on, ReadsFirst reads_first) {
  std::vector<Dependent> out;
  auto views = detail::objects(db, "view");
  for (bool more = true; more;) {
    more = false;
    for (const auto& [name, sql] : views) {
      bool known = false;
      for (const auto& d : out) known = known || detail::same(d.name, name);
      if (known) continue;
      std::string because = reads_first(sql) ? on : "";
      for (const auto& d : out)
        if (because.empty() && detail::names(sql, d.name)) because = "view " + d.name;
      if (because.empty()) continue;
      out.push_back({true, name, "", because});
      more = true;
    }
  }
  return out;
}

// The other tables' foreign keys to `table` that `refers(key)` takes (its
// columns, a key of it), each depending on `on`.
template <class Refers>
std::vector<Dependent> foreign_keys_to(sqlite3* db, const std::string& table, const std::string& on, Refers refers) {
  std::vector<Dependent> out;
  for (const auto& [child, sql] : detail::objects(db, "table"))
    if (!detail::same(child, table))
      for (const auto& key : schema_edits::foreign_keys_in(sql, child))
        if (detail::same(key.referenced, table) && refers(key)) out.push_back({false, key.name, child, on});
  return out;
}

// What a DROP TABLE `table` CASCADE drops besides it: the views reading it
// (and the views reading those), then the other tables' foreign keys to it.
inline std::vector<Dependent> dependents(sqlite3* db, const std::string& table) {
  auto out = dependent_views(db, "table " + table, [&](const std::string& sql) { return detail::names(sql, table); });
  for (auto& d : foreign_keys_to(db, table, "table " + table, [](const schema_edits::ForeignKey&) { return true; }))
    out.push_back(std::move(d));
  return out;
}

// The NOTICE of a DROP TABLE ... CASCADE; nullopt when nothing else goes.
inline std::optional<pgwire::ErrorInfo> notice(const std::vector<Dependent>& dependents) {
  if (dependents.empty()) return std::nullopt;
  auto line = [](const Dependent& d) {
    return "drop cascades to " +
           (d.view ? "view " + d.name : "constraint " + d.name + " on table " + d.table);
  };
  if (dependents.size() == 1) return pgwire::ErrorInfo::notice(line(dependents.front()));
  std::string detail;
  for (const auto& d : dependents) detail += (detail.empty() ? "" : "\n") + line(d);
  auto n = pgwire::ErrorInfo::notice("drop cascades to " + std::to_string(dependents.size()) + " other objects");
  n.detail = detail;
  return n;
}

inline constexpr std::string_view with_marker = "pgwire: dropped with: ";

// DROP TABLE `table` without CASCADE: 2BP01 when something depends on it
// that the statement `sql` does not drop too.
inline void restrict(const std::vector<Dependent>& dependents, const std::string& table, std::string_view sql) {
  std::vector<std::string> with;
  if (auto at = sql.find(with_marker); at != std::string_view::npos) {
    auto toks = sqlite_dialect::tokenize(sql.substr(at + with_marker.size(), sql.find("*/", at) - at - with_marker.size()));
    for (std::size_t k = 0; k < toks.size(); ++k)
      if (toks[k].is_name() && !(k + 1 < toks.size() && sqlite_dialect::is(toks[k + 1], ".")))
        with.push_back(sqlite_dialect::identifier(toks[k]));
  }
  auto gone = [&](const std::string& name) {
    for (const auto& w : with)
      if (detail::same(w, name)) return true;
    return false;
  };
  std::string constraints, views;
  for (const auto& d : dependents) {
    if (gone(d.view ? d.name : d.table)) continue;
    std::string& list = d.view ? views : constraints;
    list += (list.empty() ? "" : "\n") + (d.view ? "view " + d.name : "constraint " + d.name + " on table " + d.table) +
            " depends on " + d.on;
  }
  if (constraints.empty() && views.empty()) return;
  auto e = pgwire::ErrorInfo::error("2BP01", with.empty() ? "cannot drop table " + table +
                                                                " because other objects depend on it"
                                                          : "cannot drop desired object(s) because other objects "
                                                            "depend on them");
  e.detail = constraints + (constraints.empty() || views.empty() ? "" : "\n") + views;
  throw pgwire::PgError(std::move(e).with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
}

// Drops `dependents` (of a table about to be dropped).
inline void drop_dependents(sqlite3* db, const std::vector<Dependent>& dependents) {
  for (const auto& d : dependents) {
    if (d.view) {
      schema_edits::exec(db, "DROP VIEW IF EXISTS " + sqlite_dialect::quote_identifier(d.name));
      continue;
    }
    if (auto edited = schema_edits::without_constraint(schema_edits::table_sql(db, d.table), d.table, d.name))
      schema_edits::replace_table_sql(db, d.table, *edited);
  }
}

}  // namespace sqlite_example::drop_cascade
