#pragma once
// PostgreSQL column definitions as SQLite column definitions, for CREATE
// TABLE and ALTER TABLE ADD COLUMN (ddl.hpp), with what the side table
// records for each (column_types.hpp). Column by column:
// - types: the SQLite declaration is PostgreSQL's typname ("INT4",
//   "TIMESTAMPTZ", "VARCHAR(20)", "_INT4"), which gives SQLite the right
//   affinity and maps back to the type without the side table; numeric is
//   NUMERIC_AS_TEXT(p,s) COLLATE pgwire_numeric, exact (numeric_text.hpp),
//   with a CHECK of its precision;
// - serial / bigserial / smallserial and GENERATED ... AS IDENTITY: the
//   primary key becomes SQLite's rowid (INTEGER PRIMARY KEY AUTOINCREMENT:
//   increasing, never reused), another column gets
//   DEFAULT (pgwire_next_serial(table, column)) (functions.hpp);
// - varchar(n) / char(n): a CHECK named pgwire_length_... that errors.hpp
//   reports as PostgreSQL does (22001 value too long);
// - DEFAULT expressions in parentheses (SQLite wants them so), rewritten
//   like any expression (now(), CURRENT_TIMESTAMP, casts, ...);
// - a PRIMARY KEY column is NOT NULL (SQLite would allow NULL keys);
// - a value SQLite would store as it is given (a date, a uuid, 'abc' in an
//   integer column) is checked by its type's input rules when written, as
//   PostgreSQL does (CHECK (pgwire_valid(col, type)), functions.hpp), so a
//   bad literal fails the INSERT (22007, 22P02, ...) rather than every
//   later SELECT;
// - COLLATE clauses are dropped (SQLite knows none of PostgreSQL's).
// An added column that SQLite cannot fill (a serial, a non-constant
// default) is 0A000 with a hint.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/types/oid.hpp>

#include "../sqlite_dialect.hpp"
#include "check_constraints.hpp"
#include "column_types.hpp"
#include "enum_types.hpp"
#include "errors.hpp"
#include "numeric_text.hpp"
#include "values.hpp"

