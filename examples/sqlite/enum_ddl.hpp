#pragma once
// The statements of enum types (enum_types.hpp keeps them), with
// PostgreSQL's errors:
// - CREATE TYPE t AS ENUM ('a', ...): 42710 when a type or table has the name;
// - ALTER TYPE t ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y'], with
//   PostgreSQL's sort orders (the midpoint of the neighbours, or one past
//   the end), RENAME VALUE 'a' TO 'b' (stored values follow), RENAME TO,
//   OWNER TO (nothing to do);
// - DROP TYPE [IF EXISTS] t, ... [CASCADE | RESTRICT]: 2BP01 while a
//   column has the type (CASCADE, which would drop the column, is 0A000).
// The NOTICEs of IF [NOT] EXISTS: skip_notices, called before the statement runs.

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "ddl_basics.hpp"
#include "enum_types.hpp"
#include "errors.hpp"

namespace sqlite_example::enum_ddl {

using sqlite_dialect::is;
using sqlite_dialect::Kind;
using sqlite_dialect::Token;

namespace detail {

// The type name at toks[i] (public.t as t), advancing i past it.
inline std::string type_name(const std::vector<Token>& toks, std::size_t& i) {
  if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a type name expected");
  std::string name = sqlite_dialect::identifier(toks[i++]);
  if (i + 1 < toks.size() && is(toks[i], ".") && toks[i + 1].is_name()) {
    if (name != "public" && name != "pg_catalog") throw pgwire::PgError("3F000", "schema \"" + name + "\" does not exist");
    name = sqlite_dialect::identifier(toks[i + 1]);
    i += 2;
  }
  return name;
}

inline std::shared_ptr<const enum_registry::EnumType> find(sqlite3* db, const std::string& name) {
  enum_types::reload(db);  // (the database is the truth: another session may have changed it)
  return enum_registry::registry().find(name);
}

inline std::string label_at(const std::vector<Token>& toks, std::size_t i) {
  if (i >= toks.size() || toks[i].kind != Kind::string) throw pgwire::PgError("42601", "syntax error: a label expected");
  std::string label = toks[i].value();
  if (label.size() > 63)
    throw pgwire::PgError(pgwire::ErrorInfo::error("22P02", "invalid enum label \"" + label + "\"")
                              .with_detail("Labels must be 63 bytes or less."));
  return label;
}

inline std::string row(pgwire::Oid oid, const std::string& type, double order, const std::string* label) {
  return "(" + std::to_string(oid) + ", " + sqlite_dialect::quote_literal(type) + ", " + std::to_string(order) + ", " +
         (label ? sqlite_dialect::quote_literal(*label) : std::string("NULL")) + ")";
}

// The columns (table, column) declared with the enum type.
inline std::vector<std::pair<std::string, std::string>> columns_of(sqlite3* db, pgwire::Oid type) {
  std::vector<std::pair<std::string, std::string>> out;
  sqlite3_stmt* s = nullptr;
  const char* sql =
      "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c "
      "WHERE m.type = 'table' AND c.type = ?1 ORDER BY m.rowid, c.cid";
  std::string declared = enum_types::column_declaration(type);
  declared = declared.substr(0, declared.find(' ')) + " TEXT";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, declared.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  }
  sqlite3_finalize(s);
  return out;
}

inline bool table_named(sqlite3* db, const std::string& name) {
  sqlite3_stmt* s = nullptr;
  bool found = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
                                  -1, &s, nullptr) == SQLITE_OK &&
               (sqlite3_bind_text(s, 1, name.c_str(), -1, SQLITE_TRANSIENT), sqlite3_step(s) == SQLITE_ROW);
  sqlite3_finalize(s);
  return found;
}

inline pgwire::PgError missing(const std::string& name) {
  return pgwire::PgError("42704", "type \"" + name + "\" does not exist");
}

inline DdlTranslation reloading(std::string sql, std::function<void(sqlite3*)> then = {}) {
  return DdlTranslation{std::move(sql), [then = std::move(then)](sqlite3* db) {
                          enum_types::reload(db);
                          if (then) then(db);
                        }};
}

