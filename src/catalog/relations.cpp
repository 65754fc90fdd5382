// The catalog relations: created once per catalog database, refilled from
// each Description (relations.hpp). This file says what they are (their
// columns, pg_catalog's views, their OIDs) and in which order a fill writes
// them; the rows of each relation family are rows_*.cpp's (relation_rows.hpp).

#include "relations.hpp"

#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "catalog_types.hpp"
#include "relation_rows.hpp"

namespace pgwire::catalog_detail {
using namespace pgwire::catalog;

namespace {

struct RelationDef {
  std::string_view name;
  std::string_view columns;
};

constexpr RelationDef kRelations[] = {
#include "relation_columns.inc"
};

// pg_catalog's views, over the relations above (as PostgreSQL defines them,
// reduced to what this catalog stores).
constexpr std::string_view kViews[] = {
    "CREATE VIEW pg_roles AS SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,"
    " rolreplication, rolconnlimit, '********' AS rolpassword, rolvaliduntil, rolbypassrls,"
    " NULL AS rolconfig, oid FROM pg_authid",
    "CREATE VIEW pg_user AS SELECT rolname AS usename, oid AS usesysid, rolcreatedb AS usecreatedb,"
    " rolsuper AS usesuper, rolreplication AS userepl, rolbypassrls AS usebypassrls, '********' AS passwd,"
    " rolvaliduntil AS valuntil, NULL AS useconfig FROM pg_authid WHERE rolcanlogin",
    "CREATE VIEW pg_tables AS SELECT n.nspname AS schemaname, c.relname AS tablename,"
    " pg_get_userbyid(c.relowner) AS tableowner, NULL AS tablespace, c.relhasindex AS hasindexes,"
    " c.relhasrules AS hasrules, c.relhastriggers AS hastriggers, c.relrowsecurity AS rowsecurity"
    " FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')",
    "CREATE VIEW pg_views AS SELECT n.nspname AS schemaname, c.relname AS viewname,"
    " pg_get_userbyid(c.relowner) AS viewowner, pg_get_viewdef(c.oid) AS definition"
    " FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v'",
    "CREATE VIEW pg_matviews AS SELECT n.nspname AS schemaname, c.relname AS matviewname,"
    " pg_get_userbyid(c.relowner) AS matviewowner, NULL AS tablespace, c.relhasindex AS hasindexes,"
    " c.relispopulated AS ispopulated, pg_get_viewdef(c.oid) AS definition"
    " FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm'",
    "CREATE VIEW pg_indexes AS SELECT n.nspname AS schemaname, c.relname AS tablename, i.relname AS indexname,"
    " NULL AS tablespace, pg_get_indexdef(i.oid) AS indexdef FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid"
    " JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'm', 'p') AND i.relkind IN ('i', 'I')",
    "CREATE VIEW pg_seclabels AS SELECT objoid, classoid, objsubid, NULL AS objtype, NULL AS objnamespace,"
    " NULL AS objname, provider, label FROM pg_seclabel",
    "CREATE VIEW pg_sequences AS SELECT NULL AS schemaname, NULL AS sequencename WHERE 0",
    "CREATE VIEW pg_stat_activity AS SELECT NULL AS datid, NULL AS datname, NULL AS pid, NULL AS usename,"
    " NULL AS application_name, NULL AS state, NULL AS query WHERE 0",
    // Statistics the product does not keep: every table, with zero counts
    // (tools join them for comments and sizes: Sequelize's describeTable).
    "CREATE VIEW pg_statio_all_tables AS SELECT c.oid AS relid, n.nspname AS schemaname, c.relname,"
    " 0 AS heap_blks_read, 0 AS heap_blks_hit, 0 AS idx_blks_read, 0 AS idx_blks_hit, NULL AS toast_blks_read,"
    " NULL AS toast_blks_hit, NULL AS tidx_blks_read, NULL AS tidx_blks_hit FROM pg_class c"
    " LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 't', 'm')",
    "CREATE VIEW pg_statio_user_tables AS SELECT * FROM pg_statio_all_tables"
    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_toast%' ESCAPE '\\'",
    "CREATE VIEW pg_stat_all_tables AS SELECT c.oid AS relid, n.nspname AS schemaname, c.relname,"
    " 0 AS seq_scan, 0 AS seq_tup_read, 0 AS idx_scan, 0 AS idx_tup_fetch, 0 AS n_tup_ins, 0 AS n_tup_upd,"
    " 0 AS n_tup_del, 0 AS n_tup_hot_upd, 0 AS n_live_tup, 0 AS n_dead_tup, 0 AS n_mod_since_analyze,"
    " 0 AS n_ins_since_vacuum, NULL AS last_vacuum, NULL AS last_autovacuum, NULL AS last_analyze,"
    " NULL AS last_autoanalyze, 0 AS vacuum_count, 0 AS autovacuum_count, 0 AS analyze_count,"
    " 0 AS autoanalyze_count FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 't', 'm', 'p')",
    "CREATE VIEW pg_stat_user_tables AS SELECT * FROM pg_stat_all_tables"
    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_toast%' ESCAPE '\\'",
};

// Column types of the views above that no relation has.
constexpr std::pair<std::string_view, std::string_view> kViewColumns[] = {
    {"rolconfig", "_text"}, {"usename", "name"}, {"usesysid", "oid"}, {"usecreatedb", "bool"},
    {"usesuper", "bool"}, {"userepl", "bool"}, {"usebypassrls", "bool"}, {"passwd", "text"},
    {"valuntil", "timestamptz"}, {"useconfig", "_text"}, {"schemaname", "name"}, {"tablename", "name"},
    {"tableowner", "name"}, {"tablespace", "name"}, {"hasindexes", "bool"}, {"hasrules", "bool"},
    {"hastriggers", "bool"}, {"rowsecurity", "bool"}, {"viewname", "name"}, {"viewowner", "name"},
    {"definition", "text"}, {"indexname", "name"}, {"indexdef", "text"}, {"matviewname", "name"},
    {"matviewowner", "name"}, {"ispopulated", "bool"}, {"sequencename", "name"},
    {"objtype", "text"}, {"objnamespace", "oid"}, {"objname", "text"}, {"relid", "oid"},
    {"heap_blks_read", "int8"}, {"heap_blks_hit", "int8"}, {"idx_blks_read", "int8"}, {"idx_blks_hit", "int8"},
    {"toast_blks_read", "int8"}, {"toast_blks_hit", "int8"}, {"tidx_blks_read", "int8"}, {"tidx_blks_hit", "int8"},
    {"seq_scan", "int8"}, {"seq_tup_read", "int8"}, {"idx_scan", "int8"}, {"idx_tup_fetch", "int8"},
    {"n_tup_ins", "int8"}, {"n_tup_upd", "int8"}, {"n_tup_del", "int8"}, {"n_tup_hot_upd", "int8"},
    {"n_live_tup", "int8"}, {"n_dead_tup", "int8"}, {"n_mod_since_analyze", "int8"}, {"n_ins_since_vacuum", "int8"},
    {"last_vacuum", "timestamptz"}, {"last_autovacuum", "timestamptz"}, {"last_analyze", "timestamptz"},
    {"last_autoanalyze", "timestamptz"}, {"vacuum_count", "int8"}, {"autovacuum_count", "int8"},
    {"analyze_count", "int8"}, {"autoanalyze_count", "int8"},
};

std::vector<std::pair<std::string, std::string>> split_columns(std::string_view columns) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos < columns.size()) {
    auto end = columns.find(',', pos);
    if (end == std::string_view::npos) end = columns.size();
    auto item = columns.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto space = item.find(' ');
    out.emplace_back(std::string(item.substr(0, space)), std::string(item.substr(space + 1)));
    pos = end + 1;
  }
  return out;
}