namespace sqlite_example::ddl {

// The name of the constraint that marks a GENERATED ALWAYS AS IDENTITY column (+ its name).
inline constexpr std::string_view identity_always_marker = "pgwire_identity_always_";

using column_types::format_type;
using sqlite_dialect::is;
using sqlite_dialect::Kind;
using sqlite_dialect::Token;

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
  for (std::string_view w :
       {"constraint", "not", "null", "primary", "unique", "check", "references", "default", "generated", "collate"})
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
inline std::string expression(std::string_view sql, const std::vector<Token>& toks, std::size_t first, std::size_t last,
                              const sqlite_dialect::Identity& who) {
  return sqlite_dialect::rewrite(text_of(sql, toks, first, last), who).sql;
}

// One column definition, toks[first, end).
struct ColumnDef {
  std::string name;
  std::string sqlite;  // the SQLite column definition
  ColumnRecord record;
};

// `table_key`: this column is the table's single-column PRIMARY KEY (...)
// (a serial one becomes the rowid). `adding`: ALTER TABLE ADD COLUMN.
// `checks` names the column's CHECKs (check_constraints.hpp).
inline ColumnDef column_def(std::string_view sql, const std::vector<Token>& toks, std::size_t first, std::size_t end,
                            const std::string& table, bool table_key, bool adding,
                            const sqlite_dialect::Identity& who, check_constraints::Namer& checks) {
  ColumnDef def;
  if (!toks[first].is_name())
    throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[first].text) + "\"");
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
  // SQL's `T ARRAY` and `T ARRAY[n]` are PostgreSQL's T[] (TypeORM writes `text array`).
  for (std::size_t k = i + 1; k < type_end; ++k)
    if (toks[k].is_keyword("array") && (k + 1 == type_end || is(toks[k + 1], "["))) {
      type_text = text_of(sql, toks, i, k - 1) + "[]";
      break;
    }
  std::string lowered;
  for (char c : type_text) lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  pgwire::Oid serial = 0;
  if (lowered == "serial" || lowered == "serial4") serial = pgwire::oid::int4;
  if (lowered == "bigserial" || lowered == "serial8") serial = pgwire::oid::int8;
  if (lowered == "smallserial" || lowered == "serial2") serial = pgwire::oid::int2;
  pgwire::Oid type = serial ? serial : sqlite_example::type_named(type_text);
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
  bool primary = false, not_null = false, identity = false, always = false;
  std::string constraints, default_sql, default_shown, given_name, primary_name;
  bool default_constant = true;  // a literal: what SQLite's ADD COLUMN accepts
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
    if (is(t, "constraint")) {  // a CHECK keeps its name; other constraints' names are dropped
      if (i + 1 < end) given_name = sqlite_dialect::identifier(toks[i + 1]);
      i = std::min(i + 2, end);
      continue;
    }
    std::string name = std::exchange(given_name, {});
    if (is(t, "default")) {
      if (i + 1 >= next) throw pgwire::PgError("42601", "syntax error at or near \"DEFAULT\"");
      default_sql = expression(sql, toks, i + 1, next - 1, who);
      std::size_t lit = is(toks[i + 1], "-") || is(toks[i + 1], "+") ? i + 2 : i + 1;
      default_constant = lit + 1 == next && (toks[lit].kind == Kind::number || toks[lit].kind == Kind::string ||
                                             is(toks[lit], "true") || is(toks[lit], "false") || is(toks[lit], "null"));
      default_shown = shown_default(sql, toks, i + 1, next - 1, type);
      if (is(toks[i + 1], "null") && i + 2 == next) default_shown.clear();
    } else if (is(t, "generated") && i + 1 < next) {
      bool as_identity = false;
      for (std::size_t k = i; k < next; ++k) as_identity = as_identity || is(toks[k], "identity");
      if (as_identity) {
        identity = true;
        always = i + 1 < next && is(toks[i + 1], "always");
      } else {
        constraints += " " + expression(sql, toks, i, next - 1, who);
      }
    } else if (is(t, "collate")) {
      // PostgreSQL's collations mean nothing to SQLite.
    } else if (is(t, "primary")) {
      primary = true;
      primary_name = name;
    } else if (is(t, "not")) {
      not_null = true;
    } else if (is(t, "null")) {
    } else if (is(t, "unique") && !name.empty()) {  // (its name: key_names.hpp)
      constraints += " CONSTRAINT " + sqlite_dialect::quote_identifier(name) + " " + expression(sql, toks, i, next - 1, who);
    } else if (is(t, "check") && i + 1 < next && is(toks[i + 1], "(")) {
      constraints += " CONSTRAINT " + sqlite_dialect::quote_identifier(checks.name(toks, i + 2, next - 2, name)) +
                     " " + expression(sql, toks, i, next - 1, who);
    } else {
      constraints += " " + expression(sql, toks, i, next - 1, who);
    }
    i = next;
  }

  // " CONSTRAINT name" before a key the client named (key_names.hpp reads it back).
  auto named = [](const std::string& n) {
    return n.empty() ? std::string() : " CONSTRAINT " + sqlite_dialect::quote_identifier(n);
  };
  bool counter = serial != 0 || identity;
  if (identity && !(type == pgwire::oid::int2 || type == pgwire::oid::int4 || type == pgwire::oid::int8))
    throw pgwire::PgError("22023", "identity column type must be smallint, integer, or bigint");
  std::string quoted = sqlite_dialect::quote_identifier(def.name);
  std::string out = quoted + " ";
  bool rowid = counter && (primary || table_key);
  if (rowid) {
    // The rowid: SQLite numbers it (AUTOINCREMENT: never reusing a number,
    // as a sequence); a table-level PRIMARY KEY (id) cannot say AUTOINCREMENT.
    out += primary ? "INTEGER" + named(primary_name) + " PRIMARY KEY AUTOINCREMENT" : "INTEGER";
  } else if (sqlite_name) {
    out += type_text;
    if (primary) out += named(primary_name) + " PRIMARY KEY";
    if (primary || table_key || not_null) out += " NOT NULL";
  } else if (enum_registry::is_enum(type)) {
    out += enum_types::column_declaration(type);
    if (primary) out += named(primary_name) + " PRIMARY KEY";
    if (primary || table_key || not_null) out += " NOT NULL";
    out += " CHECK (pgwire_valid(" + quoted + ", " + std::to_string(type) + "))";
  } else {
    std::string typname(pgwire::type_name(type));
    for (char& c : typname) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // numeric: kept as its exact text, compared as a number (numeric_text.hpp).
    out += type == pgwire::oid::numeric ? std::string(numeric_text::declared_name) : typname;
    if (!modifier.empty() &&
        (type == pgwire::oid::varchar || type == pgwire::oid::bpchar || type == pgwire::oid::numeric))
      out += modifier;
    if (type == pgwire::oid::numeric) out += " COLLATE " + std::string(numeric_text::collation);
    if (type == pgwire::oid::interval) out += " COLLATE pgwire_interval";  // (datetime.hpp: ordered as intervals)
    if (primary) out += named(primary_name) + " PRIMARY KEY";
    if (primary || table_key || not_null || counter) out += " NOT NULL";
    if (counter) {
      if (adding)
        throw not_supported("adding a serial or identity column",
                            "Create the table with the column, or add an integer column and fill it.");
      default_sql = "pgwire_next_serial(" + sqlite_dialect::quote_literal(table) + ", " +
                    sqlite_dialect::quote_literal(def.name) + ")";
    }
  }
  // A numeric(p,s) default is stored rounded to s, as any value written to
  // the column (numeric_assignments.hpp); SQLite's ADD COLUMN takes only a
  // constant, so there the rows read it as written.
  if (!default_sql.empty() && !rowid && !adding && type == pgwire::oid::numeric && modifier.size() > 2) {
    std::int32_t typmod = type_modifier(type, modifier);
    if (typmod >= 4) default_sql = "pgwire_numeric_round(" + default_sql + ", " + std::to_string((typmod - 4) & 0xffff) + ")";
  }
  if (!default_sql.empty() && !rowid) {
    if (adding && !default_constant)
      throw not_supported("adding a column with a non-constant default",
                          "SQLite cannot fill existing rows from an expression: add the column without a default.");
    out += " DEFAULT (" + default_sql + ")";
  }
  if ((type == pgwire::oid::varchar || type == pgwire::oid::bpchar) && modifier.size() > 2) {
    std::string n = modifier.substr(1, modifier.size() - 2);
    std::string name =
        std::string("pgwire_length_") + (type == pgwire::oid::varchar ? "character_varying_" : "character_") + n;
    out += " CONSTRAINT " + name + " CHECK (length(" + quoted + ") <= " + n + ")";
  }
  if (!sqlite_name && !rowid && !is_string_type(type) && type != pgwire::oid::bytea && pgwire::can_convert_format(type))
    out += " CHECK (pgwire_valid(" + quoted + ", " + std::to_string(type) + "))";
  if (type == pgwire::oid::numeric && modifier.size() > 2) {
    std::int32_t typmod = type_modifier(type, modifier);
    out += " CHECK (pgwire_numeric_fits(" + quoted + ", " + std::to_string((typmod - 4) >> 16) + ", " +
           std::to_string((typmod - 4) & 0xffff) + "))";
  }
  // GENERATED ALWAYS: a named no-op CHECK marks the column, for the INSERT
  // check of insert_defaults.hpp (SQLite keeps no such property).
  if (always) {
    std::string marker = std::string(identity_always_marker) + def.name;
    out += " CONSTRAINT " + sqlite_dialect::quote_identifier(marker) + " CHECK (1)";
  }
  out += constraints;
  def.sqlite = std::move(out);
  def.record = {table, def.name, format_type(type, modifier), default_shown};
  if (serial) def.record.pg_default = "nextval('" + table + "_" + def.name + "_seq'::regclass)";
  if (identity) def.record.pg_default.clear();
  return def;
}

}  // namespace sqlite_example::ddl