inline DdlTranslation create(sqlite3* db, const std::vector<Token>& toks, std::size_t i) {
  std::string name = type_name(toks, i);
  if (!(i + 2 < toks.size() && is(toks[i], "as") && is(toks[i + 1], "enum") && is(toks[i + 2], "(")))
    throw not_supported("CREATE TYPE other than AS ENUM", "sqlite_server keeps enum types only.");
  if (find(db, name) || table_named(db, name) || sqlite_example::type_named(name))
    throw pgwire::PgError("42710", "type \"" + name + "\" already exists");
  std::vector<std::string> labels;
  std::size_t k = i + 3;
  if (k < toks.size() && !is(toks[k], ")"))
    for (;; k += 2) {
      labels.push_back(label_at(toks, k));
      if (k + 1 < toks.size() && is(toks[k + 1], ",")) continue;
      break;
    }
  for (std::size_t a = 0; a < labels.size(); ++a)
    for (std::size_t b = a + 1; b < labels.size(); ++b)
      if (labels[a] == labels[b])
        throw pgwire::PgError("23505", "duplicate key value violates unique constraint \"pg_enum_typid_label_index\"");
  pgwire::Oid oid = enum_registry::Registry::first_oid;
  for (const auto& t : enum_registry::registry().all()) oid = std::max(oid, t->oid + 2);
  enum_types::ensure_table(db);
  std::string sql = "INSERT INTO pgwire_enums VALUES " + row(oid, name, 0, nullptr);
  for (std::size_t n = 0; n < labels.size(); ++n) sql += ", " + row(oid, name, static_cast<double>(n + 1), &labels[n]);
  return reloading(std::move(sql));
}

// ALTER TYPE t ADD VALUE ... (the position: PostgreSQL's sort orders).
inline DdlTranslation add_value(sqlite3* db, const enum_registry::EnumType& t, const std::vector<Token>& toks,
                                std::size_t k) {
  bool if_not_exists = k + 2 < toks.size() && is(toks[k], "if") && is(toks[k + 1], "not") && is(toks[k + 2], "exists");
  if (if_not_exists) k += 3;
  std::string label = label_at(toks, k++);
  if (t.position(label) >= 0) {
    if (if_not_exists) return DdlTranslation{"/* ALTER TYPE: the label exists */", {}};
    throw pgwire::PgError("42710", "enum label \"" + label + "\" already exists");
  }
  double order = t.sort_orders.empty() ? 1 : t.sort_orders.back() + 1;
  if (k < toks.size() && (is(toks[k], "before") || is(toks[k], "after"))) {
    bool before = is(toks[k], "before");
    std::string neighbour = label_at(toks, k + 1);
    int at = t.position(neighbour);
    if (at < 0) throw pgwire::PgError("22023", "\"" + neighbour + "\" is not an existing enum label");
    auto n = static_cast<std::size_t>(at);
    double here = t.sort_orders[n];
    if (before)
      order = n == 0 ? here - 1 : (t.sort_orders[n - 1] + here) / 2;
    else
      order = n + 1 == t.labels.size() ? here + 1 : (here + t.sort_orders[n + 1]) / 2;
  }
  return reloading("INSERT INTO pgwire_enums VALUES " + row(t.oid, t.name, order, &label));
}

// ALTER TYPE t RENAME VALUE 'a' TO 'b': the label, then the values stored.
inline DdlTranslation rename_value(sqlite3* db, const enum_registry::EnumType& t, const std::vector<Token>& toks,
                                   std::size_t k) {
  std::string from = label_at(toks, k);
  if (!(k + 2 < toks.size() && is(toks[k + 1], "to"))) throw pgwire::PgError("42601", "syntax error at or near \"RENAME\"");
  std::string to = label_at(toks, k + 2);
  if (t.position(from) < 0) throw pgwire::PgError("22023", "\"" + from + "\" is not an existing enum label");
  if (t.position(to) >= 0) throw pgwire::PgError("42710", "enum label \"" + to + "\" already exists");
  auto columns = columns_of(db, t.oid);
  return reloading("UPDATE pgwire_enums SET label = " + sqlite_dialect::quote_literal(to) + " WHERE type_oid = " +
                       std::to_string(t.oid) + " AND label = " + sqlite_dialect::quote_literal(from),
                   [columns, from, to](sqlite3* db) {
                     for (const auto& [table, column] : columns) {
                       std::string c = sqlite_dialect::quote_identifier(column);
                       std::string sql = "UPDATE " + sqlite_dialect::quote_identifier(table) + " SET " + c + " = " +
                                         sqlite_dialect::quote_literal(to) + " WHERE " + c + " = " +
                                         sqlite_dialect::quote_literal(from);
                       sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
                     }
                   });
}

