#pragma once
// PostgreSQL DDL on SQLite: CREATE TABLE, ALTER TABLE and DROP TABLE
// translated, and each column's PostgreSQL declaration recorded in
//
//   pgwire_column_types(table_name, column_name, pg_type, pg_default)
//
// pg_type in format_type's spelling ("integer", "character varying(20)",
// "timestamp with time zone"), pg_default as pg_get_expr shows it
// ("nextval('t_id_seq'::regclass)", "now()", "'x'::text"), NULL when none.
// Result columns of these tables are typed from it (rows.hpp), and a
// catalog can show it. Users never see the table (translate.hpp answers
// 42P01 for it).
//
// The translation (column by column):
// - types: the SQLite declaration is PostgreSQL's typname ("INT4",
//   "TIMESTAMPTZ", "VARCHAR(20)", "_INT4"), which gives SQLite the right
//   affinity and maps back to the type without the side table;
// - serial / bigserial / smallserial and GENERATED ... AS IDENTITY: the
//   primary key becomes SQLite's rowid (INTEGER PRIMARY KEY AUTOINCREMENT:
//   increasing, never reused), another column gets
//   DEFAULT (pgwire_next_serial(table, column)) (functions.hpp);
// - varchar(n) / char(n): a CHECK named pgwire_length_... that errors.hpp
//   reports as PostgreSQL does (22001 value too long);
// - DEFAULT expressions in parentheses (SQLite wants them so), rewritten
//   like any expression (now(), CURRENT_TIMESTAMP, casts, ...);
// - a PRIMARY KEY column is NOT NULL (SQLite would allow NULL keys);
// - COLLATE clauses are dropped (SQLite knows none of PostgreSQL's).
// What SQLite cannot do (ALTER COLUMN, constraints added later, a
// non-constant default for an added column) is 0A000 with a hint.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/types/oid.hpp>

#include "../sqlite_dialect.hpp"
#include "errors.hpp"
#include "values.hpp"

namespace sqlite_example {

inline constexpr const char* column_types_table = "pgwire_column_types";

// A recorded column: pg_default empty means NULL (no default).
struct ColumnRecord {
  std::string table, column, pg_type, pg_default;
};

namespace ddl {

using sqlite_dialect::is;
using sqlite_dialect::Kind;
using sqlite_dialect::Token;

inline void run(sqlite3* db, const char* sql, const std::vector<std::string>& args) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  for (std::size_t i = 0; rc == SQLITE_OK && i < args.size(); ++i)
    sqlite3_bind_text(s, static_cast<int>(i + 1), args[i].data(), static_cast<int>(args[i].size()), SQLITE_TRANSIENT);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) throw pgwire::PgError(sqlite_error(db, rc));
}

inline void ensure_table(sqlite3* db) {
  run(db,
      "CREATE TABLE IF NOT EXISTS pgwire_column_types(table_name TEXT, column_name TEXT, pg_type TEXT,"
      " pg_default TEXT, PRIMARY KEY(table_name, column_name))",
      {});
}

// format_type's spelling of `type` with its modifier text ("(20)", "(10,2)").
inline std::string format_type(pgwire::Oid type, std::string_view modifier) {
  namespace oid = pgwire::oid;
  pgwire::Oid element = pgwire::element_type_of(type);
  pgwire::Oid base = element ? element : type;
  std::string name;
  std::string mod(modifier);
  switch (base) {
    case oid::int2: name = "smallint"; break;
    case oid::int4: name = "integer"; break;
    case oid::int8: name = "bigint"; break;
    case oid::float4: name = "real"; break;
    case oid::float8: name = "double precision"; break;
    case oid::bool_: name = "boolean"; break;
    case oid::varchar: name = "character varying" + mod; break;
    case oid::bpchar: name = "character" + (mod.empty() ? std::string("(1)") : mod); break;
    case oid::numeric: name = "numeric" + mod; break;
    case oid::timestamptz: name = "timestamp" + mod + " with time zone"; break;
    case oid::timestamp: name = "timestamp" + mod + " without time zone"; break;
    case oid::timetz: name = "time" + mod + " with time zone"; break;
    case oid::time: name = "time" + mod + " without time zone"; break;
    case oid::interval: name = "interval" + mod; break;
    default: name = std::string(pgwire::type_name(base)); break;
  }
  return element ? name + "[]" : name;
}