const std::unordered_map<std::string, Oid>& column_types() {
  static const auto map = [] {
    std::unordered_map<std::string, Oid> m;
    for (const auto& r : kRelations)
      for (const auto& [name, type] : split_columns(r.columns)) {
        const auto* t = find_catalog_type(type == "char" ? "char" : type);
        m.emplace(name, t ? t->oid : oid::text);
      }
    for (const auto& [name, type] : kViewColumns) {
      const auto* t = find_catalog_type(type);
      m.emplace(std::string(name), t ? t->oid : oid::text);
    }
    return m;
  }();
  return map;
}

// The catalog's own relations, so that 'pg_class'::regclass and \\dS pg_class
// work: in pg_class and pg_attribute, with the columns SQLite declares.
void fill_catalog_relations(Fill& f) {
  sqlite3* db = f.db;
  auto add_relation = [&](std::string_view full_name, Oid o, char kind) {
    bool info = full_name.starts_with("information_schema.");
    std::string name(info ? full_name.substr(19) : full_name);
    Oid nsp = info ? information_schema_namespace : pg_catalog_namespace;
    f.s.classes[o] = {nsp, name, kind};
    std::vector<std::pair<std::string, std::string>> columns;
    sqlite3_stmt* st = nullptr;
    auto sql = fmt::format("SELECT name, type FROM {}.pragma_table_info('{}')", info ? "information_schema" : "main", name);
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW) {
        const char* type = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), type ? type : "");
      }
    sqlite3_finalize(st);
    insert(db, "pg_class", {{"oid", o}, {"relname", name}, {"relnamespace", nsp}, {"relowner", bootstrap_role},
                            {"relam", kind == 'v' ? 0 : 2}, {"relfilenode", kind == 'v' ? 0 : o}, {"reltuples", -1},
                            {"relpersistence", std::string("p")}, {"relkind", std::string(1, kind)},
                            {"relnatts", static_cast<std::int64_t>(columns.size())}, {"relispopulated", 1},
                            {"relreplident", std::string(kind == 'v' ? "n" : "d")}});
    std::int64_t attnum = 0;
    for (const auto& [column, declared] : columns) {
      const auto* t = declared.empty() ? nullptr : find_catalog_type(declared);
      Oid type = t ? t->oid : catalog_column_type(column);
      if (type == 0) type = oid::text;
      insert(db, "pg_attribute", {{"attrelid", o}, {"attname", column}, {"atttypid", type},
                                  {"attlen", catalog_type_size(type)}, {"attnum", ++attnum}, {"attcacheoff", -1},
                                  {"atttypmod", -1}, {"attnotnull", b(!info && kind == 'r' && catalog_type_size(type) > 0)},
                                  {"attislocal", 1}, {"attcollation", collatable(type) ? 100 : type == oid::name ? 950 : 0}});
    }
  };
  Oid next_catalog_oid = 12000;
  for (const auto& r : kRelations) {
    auto known = relation_oid(r.name);
    add_relation(r.name, known ? *known : next_catalog_oid++, 'r');
  }
  for (auto v : kViews) {
    auto name = v.substr(12, v.find(' ', 12) - 12);  // "CREATE VIEW <name> AS ..."
    add_relation(name, next_catalog_oid++, 'v');
  }
}

}  // namespace