inline DdlTranslation alter(sqlite3* db, const std::vector<Token>& toks, std::size_t i) {
  std::string name = type_name(toks, i);
  auto t = find(db, name);
  if (!t) throw missing(name);
  auto at = [&](std::size_t n, std::string_view w) { return n < toks.size() && is(toks[n], w); };
  if (at(i, "add") && at(i + 1, "value")) return add_value(db, *t, toks, i + 2);
  if (at(i, "rename") && at(i + 1, "value")) return rename_value(db, *t, toks, i + 2);
  if (at(i, "owner") && at(i + 1, "to")) return DdlTranslation{"/* ALTER TYPE ... OWNER TO: one owner */", {}};
  if (at(i, "rename") && at(i + 1, "to") && i + 2 < toks.size() && toks[i + 2].is_name()) {
    std::string to = sqlite_dialect::identifier(toks[i + 2]);
    if (find(db, to) || table_named(db, to)) throw pgwire::PgError("42710", "type \"" + to + "\" already exists");
    return reloading("UPDATE pgwire_enums SET type_name = " + sqlite_dialect::quote_literal(to) +
                         " WHERE type_oid = " + std::to_string(t->oid),
                     [from = t->name, to](sqlite3* db) {
                       // (the column records name the type, which \d shows)
                       // (and their defaults: 'new'::status)
                       std::string sql = std::string("UPDATE ") + column_types_table + " SET pg_type = " +
                                         "CASE WHEN pg_type = " + sqlite_dialect::quote_literal(from) + " THEN " +
                                         sqlite_dialect::quote_literal(to) + " ELSE pg_type END, pg_default = " +
                                         "replace(pg_default, " + sqlite_dialect::quote_literal("'::" + from) + ", " +
                                         sqlite_dialect::quote_literal("'::" + to) + ")";
                       sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
                     });
  }
  throw not_supported("this ALTER TYPE", "sqlite_server's enum types take ADD VALUE, RENAME VALUE and RENAME TO.");
}

inline DdlTranslation drop(sqlite3* db, const std::vector<Token>& toks, std::size_t i) {
  bool if_exists = i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists");
  if (if_exists) i += 2;
  std::vector<std::shared_ptr<const enum_registry::EnumType>> types;
  while (true) {
    std::string name = type_name(toks, i);
    if (auto t = find(db, name)) {
      types.push_back(std::move(t));
    } else if (!if_exists) {
      throw missing(name);
    }
    if (!(i < toks.size() && is(toks[i], ","))) break;
    ++i;
  }
  bool cascade = i < toks.size() && is(toks[i], "cascade");
  std::string oids;
  for (const auto& t : types) {
    auto columns = columns_of(db, t->oid);
    if (!columns.empty() && cascade)
      throw not_supported("DROP TYPE ... CASCADE of a type in use", "Drop or change the columns of the type first.");
    if (!columns.empty()) {
      std::string detail;
      for (const auto& [table, column] : columns)
        detail += (detail.empty() ? "" : "\n") + ("column " + column + " of table " + table + " depends on type " + t->name);
      // (PostgreSQL's words when the statement names more than one type)
      std::string message = types.size() > 1 ? "cannot drop desired object(s) because other objects depend on them"
                                             : "cannot drop type " + t->name + " because other objects depend on it";
      throw pgwire::PgError(pgwire::ErrorInfo::error("2BP01", std::move(message))
                                .with_detail(std::move(detail))
                                .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    oids += (oids.empty() ? "" : ", ") + std::to_string(t->oid);
  }
  if (oids.empty()) return DdlTranslation{"/* DROP TYPE: none of them exists */", {}};
  return reloading("DELETE FROM pgwire_enums WHERE type_oid IN (" + oids + ")");
}

}  // namespace detail

// CREATE / ALTER / DROP TYPE (nullopt for any other statement).
inline std::optional<DdlTranslation> translate(sqlite3* db, const std::vector<Token>& toks) {
  if (toks.size() < 3 || !is(toks[1], "type")) return std::nullopt;
  if (is(toks[0], "create")) return detail::create(db, toks, 2);
  if (is(toks[0], "alter")) return detail::alter(db, toks, 2);
  if (is(toks[0], "drop")) return detail::drop(db, toks, 2);
  return std::nullopt;
}

// The NOTICEs of an enum statement that IF [NOT] EXISTS made do nothing
// (one per missing type, as PostgreSQL sends them).
inline std::vector<pgwire::ErrorInfo> skip_notices(sqlite3* db, std::string_view sql) {
  std::vector<pgwire::ErrorInfo> out;
  auto toks = sqlite_dialect::tokenize(sql);
  if (toks.size() < 4 || !is(toks[1], "type")) return out;
  std::size_t i = 2;
  if (is(toks[0], "drop") && is(toks[2], "if") && is(toks[3], "exists")) {
    for (i = 4; i < toks.size() && toks[i].is_name();) {
      std::string name = detail::type_name(toks, i);
      if (!detail::find(db, name)) out.push_back(pgwire::ErrorInfo::notice("type \"" + name + "\" does not exist, skipping"));
      if (!(i < toks.size() && is(toks[i], ","))) break;
      ++i;
    }
    return out;
  }
  if (!is(toks[0], "alter") || !toks[i].is_name()) return out;
  std::string name = detail::type_name(toks, i);
  auto t = detail::find(db, name);
  if (!t || i + 5 >= toks.size() || !is(toks[i], "add") || !is(toks[i + 1], "value") || !is(toks[i + 2], "if"))
    return out;
  std::string label = toks[i + 5].kind == Kind::string ? toks[i + 5].value() : std::string();
  if (t->position(label) >= 0)
    out.push_back(pgwire::ErrorInfo::notice("enum label \"" + label + "\" already exists, skipping"));
  return out;
}

}  // namespace sqlite_example::enum_ddl