// The text of toks[first, last] as written.
inline std::string text_of(std::string_view sql, const std::vector<Token>& toks, std::size_t first, std::size_t last) {
  if (first > last || last >= toks.size()) return {};
  return std::string(sql.substr(toks[first].offset, toks[last].end() - toks[first].offset));
}

// How pg_get_expr shows a default (the common shapes; others as written).
inline std::string shown_default(std::string_view sql, const std::vector<Token>& toks, std::size_t first,
                                 std::size_t last, pgwire::Oid type) {
  std::string base = format_type(pgwire::element_type_of(type) ? type : type, "");
  if (first == last) {
    const Token& t = toks[first];
    if (t.kind == Kind::string) return sqlite_dialect::quote_literal(t.value()) + "::" + base;
    if (t.kind == Kind::number) return std::string(t.text);
    if (is(t, "true") || is(t, "false") || is(t, "null")) return t.value();
    for (std::string_view kw : {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                                "current_user", "session_user", "current_role", "current_catalog", "current_schema"})
      if (t.is_keyword(kw)) {
        std::string up(kw);
        for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return up;
      }
  }
  if (first + 1 == last && is(toks[first], "-") && toks[last].kind == Kind::number) {
    auto lit = sqlite_dialect::typing::literal_type(toks[last].text);
    return "'-" + std::string(toks[last].text) + "'::" + format_type(lit, "");
  }
  // A call without arguments: now(), gen_random_uuid(), ...
  if (first + 2 == last && toks[first].kind == Kind::word && is(toks[first + 1], "(") && is(toks[last], ")"))
    return toks[first].value() + "()";
  return text_of(sql, toks, first, last);
}

inline bool constraint_word(const Token& t) {
  for (std::string_view w : {"constraint", "not", "null", "primary", "unique", "check", "references", "default",
                             "generated", "collate"})
    if (t.is_keyword(w)) return true;
  return false;
}

// toks[first, end) split at top-level commas.
inline std::vector<std::pair<std::size_t, std::size_t>> split(const std::vector<Token>& toks, std::size_t first,
                                                              std::size_t end) {
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t start = first;
  int depth = 0;
  for (std::size_t i = first; i < end; ++i) {
    if (is(toks[i], "(")) ++depth;
    if (is(toks[i], ")")) --depth;
    if (depth == 0 && is(toks[i], ",")) {
      parts.emplace_back(start, i);
      start = i + 1;
    }
  }
  if (start < end) parts.emplace_back(start, end);
  return parts;
}

// A PostgreSQL expression as SQLite runs it.
inline std::string expression(std::string_view sql, const std::vector<Token>& toks, std::size_t first,
                              std::size_t last, const sqlite_dialect::Identity& who) {
  return sqlite_dialect::rewrite(text_of(sql, toks, first, last), who).sql;
}

// One column definition, toks[first, end).
struct ColumnDef {
  std::string name;
  std::string sqlite;  // the SQLite column definition
  ColumnRecord record;
};

