#pragma once
// ALTER TABLE t ALTER [COLUMN] c [SET DATA] TYPE type [USING expr], which
// SQLite has no statement for. The column's declaration is rewritten in
// the table's CREATE text (schema_edits.hpp): its type and the CHECKs and
// collation sqlite_server derives from a type (column_defs.hpp: the
// varchar length, the type's input rules, numeric's precision) are
// replaced by the new type's; its NOT NULL, DEFAULT, keys and the client's
// CHECKs stay. Then every row is converted in place (UPDATE ... SET c =
// c::type, or the USING expression), under the new declaration, so a value
// that does not fit fails the statement as PostgreSQL's does (22001,
// 22003, 22P02) and the savepoint undoes the edit.
//
// Without USING only what PostgreSQL converts by assignment is accepted:
// between numeric types, to a string type, between string types, and
// between date and the timestamps; anything else is 42804 with
// PostgreSQL's hint. A serial primary key (SQLite's rowid, 64 bits
// already) changes among the integer types by its record alone.

#include <sqlite3.h>

#include <cctype>
#include <string>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "column_types.hpp"
#include "ddl_basics.hpp"
#include "errors.hpp"
#include "schema_edits.hpp"

namespace sqlite_example::ddl {

namespace type_change {

inline bool is_number(pgwire::Oid t) {
  using namespace pgwire::oid;
  return t == int2 || t == int4 || t == int8 || t == numeric || t == float4 || t == float8;
}

inline bool is_text(pgwire::Oid t) {
  using namespace pgwire::oid;
  return t == text || t == varchar || t == bpchar;
}

inline bool is_moment(pgwire::Oid t) {
  using namespace pgwire::oid;
  return t == date || t == timestamp || t == timestamptz;
}

// Whether PostgreSQL converts a `from` value to `to` by assignment.
inline bool assignable(pgwire::Oid from, pgwire::Oid to) {
  return from == to || is_text(to) || (is_number(from) && is_number(to)) || (is_moment(from) && is_moment(to));
}

// Whether toks[k] starts a CHECK or COLLATE that sqlite_server derives from
// the column's type; `end` receives the index after it.
inline bool derived_clause(const std::vector<Token>& toks, std::size_t k, std::size_t limit, std::size_t& end) {
  auto at = [&](std::size_t i, std::string_view w) { return i < limit && is(toks[i], w); };
  if (at(k, "collate") && k + 1 < limit && toks[k + 1].text.starts_with("pgwire_")) {
    end = k + 2;
    return true;
  }
  std::size_t check = k;
  if (at(k, "constraint") && k + 1 < limit && sqlite_dialect::identifier(toks[k + 1]).starts_with("pgwire_length_"))
    check = k + 2;
  if (!at(check, "check") || !at(check + 1, "(")) return false;
  std::string called = check + 2 < limit ? sqlite_dialect::identifier(toks[check + 2]) : "";
  bool derived = check != k || called == "pgwire_valid" || called == "pgwire_numeric_fits";
  if (!derived) return false;
  end = sqlite_dialect::matching_paren(toks, check + 1) + 1;
  return true;
}

// `create` with column's type and derived clauses replaced by `declared`
// (a column definition's text after its name).
inline std::string with_type(std::string_view create, const std::string& table, const std::string& column,
                             const std::string& declared) {
  auto e = schema_edits::elements_of(create);
  auto [first, end] = schema_edits::column_range(e, table, column);
  std::size_t type_end = first + 1;
  for (int depth = 0; type_end < end; ++type_end) {
    if (is(e.toks[type_end], "(")) ++depth;
    if (is(e.toks[type_end], ")")) --depth;
    if (depth == 0 && constraint_word(e.toks[type_end])) break;
  }
  std::vector<sqlite_dialect::Edit> edits;
  std::size_t from = e.toks[first].end();
  edits.push_back({from, type_end > first + 1 ? e.toks[type_end - 1].end() : from, " " + declared});
  for (std::size_t k = type_end; k < end;) {
    std::size_t after = k;
    if (derived_clause(e.toks, k, end, after)) {
      edits.push_back({e.toks[k].offset, e.toks[after - 1].end(), ""});
      k = after;
    } else {
      ++k;
    }
  }
  return sqlite_dialect::apply_edits(create, std::move(edits));
}

// A name as PostgreSQL's quote_ident prints it: quoted only when it must be.
inline std::string quote_ident(const std::string& name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    plain = plain && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                      c == '_');
  return plain ? name : sqlite_dialect::quote_identifier(name);
}

// Whether the column is the table's rowid (INTEGER PRIMARY KEY), whose
// declaration must stay as it is.
inline bool is_rowid(sqlite3* db, const std::string& table, const std::string& column) {
  return schema_edits::any_row(db, "SELECT 1 FROM pragma_table_info(" + sqlite_dialect::quote_literal(table) +
                                       ") WHERE name = " + sqlite_dialect::quote_literal(column) +
                                       " COLLATE NOCASE AND pk = 1 AND upper(type) = 'INTEGER' AND (SELECT count(*) "
                                       "FROM pragma_table_info(" + sqlite_dialect::quote_literal(table) +
                                       ") WHERE pk > 0) = 1");
}

}  // namespace type_change