std::optional<std::string> sequence_of_default(std::string_view expr) {
  constexpr std::string_view call = "nextval('", end = "'::regclass)";
  if (!expr.starts_with(call) || !expr.ends_with(end) || expr.size() <= call.size() + end.size()) return std::nullopt;
  return std::string(expr.substr(call.size(), expr.size() - call.size() - end.size()));
}

std::string quote_ident(std::string_view name) {
  bool plain = !name.empty() && (name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'));
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) plain = false;
  static constexpr std::string_view reserved[] = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "both", "case", "cast", "check",
      "collate", "column", "constraint", "create", "default", "desc", "distinct", "do", "else", "end",
      "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "into",
      "leading", "limit", "not", "null", "offset", "on", "only", "or", "order", "primary", "references",
      "select", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "when",
      "where", "window", "with"};
  for (auto r : reserved)
    if (name == r) plain = false;
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// The OIDs of the catalog relations, for their tableoid system column.
std::optional<Oid> relation_oid(std::string_view name) noexcept {
  static constexpr std::pair<std::string_view, Oid> kOids[] = {
      {"pg_class", 1259}, {"pg_proc", 1255}, {"pg_type", 1247}, {"pg_attribute", 1249},
      {"pg_namespace", 2615}, {"pg_constraint", 2606}, {"pg_database", 1262}, {"pg_language", 2612},
      {"pg_opclass", 2616}, {"pg_opfamily", 2753}, {"pg_am", 2601}, {"pg_rewrite", 2618},
      {"pg_trigger", 2620}, {"pg_collation", 3456}, {"pg_operator", 2617}, {"pg_ts_config", 3602},
      {"pg_ts_dict", 3600}, {"pg_ts_parser", 3601}, {"pg_ts_template", 3764}, {"pg_conversion", 2607},
      {"pg_cast", 2605}, {"pg_extension", 3079}, {"pg_event_trigger", 3466}, {"pg_policy", 3256},
      {"pg_attrdef", 2604}, {"pg_authid", 1260}, {"pg_roles", 1260}, {"pg_tablespace", 1213},
      {"pg_statistic_ext", 3381}, {"pg_publication", 6104}, {"pg_subscription", 6100},
      {"pg_foreign_server", 1417}, {"pg_foreign_data_wrapper", 2328}, {"pg_largeobject_metadata", 2995},
      {"pg_aggregate", 2600}, {"pg_enum", 3501}, {"pg_index", 2610}, {"pg_default_acl", 826},
      {"pg_transform", 3576}, {"pg_user_mapping", 1418}, {"pg_auth_members", 1261},
      {"pg_publication_rel", 6106}, {"pg_publication_namespace", 6237}, {"pg_seclabel", 3596}};
  for (const auto& [n, o] : kOids)
    if (n == name) return o;
  return std::nullopt;
}