// `rowid_key`: this column is the table's single-column primary key (a
// serial one becomes the rowid). `adding`: ALTER TABLE ADD COLUMN.
inline ColumnDef column_def(std::string_view sql, const std::vector<Token>& toks, std::size_t first, std::size_t end,
                            const std::string& table, bool table_key, bool adding,
                            const sqlite_dialect::Identity& who) {
  ColumnDef def;
  if (!toks[first].is_name()) throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[first].text) + "\"");
  def.name = sqlite_dialect::identifier(toks[first]);
  std::size_t i = first + 1, type_end = i;
  int depth = 0;
  for (; type_end < end; ++type_end) {
    if (is(toks[type_end], "(") || is(toks[type_end], "[")) ++depth;
    if (is(toks[type_end], ")") || is(toks[type_end], "]")) --depth;
    if (depth == 0 && constraint_word(toks[type_end])) break;
  }
  if (type_end == i) throw pgwire::PgError("42601", "syntax error: column \"" + def.name + "\" has no type");
  std::string type_text = text_of(sql, toks, i, type_end - 1);
  std::string lowered;
  for (char c : type_text) lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  pgwire::Oid serial = 0;
  if (lowered == "serial" || lowered == "serial4") serial = pgwire::oid::int4;
  if (lowered == "bigserial" || lowered == "serial8") serial = pgwire::oid::int8;
  if (lowered == "smallserial" || lowered == "serial2") serial = pgwire::oid::int2;
  pgwire::Oid type = serial ? serial : pgwire::type_from_sql_name(type_text);
  // SQLite's own names (BLOB, DATETIME, NVARCHAR, ...) keep working: typed
  // by SQLite's affinity rules and declared as written.
  bool sqlite_name = false;
  if (type == 0) {
    std::string up = upper_word(type_text);
    for (std::string_view part : {"INT", "CHAR", "CLOB", "TEXT", "BLOB", "REAL", "FLOA", "DOUB"})
      sqlite_name = sqlite_name || up.find(part) != std::string::npos;
    sqlite_name = sqlite_name || up == "DATETIME";
    if (!sqlite_name) throw pgwire::PgError("42704", "type \"" + type_text + "\" does not exist");
    type = pg_type(type_text.c_str(), SQLITE_TEXT);
  }
  // The modifier as written: "(20)", "(10,2)".
  std::string modifier;
  for (std::size_t k = i; k < type_end; ++k)
    if (is(toks[k], "(")) {
      std::size_t close = sqlite_dialect::matching_paren(toks, k);
      for (std::size_t m = k; m <= close && m < type_end; ++m) modifier += std::string(toks[m].text);
      break;
    }

  // The constraints: what to keep, and what they say.
  bool primary = false, not_null = false, identity = false;
  std::string constraints, default_sql, default_shown;
  for (i = type_end; i < end;) {
    std::size_t next = i + 1;  // the next constraint starts at a constraint word outside parentheses
    for (depth = 0; next < end; ++next) {
      if (is(toks[next], "(")) ++depth;
      if (is(toks[next], ")")) --depth;
      if (depth != 0 || !constraint_word(toks[next])) continue;
      const Token& before = toks[next - 1];
      // ... except NOT NULL, SET NULL, DEFAULT NULL, BY DEFAULT, NOT DEFERRABLE.
      if (is(toks[next], "null") && (is(before, "not") || is(before, "set") || is(before, "default"))) continue;
      if (is(toks[next], "default") && is(before, "by")) continue;
      if (is(toks[next], "not") && next + 1 < end && is(toks[next + 1], "deferrable")) continue;
      break;
    }
    const Token& t = toks[i];
    if (is(t, "constraint")) {  // the constraint's name is dropped; what it names follows
      i = std::min(i + 2, end);
      continue;
    }
    if (is(t, "default")) {
      if (i + 1 >= next) throw pgwire::PgError("42601", "syntax error at or near \"DEFAULT\"");
      default_sql = expression(sql, toks, i + 1, next - 1, who);
      default_shown = shown_default(sql, toks, i + 1, next - 1, type);
      if (is(toks[i + 1], "null") && i + 2 == next) default_shown.clear();
    } else if (is(t, "generated") && i + 1 < next) {
      bool as_identity = false;
      for (std::size_t k = i; k < next; ++k) as_identity = as_identity || is(toks[k], "identity");
      if (as_identity) {
        identity = true;
      } else {
        constraints += " " + expression(sql, toks, i, next - 1, who);
      }
    } else if (is(t, "collate")) {
      // PostgreSQL's collations mean nothing to SQLite.
    } else if (is(t, "primary")) {
      primary = true;
    } else if (is(t, "not")) {
      not_null = true;
    } else if (is(t, "null")) {
    } else {
      constraints += " " + expression(sql, toks, i, next - 1, who);
    }
    i = next;
  }

  bool counter = serial != 0 || identity;
  if (identity && !(type == pgwire::oid::int2 || type == pgwire::oid::int4 || type == pgwire::oid::int8))
    throw pgwire::PgError("22023", "identity column type must be smallint, integer, or bigint");
  std::string quoted = sqlite_dialect::quote_identifier(def.name);
  std::string out = quoted + " ";
  bool rowid = counter && (primary || table_key);
  if (rowid) {
    // The rowid: SQLite numbers it (AUTOINCREMENT: never reusing a number,
    // as a sequence); a table-level PRIMARY KEY (id) cannot say AUTOINCREMENT.
    out += primary ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "INTEGER";
  } else if (sqlite_name) {
    out += type_text;
    if (primary) out += " PRIMARY KEY";
    if (primary || table_key || not_null) out += " NOT NULL";
  } else {
    std::string typname(pgwire::type_name(type));
    for (char& c : typname) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += typname;
    if (!modifier.empty() && (type == pgwire::oid::varchar || type == pgwire::oid::bpchar ||
                              type == pgwire::oid::numeric))
      out += modifier;
    if (primary) out += " PRIMARY KEY";
    if (primary || table_key || not_null || counter) out += " NOT NULL";
    if (counter) {
      if (adding) throw not_supported("adding a serial or identity column",
                                      "Create the table with the column, or add an integer column and fill it.");
      default_sql = "pgwire_next_serial(" + sqlite_dialect::quote_literal(table) + ", " +
                    sqlite_dialect::quote_literal(def.name) + ")";
    }
  }
  if (!default_sql.empty() && !rowid) {
    bool constant = default_sql.find('(') == std::string::npos;
    if (adding && !constant)
      throw not_supported("adding a column with a non-constant default",
                          "SQLite cannot fill existing rows from an expression: add the column without a default.");
    out += " DEFAULT (" + default_sql + ")";
  }
  if ((type == pgwire::oid::varchar || type == pgwire::oid::bpchar) && modifier.size() > 2) {
    std::string n = modifier.substr(1, modifier.size() - 2);
    std::string name = std::string("pgwire_length_") +
                       (type == pgwire::oid::varchar ? "character_varying_" : "character_") + n;
    out += " CONSTRAINT " + name + " CHECK (length(" + quoted + ") <= " + n + ")";
  }
  out += constraints;
  def.sqlite = std::move(out);
  def.record = {table, def.name, format_type(type, modifier), default_shown};
  if (serial) def.record.pg_default = "nextval('" + table + "_" + def.name + "_seq'::regclass)";
  if (identity) def.record.pg_default.clear();
  return def;
}