// The translation of ALTER TABLE t ALTER COLUMN c TYPE toks[first, type_last]
// [USING toks[using_first, using_last]] (using_first 0: none).
inline DdlTranslation change_type(sqlite3* db, std::string_view sql, const std::vector<Token>& toks,
                                  const std::string& table, const std::string& column, std::size_t first,
                                  std::size_t type_last, std::size_t using_first, std::size_t using_last,
                                  const sqlite_dialect::Identity& who) {
  std::string type_text = text_of(sql, toks, first, type_last);
  // The new declaration, as CREATE TABLE would make it.
  std::string definition = sqlite_dialect::quote_identifier(column) + " " + type_text;
  auto def_toks = sqlite_dialect::tokenize(definition);
  check_constraints::Namer no_checks(table, {});
  auto def = column_def(definition, def_toks, 0, def_toks.size(), table, false, false, who, no_checks);
  pgwire::Oid to = sqlite_example::type_named(def.record.pg_type);
  if (to == 0 || !def.record.pg_default.empty())  // serial: no type of its own here
    throw pgwire::PgError("42704", "type \"" + type_text + "\" does not exist");
  auto recorded = recorded_column(db, table, column);
  if (using_first == 0 && recorded.type != 0 && !type_change::assignable(recorded.type, to))
    throw pgwire::PgError(pgwire::ErrorInfo::error("42804", "column \"" + column +
                                                                "\" cannot be cast automatically to type " +
                                                                format_type(to, ""))
                              .with_hint("You might need to specify \"USING " + type_change::quote_ident(column) +
                                         "::" + def.record.pg_type + "\"."));
  std::string conversion =
      using_first != 0 ? expression(sql, toks, using_first, using_last, who)
                       : sqlite_dialect::rewrite(sqlite_dialect::quote_identifier(column) + "::" + type_text, who).sql;
  // numeric(p, s) rounds what it is given, as an UPDATE's SET does (numeric_assignments.hpp).
  std::int32_t typmod = type_modifier(to, def.record.pg_type);
  if (to == pgwire::oid::numeric && typmod >= 4)
    conversion = "pgwire_numeric_round(" + conversion + ", " + std::to_string((typmod - 4) & 0xffff) + ")";
  std::string declared = def.sqlite.substr(def.sqlite.find(' ') + 1);
  std::string pg_type = def.record.pg_type;
  return DdlTranslation{"/* ALTER COLUMN TYPE: the declaration is edited (column_type_change.hpp) */",
                        [=](sqlite3* db) {
                          auto create = schema_edits::table_sql(db, table);
                          schema_edits::column_range(schema_edits::elements_of(create), table, column);  // (42703)
                          if (type_change::is_rowid(db, table, column)) {
                            if (to != pgwire::oid::int2 && to != pgwire::oid::int4 && to != pgwire::oid::int8)
                              throw not_supported("changing a serial primary key to a type that is not an integer",
                                                  "SQLite numbers such a key itself.");
                          } else {
                            std::string quoted = sqlite_dialect::quote_identifier(column);
                            schema_edits::replace_table_sql(
                                db, table, type_change::with_type(create, table, column, declared), [&] {
                                  schema_edits::exec(db, "UPDATE " + sqlite_dialect::quote_identifier(table) +
                                                             " SET " + quoted + " = " + conversion);
                                });
                          }
                          column_types::set_type(db, table, column, pg_type);
                        }};
}

}  // namespace sqlite_example::ddl
