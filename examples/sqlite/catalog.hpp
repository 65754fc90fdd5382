#pragma once
// The catalog of sqlite_server: SQLite's own schema (sqlite_master and the
// table_info / index_list / index_info / foreign_key_list pragmas) described
// for the library's catalog layer (pgwire/catalog), so that psql's \d, \dt,
// \di ... show what CREATE TABLE made, with PostgreSQL types.
//
// A column's type is its PostgreSQL declaration when the dialect recorded
// one in the side table pgwire_column_types(table_name, column_name,
// pg_type, pg_default), else SQLite's declared type read as PostgreSQL
// reads it (type_from_sql_name: "varchar(20)" is varchar(20), "INTEGER"
// integer), else text. The side table itself is not shown.
//
// All of it runs on the session's worker thread (worker.hpp); Refresher
// rebuilds the shared catalog only when SQLite's schema_version moved.

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/catalog/catalog.hpp>
#include <pgwire/types/oid.hpp>

#include "check_constraints.hpp"
#include "column_origins.hpp"
#include "comments.hpp"
#include "column_types.hpp"  // column_types_table: the dialect's side table
#include "enum_types.hpp"
#include "schema_edits.hpp"
#include "statement_cache.hpp"  // SchemaGeneration

namespace sqlite_example {


namespace catalog_detail {

// Rows of `sql` (one text parameter) as text.
inline std::vector<std::vector<std::string>> rows(sqlite3* db, const std::string& sql, const std::string& arg = {}) {
  std::vector<std::vector<std::string>> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return out;
  }
  if (sqlite3_bind_parameter_count(s) > 0) sqlite3_bind_text(s, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const auto* t = sqlite3_column_text(s, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "\x01");  // \x01: NULL
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  return out;
}

inline bool is_null(const std::string& v) { return v == "\x01"; }

inline char fk_action(const std::string& a) {
  if (a == "CASCADE") return 'c';
  if (a == "SET NULL") return 'n';
  if (a == "SET DEFAULT") return 'd';
  if (a == "RESTRICT") return 'r';
  return 'a';
}

// What an index made by ALTER TABLE ... ADD PRIMARY KEY | UNIQUE stands
// for (its marker, key_names.hpp).
enum class AddedConstraint { none, primary_key, unique };
inline AddedConstraint added_constraint(sqlite3* db, const std::string& index) {
  auto found = rows(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", index);
  if (found.empty() || is_null(found[0][0])) return AddedConstraint::none;
  const std::string& sql = found[0][0];
  if (sql.find(primary_key_marker) != std::string::npos) return AddedConstraint::primary_key;
  if (sql.find(unique_constraint_marker) != std::string::npos) return AddedConstraint::unique;
  return AddedConstraint::none;
}

}  // namespace catalog_detail

// The sequences: those CREATE SEQUENCE made (sequences.hpp), then each
// serial column's t_c_seq (serial_sequences.hpp). A sequence is owned by
// the column whose default calls it (pg_dump's serial columns: CREATE
// SEQUENCE, then the default).
inline void describe_sequences(sqlite3* db, pgwire::catalog::Description& d) {
  using namespace catalog_detail;
  std::map<std::string, std::size_t> by_name;
  if (!rows(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "pgwire_sequences").empty())
    for (auto& r : rows(db, "SELECT name, start_value, increment, min_value, max_value, cycle FROM pgwire_sequences "
                            "ORDER BY rowid")) {
      pgwire::catalog::SequenceInfo s;
      s.name = r[0];
      s.start = std::stoll(r[1]);
      s.increment = std::stoll(r[2]);
      s.min = std::stoll(r[3]);
      s.max = std::stoll(r[4]);
      s.cycle = r[5] == "1";
      by_name[s.name] = d.sequences.size();
      d.sequences.push_back(std::move(s));
    }
  constexpr std::string_view call = "nextval('", end = "'::regclass)";
  for (const auto& t : d.tables)
    for (const auto& c : t.columns) {
      if (!c.default_expr || !c.default_expr->starts_with(call) || !c.default_expr->ends_with(end)) continue;
      std::string name = c.default_expr->substr(call.size(), c.default_expr->size() - call.size() - end.size());
      auto known = by_name.find(name);
      if (known == by_name.end()) {
        pgwire::catalog::SequenceInfo s;
        s.name = name;
        s.type = c.type == pgwire::oid::int2 || c.type == pgwire::oid::int4 ? c.type : pgwire::oid::int8;
        s.max = s.type == pgwire::oid::int2 ? INT16_MAX : s.type == pgwire::oid::int4 ? INT32_MAX : INT64_MAX;
        known = by_name.emplace(name, d.sequences.size()).first;
        d.sequences.push_back(std::move(s));
      }
      auto& s = d.sequences[known->second];
      if (s.owner_table.empty()) {
        s.owner_table = t.name;
        s.owner_column = c.name;
      }
    }
}

// SQLite's schema as the catalog layer's Description.
inline pgwire::catalog::Description describe_sqlite(sqlite3* db) {
  using namespace catalog_detail;
  pgwire::catalog::Description d;
  d.database = "postgres";
  d.owner = "postgres";
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> declared;
  if (!rows(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", column_types_table).empty())
    for (auto& r : rows(db, std::string("SELECT table_name, column_name, pg_type, pg_default FROM ") + column_types_table))
      declared[{r[0], r[1]}] = {is_null(r[2]) ? "" : r[2], is_null(r[3]) ? "\x01" : r[3]};

  // In creation order, as PostgreSQL's OIDs (and unordered catalog scans) go.
  auto objects = rows(db,
                      "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') "
                      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1 "
                      "AND name <> 'pgwire_publications' AND name <> 'pgwire_sequences' "  // (publications.hpp, sequences.hpp)
                      "AND name <> 'pgwire_comments' AND name <> 'pgwire_enums' "          // (comments.hpp, enum_types.hpp)
                      "ORDER BY rowid",
                      column_types_table);
  for (auto& o : objects) {
    pgwire::catalog::TableInfo t;
    t.name = o[1];
    bool view = o[0] == "view";
    if (view) {
      t.kind = pgwire::catalog::TableInfo::Kind::view;
      std::string sql = is_null(o[2]) ? "" : o[2];
      std::string upper = sql;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto as = upper.find(" AS ");
      t.view_definition = as == std::string::npos ? sql : " " + sql.substr(as + 4) + ";";
    }
    std::vector<std::pair<int, std::string>> pk;
    // A view's column that reads a table's column unchanged has that
    // column's recorded type (SQLite would give a serial's INTEGER: bigint).
    std::map<std::string, std::pair<std::string, std::string>> origins;
    if (view) {
      sqlite3_stmt* s = nullptr;
      std::string select = "SELECT * FROM \"" + t.name + "\"";
      if (sqlite3_prepare_v2(db, select.c_str(), -1, &s, nullptr) == SQLITE_OK && s != nullptr)
        for (int i = 0; i < sqlite3_column_count(s); ++i) {
          const char* table = sqlite3_column_table_name(s, i);
          const char* origin = sqlite3_column_origin_name(s, i);
          if (table && origin) origins[sqlite3_column_name(s, i)] = {table, origin};
        }
      sqlite3_finalize(s);
    }
    for (auto& c : rows(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)", t.name)) {
      pgwire::catalog::ColumnInfo col;
      col.name = c[0];
      std::string decl = is_null(c[1]) ? "" : c[1];
      std::string dflt = is_null(c[3]) ? "\x01" : c[3];
      bool recorded = false;
      if (auto o = origins.find(col.name); o != origins.end())
        if (auto it = declared.find(o->second); it != declared.end() && !it->second.first.empty()) {
          decl = it->second.first;
          recorded = true;
        }
      if (auto it = declared.find({t.name, col.name}); it != declared.end()) {
        if (!it->second.first.empty()) decl = it->second.first;
        dflt = it->second.second;
        recorded = true;
      }
      col.type = sqlite_example::type_named(decl);
      col.typmod = col.type ? pgwire::catalog::typmod_from_sql_name(decl) : -1;
      // SQLite's own declaration: the type its values are sent with
      if (!recorded && !decl.empty()) col.type = declared_type(decl);
      if (col.type == 0) col.type = pgwire::oid::text;
      col.not_null = c[2] == "1";
      if (!is_null(dflt)) col.default_expr = dflt;
      if (!view && c[4] != "0") {
        pk.emplace_back(std::stoi(c[4]), col.name);
        col.not_null = true;  // as PostgreSQL's PRIMARY KEY
      }
      t.columns.push_back(std::move(col));
    }
    std::sort(pk.begin(), pk.end());
    std::string joined;
    for (auto& [n, name] : pk) {
      t.primary_key.push_back(name);
      joined += (joined.empty() ? "" : "_") + name;
    }
    if (!pk.empty() && !view) t.primary_key_name = key_names::declared(db, t.name, true, joined);
    if (!view) {
      for (auto& ix : rows(db, "SELECT name, \"unique\", origin FROM pragma_index_list(?1) ORDER BY name", t.name)) {
        if (ix[2] == "pk") continue;  // the primary key's own index (PostgreSQL's <table>_pkey)
        std::vector<std::string> columns;
        bool expression = false;
        for (auto& c : rows(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", ix[0])) {
          if (is_null(c[0])) expression = true;
          columns.push_back(c[0]);
        }
        if (expression || columns.empty()) continue;  // expression indexes: not described
        auto added = ix[1] == "1" && ix[2] == "c" ? added_constraint(db, ix[0]) : AddedConstraint::none;
        if (added == AddedConstraint::primary_key && t.primary_key.empty()) {
          t.primary_key = columns;
          t.primary_key_name = ix[0];
          for (auto& col : t.columns)  // (as PostgreSQL's ADD PRIMARY KEY sets them)
            if (std::find(columns.begin(), columns.end(), col.name) != columns.end()) col.not_null = true;
        } else if (added == AddedConstraint::unique) {
          t.uniques.push_back({ix[0], columns});
        } else if (ix[2] == "u") {
          std::string joined;
          for (auto& c : columns) joined += (joined.empty() ? "" : "_") + c;
          t.uniques.push_back({key_names::declared(db, t.name, false, joined), columns});
        } else {
          t.indexes.push_back({ix[0], columns, ix[1] == "1"});
        }
      }
      std::map<int, pgwire::catalog::ForeignKeyInfo> fks;
      for (auto& f : rows(db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM "
                              "pragma_foreign_key_list(?1) ORDER BY id, seq", t.name)) {
        auto& fk = fks[std::stoi(f[0])];
        fk.ref_table = f[1];
        fk.columns.push_back(f[2]);
        if (!is_null(f[3])) fk.ref_columns.push_back(f[3]);
        fk.on_update = fk_action(f[4]);
        fk.on_delete = fk_action(f[5]);
      }
      // Named as its CREATE text names it (CONSTRAINT n FOREIGN KEY, which
      // ALTER TABLE ADD CONSTRAINT writes there), else as PostgreSQL would:
      // DROP CONSTRAINT finds it by that name (schema_edits.hpp).
      auto declared = is_null(o[2]) ? std::vector<schema_edits::ForeignKey>{}
                                    : schema_edits::foreign_keys_in(o[2], t.name);
      auto same = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t k = 0; k < a.size(); ++k)
          if (sqlite3_stricmp(a[k].c_str(), b[k].c_str()) != 0) return false;
        return true;
      };
      for (auto& [id, fk] : fks) {
        for (const auto& key : declared)
          if (same(key.from, fk.columns) && sqlite3_stricmp(key.referenced.c_str(), fk.ref_table.c_str()) == 0) {
            fk.name = key.name;
            break;
          }
        t.foreign_keys.push_back(std::move(fk));
      }
      if (!is_null(o[2])) t.checks = check_constraints::named_in(o[2]);
    }
    d.tables.push_back(std::move(t));
  }
  describe_sequences(db, d);
  enum_types::describe(db, d);
  auto said = comments::all(db);
  for (auto& t : d.tables) {
    if (auto it = said.find({t.name, ""}); it != said.end()) t.comment = it->second;
    for (auto& c : t.columns)
      if (auto it = said.find({t.name, c.name}); it != said.end()) c.comment = it->second;
  }
  return d;
}

// Keeps the shared catalog in step with SQLite's schema: call refresh(db)
// on a worker before a catalog query (cheap when nothing changed).
class CatalogRefresher final : public ColumnOrigins {
 public:
  explicit CatalogRefresher(std::shared_ptr<pgwire::catalog::Catalog> catalog) : catalog_(std::move(catalog)) {}

  void refresh(sqlite3* db) {
    // The schema's version, and the sequences' rows: CREATE SEQUENCE is an
    // INSERT into pgwire_sequences, which leaves the schema's version alone.
    auto version = catalog_detail::rows(db, "PRAGMA schema_version");
    std::string key = version.empty() ? "" : version[0][0];
    if (!catalog_detail::rows(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "pgwire_sequences")
             .empty())
      for (auto& r : catalog_detail::rows(db, "SELECT group_concat(name || ' ' || start_value || ' ' || increment || ' ' || "
                                              "min_value || ' ' || max_value || ' ' || cycle, ' ') FROM pgwire_sequences"))
        key += "|" + (catalog_detail::is_null(r[0]) ? std::string() : r[0]);
    for (const auto& [object, text] : comments::all(db)) key += "|" + object.first + "." + object.second + "=" + text;
    // (enum types: rows of pgwire_enums too)
    for (const auto& t : enum_types::read_all(db)) {
      key += "|" + std::to_string(t.oid) + "=" + t.name;
      for (std::size_t i = 0; i < t.labels.size(); ++i) key += "," + t.labels[i] + ":" + std::to_string(t.sort_orders[i]);
    }
    std::size_t v = std::hash<std::string>{}(key);
    if (v == version_.load()) return;
    try {
      catalog_->update(describe_sqlite(db));
      version_ = v;
    } catch (const std::exception&) {
      // A schema the catalog cannot describe (a key on a missing column):
      // the previous description stays.
    }
  }
  const std::shared_ptr<pgwire::catalog::Catalog>& catalog() const { return catalog_; }

  // RowDescription's numbers for a column of a table in the main database
  // (public), from the catalog, which is refreshed first when DDL ran since
  // its last look (a table created a statement ago has its OID at once).
  // PostgreSQL numbers a column read through a view by the view; SQLite
  // traces it to the view's table. So a statement that names a view, or
  // does not name the traced table, gets 0: unknown, never another table.
  Origin origin(sqlite3* db, const char* database, const char* table, const char* column,
                std::string_view statement) override {
    if (database == nullptr || std::string_view(database) != "main") return {};
    auto generation = SchemaGeneration::current();
    if (generation != origins_generation_.load(std::memory_order_acquire)) {
      refresh(db);
      std::vector<std::string> views;
      for (const auto& t : catalog_->description().tables)
        if (t.kind == pgwire::catalog::TableInfo::Kind::view) views.push_back(t.name);
      std::lock_guard lock(views_mutex_);
      views_ = std::move(views);
      origins_generation_.store(generation, std::memory_order_release);
    }
    if (!names(statement, table)) return {};
    {
      std::lock_guard lock(views_mutex_);
      for (const auto& view : views_)
        if (names(statement, view)) return {};
    }
    auto o = catalog_->column_origin("public", table, column);
    return o ? Origin{o->table_oid, o->column_id} : Origin{};
  }

 private:
  std::shared_ptr<pgwire::catalog::Catalog> catalog_;
  std::atomic<std::size_t> version_{0};
  std::atomic<std::uint64_t> origins_generation_{~std::uint64_t{0}};  // SchemaGeneration at origin()'s last refresh
  std::mutex views_mutex_;
  std::vector<std::string> views_;  // the views' names, at that refresh

  // Whether `sql` has `name` as a word (any case, quoted or not).
  static bool names(std::string_view sql, std::string_view name) {
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    if (name.empty() || sql.size() < name.size()) return false;
    for (std::size_t at = 0; at + name.size() <= sql.size(); ++at) {
      if (sqlite3_strnicmp(sql.data() + at, name.data(), static_cast<int>(name.size())) != 0) continue;
      bool starts = at == 0 || !word_char(sql[at - 1]);
      bool ends = at + name.size() == sql.size() || !word_char(sql[at + name.size()]);
      if (starts && ends) return true;
    }
    return false;
  }
};

}  // namespace sqlite_example