// A table name (schema "public" dropped: SQLite has one namespace) at toks[i].
inline std::string table_name(const std::vector<Token>& toks, std::size_t& i) {
  if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a table name expected");
  std::string name = sqlite_dialect::identifier(toks[i]);
  if (i + 2 < toks.size() && is(toks[i + 1], ".") && toks[i + 2].is_name()) {
    if (name != "public")
      throw pgwire::PgError("3F000", "schema \"" + name + "\" does not exist");
    i += 2;
    name = sqlite_dialect::identifier(toks[i]);
  }
  ++i;
  return name;
}

inline bool table_exists(sqlite3* db, const std::string& table) {
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

}  // namespace ddl

// What a translated DDL statement is, for the caller: the SQL SQLite runs,
// and what to record once it has run.
struct DdlTranslation {
  std::string sql;
  std::function<void(sqlite3*)> after;  // empty: nothing to record
};

// CREATE TABLE / ALTER TABLE / DROP TABLE (nullopt for anything else).
inline std::optional<DdlTranslation> translate_ddl(sqlite3* db, std::string_view sql,
                                                   const std::vector<sqlite_dialect::Token>& toks,
                                                   const sqlite_dialect::Identity& who) {
  using ddl::is;
  if (toks.size() < 3) return std::nullopt;
  std::size_t i = 1;
  if (is(toks[0], "create")) {
    bool temp = false;
    while (i < toks.size() && (is(toks[i], "temp") || is(toks[i], "temporary") || is(toks[i], "unlogged") ||
                               is(toks[i], "local") || is(toks[i], "global")))
      temp = temp || !is(toks[i++], "unlogged");
    if (i >= toks.size() || !is(toks[i], "table")) return std::nullopt;
    ++i;
    bool if_not_exists = i + 2 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "not") && is(toks[i + 2], "exists");
    if (if_not_exists) i += 3;
    std::string table = ddl::table_name(toks, i);
    if (i >= toks.size() || !is(toks[i], "(")) return std::nullopt;  // CREATE TABLE ... AS: SQLite's own
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
    for (std::size_t k = close + 1; k < toks.size(); ++k)
      if (!is(toks[k], ";"))
        throw not_supported("CREATE TABLE ... " + std::string(toks[k].text),
                            "SQLite tables have no storage options, partitions, inheritance or tablespaces.");
    auto elements = ddl::split(toks, i + 1, close);
    // A table-level PRIMARY KEY (one column): that column may become the rowid.
    std::string key_column;
    for (auto [first, end] : elements) {
      std::size_t k = first;
      if (is(toks[k], "constraint")) k += 2;
      if (k + 3 < end && is(toks[k], "primary") && is(toks[k + 1], "key") && is(toks[k + 2], "(") &&
          is(toks[k + 4], ")"))
        key_column = sqlite_dialect::identifier(toks[k + 3]);
    }
    std::string out = "CREATE ";
    if (temp) out += "TEMP ";
    out += "TABLE ";
    if (if_not_exists) out += "IF NOT EXISTS ";
    out += sqlite_dialect::quote_identifier(table) + " (";
    std::vector<ColumnRecord> records;
    bool first_element = true;
    for (auto [first, end] : elements) {
      if (!first_element) out += ", ";
      first_element = false;
      const auto& t = toks[first];
      bool table_constraint = is(t, "constraint") || is(t, "primary") || is(t, "unique") || is(t, "check") ||
                              is(t, "foreign") || is(t, "exclude") || is(t, "like");
      if (is(t, "exclude") || is(t, "like"))
        throw not_supported(std::string(t.text) + " in CREATE TABLE", "SQLite has no counterpart.");
      if (table_constraint) {
        out += ddl::expression(sql, toks, first, end - 1, who);
        continue;
      }
      auto def = ddl::column_def(sql, toks, first, end, table, !key_column.empty() && toks[first].is_name() && sqlite_dialect::identifier(toks[first]) == key_column, false, who);
      out += def.sqlite;
      records.push_back(std::move(def.record));
    }
    out += ")";
    bool exists = if_not_exists && ddl::table_exists(db, table);
    DdlTranslation tr{std::move(out), {}};
    if (!temp && !exists) {
      tr.after = [table, records](sqlite3* db) {
        ddl::ensure_table(db);
        ddl::run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1", {table});
        for (const auto& r : records) {
          if (r.pg_default.empty()) {
            ddl::run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, NULL)", {r.table, r.column, r.pg_type});
          } else {
            ddl::run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, ?4)",
                     {r.table, r.column, r.pg_type, r.pg_default});
          }
        }
      };
    }
    return tr;
  }

  if (is(toks[0], "drop") && is(toks[1], "table")) {
    bool if_exists = i + 2 < toks.size() && is(toks[i + 1], "if") && is(toks[i + 2], "exists");
    i = if_exists ? 4 : 2;
    std::string table = ddl::table_name(toks, i);
    if (i < toks.size() && is(toks[i], ","))
      throw not_supported("dropping several tables in one statement", "Drop one table at a time.");
    if (i < toks.size() && is(toks[i], "cascade"))
      throw not_supported("DROP TABLE ... CASCADE", "Drop the tables that refer to this one first.");
    std::string out = std::string("DROP TABLE ") + (if_exists ? "IF EXISTS " : "") + sqlite_dialect::quote_identifier(table);
    return DdlTranslation{out, [table](sqlite3* db) {
                            ddl::ensure_table(db);
                            ddl::run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1", {table});
                          }};
  }

  if (is(toks[0], "alter") && is(toks[1], "table")) {
    i = 2;
    if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) i += 2;
    if (i < toks.size() && is(toks[i], "only")) ++i;
    std::string table = ddl::table_name(toks, i);
    std::string target = "ALTER TABLE " + sqlite_dialect::quote_identifier(table) + " ";
    if (i + 1 < toks.size() && is(toks[i], "add") && !is(toks[i + 1], "constraint") && !is(toks[i + 1], "primary") &&
        !is(toks[i + 1], "unique") && !is(toks[i + 1], "foreign") && !is(toks[i + 1], "check")) {
      ++i;
      if (is(toks[i], "column")) ++i;
      if (i + 2 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "not") && is(toks[i + 2], "exists"))
        throw not_supported("ADD COLUMN IF NOT EXISTS", "Add the column without IF NOT EXISTS.");
      std::size_t end = toks.size();
      while (end > i && is(toks[end - 1], ";")) --end;
      auto def = ddl::column_def(sql, toks, i, end, table, false, true, who);
      auto record = def.record;
      return DdlTranslation{target + "ADD COLUMN " + def.sqlite, [record](sqlite3* db) {
                              ddl::ensure_table(db);
                              ddl::run(db, "INSERT OR REPLACE INTO pgwire_column_types VALUES (?1, ?2, ?3, ?4)",
                                       {record.table, record.column, record.pg_type, record.pg_default});
                              if (record.pg_default.empty())
                                ddl::run(db,
                                         "UPDATE pgwire_column_types SET pg_default = NULL WHERE table_name = ?1 AND "
                                         "column_name = ?2",
                                         {record.table, record.column});
                            }};
    }
    if (i + 1 < toks.size() && is(toks[i], "drop") && !is(toks[i + 1], "constraint")) {
      ++i;
      if (is(toks[i], "column")) ++i;
      if (i >= toks.size() || !toks[i].is_name()) return std::nullopt;
      std::string column = sqlite_dialect::identifier(toks[i]);
      return DdlTranslation{target + "DROP COLUMN " + sqlite_dialect::quote_identifier(column),
                            [table, column](sqlite3* db) {
                              ddl::ensure_table(db);
                              ddl::run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1 AND column_name = ?2",
                                       {table, column});
                            }};
    }
    if (i + 2 < toks.size() && is(toks[i], "rename") && is(toks[i + 1], "to") && toks[i + 2].is_name()) {
      std::string to = sqlite_dialect::identifier(toks[i + 2]);
      return DdlTranslation{target + "RENAME TO " + sqlite_dialect::quote_identifier(to), [table, to](sqlite3* db) {
                              ddl::ensure_table(db);
                              ddl::run(db, "UPDATE pgwire_column_types SET table_name = ?2 WHERE table_name = ?1",
                                       {table, to});
                            }};
    }
    if (i + 1 < toks.size() && is(toks[i], "rename")) {
      std::size_t k = i + 1;
      if (is(toks[k], "column")) ++k;
      if (k + 2 < toks.size() && toks[k].is_name() && is(toks[k + 1], "to") && toks[k + 2].is_name()) {
        std::string from = sqlite_dialect::identifier(toks[k]), to = sqlite_dialect::identifier(toks[k + 2]);
        return DdlTranslation{target + "RENAME COLUMN " + sqlite_dialect::quote_identifier(from) + " TO " +
                                  sqlite_dialect::quote_identifier(to),
                              [table, from, to](sqlite3* db) {
                                ddl::ensure_table(db);
                                ddl::run(db,
                                         "UPDATE pgwire_column_types SET column_name = ?3 WHERE table_name = ?1 AND "
                                         "column_name = ?2",
                                         {table, from, to});
                              }};
      }
    }
    throw not_supported("this form of ALTER TABLE",
                        "SQLite can add, drop and rename columns and rename tables; to change a column or a "
                        "constraint, create a new table and copy the rows.");
  }
  return std::nullopt;
}