Oid catalog_column_type(std::string_view column) noexcept {
  const auto& m = column_types();
  auto it = m.find(std::string(column));
  return it == m.end() ? 0 : it->second;
}

bool is_catalog_relation(std::string_view name) noexcept {
  for (const auto& r : kRelations)
    if (r.name == name) return true;
  for (std::string_view v : {"pg_roles", "pg_user", "pg_tables", "pg_views", "pg_matviews", "pg_indexes",
                             "pg_sequences", "pg_stat_activity", "pg_statio_all_tables", "pg_statio_user_tables",
                             "pg_stat_all_tables", "pg_stat_user_tables"})
    if (v == name) return true;
  return false;
}

void create_relations(sqlite3* db) {
  exec(db, "ATTACH DATABASE ':memory:' AS information_schema");
  for (const auto& r : kRelations) {
    std::string cols;
    bool info = r.name.starts_with("information_schema.");
    for (const auto& [name, type] : split_columns(r.columns)) {
      if (!cols.empty()) cols += ", ";
      // PostgreSQL's catalog columns are NOT NULL except the variable-length
      // ones: 0 / false / '' unless a row says otherwise.
      std::string_view dflt;
      if (!info) {
        if (type == "char") {
          dflt = " DEFAULT ''";
        } else if (type == "bool" || type == "oid" || type.starts_with("int") || type.starts_with("float") ||
                   type == "xid" || type == "regproc") {
          if (type != "int2vector") dflt = " DEFAULT 0";
        }
      }
      // The OID is the rowid: rows are kept (and scanned) in OID order, as
      // PostgreSQL's catalogs mostly are, and joins on it are lookups.
      if (name == "oid" && cols.empty() && !info) {
        cols += "oid INTEGER PRIMARY KEY";
        continue;
      }
      cols += fmt::format("{} \"{}\"{}", name, type, dflt);
    }
    exec(db, fmt::format("CREATE TABLE {}({})", r.name, cols));
  }
  for (auto v : kViews) exec(db, std::string(v));
}

Snapshot fill_relations(sqlite3* db, const catalog::Description& d, RelationOids& relations) {
  InsertCache cache;
  for (const auto& r : kRelations) exec(db, fmt::format("DELETE FROM {}", r.name));
  Fill f(db, d, relations);
  f.s.database = d.database;
  f.s.owner = d.owner;
  // In this order: each family takes the next OIDs.
  fill_initdb_rows(f);
  fill_namespaces(f);
  fill_catalog_relations(f);
  fill_builtin_functions(f);
  fill_builtin_types(f);
  fill_enums(f);
  fill_tables(f);
  fill_sequences(f);
  fill_constraints(f);
  fill_functions(f);
  fill_descriptions(f);
  relations.by_name = f.class_oids;
  for (const auto& [name, oid] : f.class_oids) relations.handed_out.insert(oid);
  return std::move(f.s);
}

}  // namespace pgwire::catalog_detail