// A recorded column's type: its OID and type modifier (atttypmod: -1 none;
// varchar(20) 24, numeric(10,2) (10 << 16 | 2) + 4, as PostgreSQL encodes it).
struct RecordedType {
  pgwire::Oid type = 0;
  std::int32_t modifier = -1;
};

inline std::int32_t type_modifier(pgwire::Oid type, std::string_view pg_type) {
  auto open = pg_type.find('(');
  if (open == std::string_view::npos) return -1;
  std::int32_t first = 0, second = -1, *at = &first;
  for (std::size_t i = open + 1; i < pg_type.size() && pg_type[i] != ')'; ++i) {
    char c = pg_type[i];
    if (c == ',') {
      second = 0;
      at = &second;
    } else if (c >= '0' && c <= '9' && *at < 100000) {
      *at = *at * 10 + (c - '0');
    }
  }
  switch (type) {
    case pgwire::oid::varchar:
    case pgwire::oid::bpchar: return first + 4;
    case pgwire::oid::numeric: return ((first << 16) | (second < 0 ? 0 : second)) + 4;
    case pgwire::oid::timestamp:
    case pgwire::oid::timestamptz:
    case pgwire::oid::time:
    case pgwire::oid::timetz: return first;
    default: return -1;
  }
}

// What the DDL translation recorded for table.column (type 0: nothing).
inline RecordedType recorded_column(sqlite3* db, std::string_view table, std::string_view column) {
  sqlite3_stmt* s = nullptr;
  RecordedType out;
  if (sqlite3_prepare_v2(db,
                         "SELECT pg_type FROM pgwire_column_types WHERE table_name = ?1 COLLATE NOCASE AND "
                         "column_name = ?2 COLLATE NOCASE",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, column.data(), static_cast<int>(column.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
      std::string_view pg_type(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      out.type = pgwire::type_from_sql_name(pg_type);
      out.modifier = pgwire::element_type_of(out.type) ? -1 : type_modifier(out.type, pg_type);
    }
  }
  sqlite3_finalize(s);
  return out;
}

// The PostgreSQL type recorded for table.column; 0 when none was recorded.
inline pgwire::Oid recorded_type(sqlite3* db, std::string_view table, std::string_view column) {
  return recorded_column(db, table, column).type;
}

}  // namespace sqlite_example
