// The catalog relations: created once per catalog database, refilled from
// each Description (relations.hpp).

#include "relations.hpp"

#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>

#include "catalog_types.hpp"
#include "type_io_functions.hpp"

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
    {"objtype", "text"}, {"objnamespace", "oid"}, {"objname", "text"},
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

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("catalog: " + message + " in: " + sql);
  }
}

using Value = std::variant<std::monostate, std::int64_t, std::string>;

// INSERT INTO relation(columns...) VALUES(...): columns not named keep
// their defaults (0, '' or NULL as in relations.cpp's CREATE TABLE).
// Prepared INSERTs, reused across rows (a fill makes a few thousand).
struct InsertCache {
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;
  ~InsertCache() {
    for (auto& [sql, s] : statements) sqlite3_finalize(s);
  }
};
thread_local InsertCache* insert_cache = nullptr;

// INSERT INTO relation(columns...) VALUES(...): columns not named keep
// their defaults (0, '' or NULL as in relations.cpp's CREATE TABLE).
void insert(sqlite3* db, std::string_view relation, std::initializer_list<std::pair<std::string_view, Value>> values) {
  std::string cols, marks;
  for (const auto& [name, v] : values) {
    if (!cols.empty()) {
      cols += ", ";
      marks += ", ";
    }
    cols += name;
    marks += '?';
  }
  auto sql = fmt::format("INSERT INTO {}({}) VALUES({})", relation, cols, marks);
  sqlite3_stmt* s = nullptr;
  if (insert_cache) {
    if (auto it = insert_cache->statements.find(sql); it != insert_cache->statements.end()) s = it->second;
  }
  if (s == nullptr) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("catalog: ") + sqlite3_errmsg(db) + " in: " + sql);
    if (insert_cache) insert_cache->statements.emplace(sql, s);
  }
  int i = 1;
  for (const auto& [name, v] : values) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(s, i, *n);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(s, i, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(s, i);
    }
    ++i;
  }
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (!insert_cache) sqlite3_finalize(s);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("catalog: ") + sqlite3_errmsg(db) + " in: " + sql);
}

std::int64_t b(bool v) { return v ? 1 : 0; }
std::string ch(char c) { return c ? std::string(1, c) : std::string(); }

template <class T>
std::string join(const std::vector<T>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += fmt::format("{}", i);
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += quote_ident(n);
  }
  return out;
}

// pg_type.typstorage: numeric is kept inline ('m'), other varlenas extended.
std::string storage(Oid t) {
  if (t == oid::numeric) return "m";
  return catalog_type_size(t) == -1 ? "x" : "p";
}

bool collatable(Oid t) { return t == oid::text || t == oid::varchar || t == oid::bpchar; }

}  // namespace

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
                             "pg_sequences", "pg_stat_activity"})
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

Snapshot fill_relations(sqlite3* db, const catalog::Description& d) {
  InsertCache cache;
  insert_cache = &cache;
  struct Reset {
    ~Reset() { insert_cache = nullptr; }
  } reset;
  {
    for (const auto& r : kRelations) exec(db, fmt::format("DELETE FROM {}", r.name));
    Snapshot s;
    s.database = d.database;
    s.owner = d.owner;
    Oid next = 16384;

    // Roles: the owner (as the bootstrap superuser) and pg_database_owner.
    s.roles[bootstrap_role] = d.owner;
    s.roles[database_owner_role] = "pg_database_owner";
    insert(db, "pg_authid", {{"oid", bootstrap_role}, {"rolname", d.owner}, {"rolsuper", 1}, {"rolinherit", 1},
                             {"rolcreaterole", 1}, {"rolcreatedb", 1}, {"rolcanlogin", 1}, {"rolreplication", 1},
                             {"rolbypassrls", 1}, {"rolconnlimit", -1}});
    insert(db, "pg_authid", {{"oid", database_owner_role}, {"rolname", std::string("pg_database_owner")},
                             {"rolinherit", 1}, {"rolconnlimit", -1}});
    insert(db, "pg_database", {{"oid", s.database_oid}, {"datname", d.database}, {"datdba", bootstrap_role},
                               {"encoding", 6}, {"datlocprovider", std::string("c")}, {"datallowconn", 1},
                               {"datconnlimit", -1}, {"dattablespace", 1663}, {"datcollate", std::string("C")},
                               {"datctype", std::string("C")}});
    insert(db, "pg_tablespace", {{"oid", 1663}, {"spcname", std::string("pg_default")}, {"spcowner", bootstrap_role}});
    insert(db, "pg_tablespace", {{"oid", 1664}, {"spcname", std::string("pg_global")}, {"spcowner", bootstrap_role}});
    for (auto [o, name, type] : {std::tuple<Oid, const char*, const char*>{2, "heap", "t"}, {403, "btree", "i"},
                                 {405, "hash", "i"}, {783, "gist", "i"}, {2742, "gin", "i"}, {4000, "spgist", "i"},
                                 {3580, "brin", "i"}})
      insert(db, "pg_am", {{"oid", o}, {"amname", std::string(name)}, {"amtype", std::string(type)}});
    for (auto [o, name, provider] : {std::tuple<Oid, const char*, const char*>{100, "default", "d"},
                                     {950, "C", "c"}, {951, "POSIX", "c"}})
      insert(db, "pg_collation", {{"oid", o}, {"collname", std::string(name)}, {"collnamespace", pg_catalog_namespace},
                                  {"collowner", bootstrap_role}, {"collprovider", std::string(provider)},
                                  {"collisdeterministic", 1}, {"collencoding", -1}});
    for (auto [o, name] : {std::pair<Oid, const char*>{12, "internal"}, {13, "c"}, {14, "sql"}})
      insert(db, "pg_language", {{"oid", o}, {"lanname", std::string(name)}, {"lanowner", bootstrap_role}});

    // The settings drivers read from pg_settings.
    for (auto [name, value] : {std::pair<const char*, const char*>{"max_index_keys", "32"},
                               {"max_identifier_length", "63"}, {"block_size", "8192"},
                               {"server_encoding", "UTF8"}, {"integer_datetimes", "on"},
                               {"max_function_args", "100"}})
      insert(db, "pg_settings", {{"name", std::string(name)}, {"setting", std::string(value)},
                                 {"context", std::string("internal")}, {"vartype", std::string("integer")},
                                 {"source", std::string("default")}, {"boot_val", std::string(value)},
                                 {"reset_val", std::string(value)}, {"pending_restart", 0}});

    // Namespaces.
    auto add_namespace = [&](Oid o, const std::string& name, Oid owner) {
      s.namespaces[o] = name;
      if (o == public_namespace) {  // as initdb makes it
        insert(db, "pg_namespace", {{"oid", o}, {"nspname", name}, {"nspowner", owner},
                                    {"nspacl", std::string("{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}")}});
        s.comments[{o, pg_namespace_oid, 0}] = "standard public schema";
        return;
      }
      insert(db, "pg_namespace", {{"oid", o}, {"nspname", name}, {"nspowner", owner}});
    };
    add_namespace(pg_catalog_namespace, "pg_catalog", bootstrap_role);
    add_namespace(99, "pg_toast", bootstrap_role);
    add_namespace(information_schema_namespace, "information_schema", bootstrap_role);
    std::map<std::string, Oid> schema_oids{{"pg_catalog", pg_catalog_namespace},
                                           {"information_schema", information_schema_namespace}};
    auto schema_oid = [&](const std::string& name) {
      if (auto it = schema_oids.find(name); it != schema_oids.end()) return it->second;
      Oid o = name == "public" ? public_namespace : next++;
      add_namespace(o, name, name == "public" ? database_owner_role : bootstrap_role);
      schema_oids[name] = o;
      return o;
    };
    for (const auto& name : d.schemas) schema_oid(name);

    // The catalog's own relations, so that 'pg_class'::regclass and \\dS pg_class work.
    auto add_relation = [&](std::string_view full_name, Oid o, char kind) {
      bool info = full_name.starts_with("information_schema.");
      std::string name(info ? full_name.substr(19) : full_name);
      Oid nsp = info ? information_schema_namespace : pg_catalog_namespace;
      s.classes[o] = {nsp, name, kind};
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

    // Built-in types, and the I/O functions pg_type names (type_io_functions.hpp).
    for (const auto& f : builtin_procs()) {
      s.procs[f.oid] = {pg_catalog_namespace, f.name, format_type(f.result_type, -1), format_type(f.argument_type, -1)};
      insert(db, "pg_proc", {{"oid", f.oid}, {"proname", f.name}, {"pronamespace", pg_catalog_namespace},
                             {"proowner", bootstrap_role}, {"prolang", 12}, {"procost", 1}, {"prokind", std::string("f")},
                             {"proisstrict", 1}, {"provolatile", std::string(f.argument_type == catoid::cstring ? "s" : "i")},
                             {"proparallel", std::string("s")}, {"pronargs", 1}, {"prorettype", f.result_type},
                             {"proargtypes", std::to_string(f.argument_type)}, {"prosrc", f.name}});
    }
    for (const auto& t : catalog_types()) {
      TypeIoFunctions io = type_io_functions(t);
      bool byval = t.typlen > 0 && t.typlen <= 8 && t.oid != oid::uuid && t.oid != oid::interval &&
                   t.oid != oid::timetz && t.oid != oid::name && t.oid != catoid::tid && t.oid != catoid::aclitem;
      insert(db, "pg_type", {{"oid", t.oid}, {"typname", std::string(t.name)}, {"typnamespace", pg_catalog_namespace},
                             {"typowner", bootstrap_role}, {"typlen", t.typlen}, {"typbyval", b(byval)},
                             {"typtype", ch(t.typtype)}, {"typcategory", ch(t.category)}, {"typisdefined", 1},
                             {"typdelim", std::string(",")}, {"typelem", t.element}, {"typarray", t.array},
                             {"typalign", std::string(t.typlen == 8 ? "d" : t.typlen == 2 ? "s" : t.typlen == 1 ? "c" : "i")},
                             {"typstorage", storage(t.oid)},
                             {"typcollation", collatable(t.oid) ? 100 : t.oid == oid::name ? 950 : 0},
                             {"typinput", io.input}, {"typoutput", io.output}, {"typreceive", io.receive},
                             {"typsend", io.send}});
    }

    // Tables and views: classes, row types, columns, defaults, keys, indexes.
    std::map<std::pair<std::string, std::string>, Oid> class_oids;
    for (const auto& t : d.tables) class_oids[{t.schema, t.name}] = next++;
    std::map<Oid, Oid> primary_index;  // table -> its primary key's index
    auto attnum_of = [&](const TableInfo& t, const std::string& column) -> int {
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i].name == column) return static_cast<int>(i + 1);
      throw std::runtime_error("catalog: table " + t.name + " has no column " + column);
    };
    auto table_of = [&](const std::string& schema, const std::string& name) -> const TableInfo* {
      for (const auto& t : d.tables)
        if (t.schema == schema && t.name == name) return &t;
      return nullptr;
    };
    auto qualified = [&](const TableInfo& t) { return quote_ident(t.schema) + "." + quote_ident(t.name); };
    struct PendingIndex {
      std::string name;
      std::vector<std::string> columns;
      bool unique, primary;
      char constraint;  // 'p', 'u' or 0
    };
    // PostgreSQL implements foreign keys with triggers on both tables, and
    // psql shows foreign keys only for tables with relhastriggers.
    std::set<std::pair<std::string, std::string>> with_triggers;
    for (const auto& t : d.tables)
      for (const auto& fk : t.foreign_keys) {
        with_triggers.insert({t.schema, t.name});
        with_triggers.insert({fk.ref_schema.empty() ? t.schema : fk.ref_schema, fk.ref_table});
      }
    for (const auto& t : d.tables) {
      Oid rel = class_oids[{t.schema, t.name}];
      Oid nsp = schema_oid(t.schema);
      bool view = t.kind == TableInfo::Kind::view;
      std::vector<PendingIndex> indexes;
      if (!t.primary_key.empty())
        indexes.push_back({t.primary_key_name.empty() ? t.name + "_pkey" : t.primary_key_name, t.primary_key, true,
                           true, 'p'});
      for (const auto& u : t.uniques)
        indexes.push_back({u.name.empty() ? t.name + "_" + join(u.columns, "_") + "_key" : u.name, u.columns, true,
                           false, 'u'});
      for (const auto& i : t.indexes) indexes.push_back({i.name, i.columns, i.unique, false, 0});

      // Its row type and that type's array, as CREATE TABLE makes them.
      Oid rowtype = next++, rowtype_array = next++;
      s.classes[rel] = {nsp, t.name, view ? 'v' : 'r'};
      s.type_namespaces[rowtype] = nsp;
      s.type_names[rowtype] = t.name;
      s.type_namespaces[rowtype_array] = nsp;
      s.type_names[rowtype_array] = "_" + t.name;
      insert(db, "pg_type", {{"oid", rowtype}, {"typname", t.name}, {"typnamespace", nsp}, {"typowner", bootstrap_role},
                             {"typlen", -1}, {"typtype", std::string("c")}, {"typcategory", std::string("C")},
                             {"typisdefined", 1}, {"typdelim", std::string(",")}, {"typrelid", rel},
                             {"typarray", rowtype_array}, {"typalign", std::string("d")},
                             {"typstorage", std::string("x")}, {"typinput", record_io_functions().input},
                             {"typoutput", record_io_functions().output}, {"typreceive", record_io_functions().receive},
                             {"typsend", record_io_functions().send}});
      insert(db, "pg_type", {{"oid", rowtype_array}, {"typname", "_" + t.name}, {"typnamespace", nsp},
                             {"typowner", bootstrap_role}, {"typlen", -1}, {"typtype", std::string("b")},
                             {"typcategory", std::string("A")}, {"typisdefined", 1}, {"typdelim", std::string(",")},
                             {"typelem", rowtype}, {"typalign", std::string("d")}, {"typstorage", std::string("x")},
                             {"typinput", array_io_functions().input}, {"typoutput", array_io_functions().output},
                             {"typreceive", array_io_functions().receive}, {"typsend", array_io_functions().send}});
      insert(db, "pg_class", {{"oid", rel}, {"relname", t.name}, {"relnamespace", nsp}, {"reltype", rowtype},
                              {"relowner", bootstrap_role}, {"relam", view ? 0 : 2}, {"relfilenode", view ? 0 : rel},
                              {"reltuples", -1}, {"relhasindex", b(!indexes.empty())},
                              {"relpersistence", std::string("p")}, {"relkind", std::string(view ? "v" : "r")},
                              {"relnatts", static_cast<std::int64_t>(t.columns.size())},
                              {"relhasrules", b(view)}, {"relhastriggers", b(with_triggers.count({t.schema, t.name}) > 0)},
                              {"relispopulated", 1},
                              {"relreplident", std::string(view ? "n" : "d")}});
      if (view) s.view_defs[rel] = t.view_definition;
      if (!t.comment.empty()) s.comments[{rel, pg_class_oid, 0}] = t.comment;
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        const auto& c = t.columns[i];
        auto attnum = static_cast<std::int64_t>(i + 1);
        insert(db, "pg_attribute",
               {{"attrelid", rel}, {"attname", c.name}, {"atttypid", c.type}, {"attstattarget", -1},
                {"attlen", catalog_type_size(c.type)}, {"attnum", attnum}, {"attcacheoff", -1},
                {"atttypmod", c.typmod}, {"attndims", find_catalog_type(c.type) && find_catalog_type(c.type)->category == 'A' ? 1 : 0},
                {"attalign", std::string("i")}, {"attstorage", storage(c.type)},
                {"attnotnull", b(c.not_null)}, {"atthasdef", b(c.default_expr.has_value())}, {"attislocal", 1},
                {"attcollation", collatable(c.type) ? 100 : 0}});
        if (c.default_expr)
          insert(db, "pg_attrdef", {{"oid", next++}, {"adrelid", rel}, {"adnum", attnum}, {"adbin", *c.default_expr}});
        if (!c.comment.empty()) s.comments[{rel, pg_class_oid, static_cast<int>(attnum)}] = c.comment;
      }
      for (const auto& ix : indexes) {
        Oid io = next++;
        std::vector<int> keys;
        for (const auto& col : ix.columns) keys.push_back(attnum_of(t, col));
        s.classes[io] = {nsp, ix.name, 'i'};
        s.index_columns[io] = ix.columns;
        s.index_defs[io] = fmt::format("CREATE {}INDEX {} ON {} USING btree ({})", ix.unique ? "UNIQUE " : "",
                                       quote_ident(ix.name), qualified(t), quoted_list(ix.columns));
        // A new index has one page (its metapage) and counts its rows: 0.
        insert(db, "pg_class", {{"oid", io}, {"relname", ix.name}, {"relnamespace", nsp}, {"relowner", bootstrap_role},
                                {"relam", 403}, {"relfilenode", io}, {"reltuples", 0}, {"relpages", 1},
                                {"relpersistence", std::string("p")}, {"relkind", std::string("i")},
                                {"relnatts", static_cast<std::int64_t>(keys.size())}, {"relispopulated", 1},
                                {"relreplident", std::string("n")}});
        for (std::size_t k = 0; k < ix.columns.size(); ++k) {
          const auto& c = t.columns[static_cast<std::size_t>(keys[k] - 1)];
          insert(db, "pg_attribute", {{"attrelid", io}, {"attname", c.name}, {"atttypid", c.type},
                                      {"attstattarget", -1}, {"attlen", catalog_type_size(c.type)},
                                      {"attnum", static_cast<std::int64_t>(k + 1)}, {"attcacheoff", -1},
                                      {"atttypmod", c.typmod}, {"attnotnull", b(c.not_null)}, {"attislocal", 1},
                                      {"attcollation", collatable(c.type) ? 100 : 0}});
        }
        std::string zeros;
        for (std::size_t k = 0; k < keys.size(); ++k) zeros += k ? " 0" : "0";
        insert(db, "pg_index", {{"indexrelid", io}, {"indrelid", rel}, {"indnatts", static_cast<std::int64_t>(keys.size())},
                                {"indnkeyatts", static_cast<std::int64_t>(keys.size())}, {"indisunique", b(ix.unique)},
                                {"indisprimary", b(ix.primary)}, {"indimmediate", 1}, {"indisvalid", 1},
                                {"indisready", 1}, {"indislive", 1}, {"indkey", join(keys, " ")},
                                {"indcollation", zeros}, {"indclass", zeros}, {"indoption", zeros}});
        if (ix.primary) primary_index[rel] = io;
        if (ix.constraint) {
          Oid co = next++;
          s.constraint_defs[co] = fmt::format("{} ({})", ix.primary ? "PRIMARY KEY" : "UNIQUE", quoted_list(ix.columns));
          insert(db, "pg_constraint", {{"oid", co}, {"conname", ix.name}, {"connamespace", nsp},
                                       {"contype", std::string(1, ix.constraint)}, {"convalidated", 1},
                                       {"conrelid", rel}, {"conindid", io}, {"conislocal", 1}, {"connoinherit", 1},
                                       {"conkey", "{" + join(keys, ",") + "}"}});
        }
      }
    }
    // Foreign keys, once every table's primary key index is known.
    for (const auto& t : d.tables) {
      Oid rel = class_oids[{t.schema, t.name}];
      Oid nsp = schema_oid(t.schema);
      for (const auto& fk : t.foreign_keys) {
        std::string ref_schema = fk.ref_schema.empty() ? t.schema : fk.ref_schema;
        const TableInfo* ref = table_of(ref_schema, fk.ref_table);
        if (ref == nullptr) continue;  // a dangling reference: PostgreSQL would have refused it
        Oid ref_rel = class_oids[{ref_schema, fk.ref_table}];
        std::vector<std::string> ref_columns = fk.ref_columns.empty() ? ref->primary_key : fk.ref_columns;
        std::vector<int> keys, ref_keys;
        for (const auto& c : fk.columns) keys.push_back(attnum_of(t, c));
        for (const auto& c : ref_columns) ref_keys.push_back(attnum_of(*ref, c));
        Oid co = next++;
        std::string name = fk.name.empty() ? t.name + "_" + join(fk.columns, "_") + "_fkey" : fk.name;
        // The referenced table is qualified when its schema is not on the search path.
        std::string target = ref_schema == "public" ? quote_ident(fk.ref_table) : qualified(*ref);
        std::string def = fmt::format("FOREIGN KEY ({}) REFERENCES {}({})", quoted_list(fk.columns), target,
                                      quoted_list(ref_columns));
        auto action = [](char a) -> std::string_view {
          switch (a) {
            case 'r': return "RESTRICT";
            case 'c': return "CASCADE";
            case 'n': return "SET NULL";
            case 'd': return "SET DEFAULT";
            default: return {};
          }
        };
        if (!action(fk.on_update).empty()) def += fmt::format(" ON UPDATE {}", action(fk.on_update));
        if (!action(fk.on_delete).empty()) def += fmt::format(" ON DELETE {}", action(fk.on_delete));
        s.constraint_defs[co] = def;
        auto pi = primary_index.find(ref_rel);
        insert(db, "pg_constraint", {{"oid", co}, {"conname", name}, {"connamespace", nsp}, {"contype", std::string("f")},
                                     {"convalidated", 1}, {"conrelid", rel},
                                     {"conindid", pi == primary_index.end() ? 0 : pi->second}, {"confrelid", ref_rel},
                                     {"confupdtype", ch(fk.on_update)}, {"confdeltype", ch(fk.on_delete)},
                                     {"confmatchtype", std::string("s")}, {"conislocal", 1}, {"connoinherit", 1},
                                     {"conkey", "{" + join(keys, ",") + "}"},
                                     {"confkey", "{" + join(ref_keys, ",") + "}"}});
      }
    }
    // Functions.
    for (const auto& f : d.functions) {
      Oid po = next++;
      Oid nsp = schema_oid(f.schema);
      std::vector<std::string> args;
      for (std::size_t i = 0; i < f.argument_types.size(); ++i) {
        std::string type = format_type(f.argument_types[i], -1);
        args.push_back(i < f.argument_names.size() && !f.argument_names[i].empty()
                           ? quote_ident(f.argument_names[i]) + " " + type
                           : type);
      }
      s.procs[po] = {nsp, f.name, f.kind == 'p' ? std::string() : format_type(f.result_type, -1), join(args, ", ")};
      std::string names;
      if (!f.argument_names.empty()) names = "{" + join(f.argument_names, ",") + "}";
      insert(db, "pg_proc", {{"oid", po}, {"proname", f.name}, {"pronamespace", nsp}, {"proowner", bootstrap_role},
                             {"prolang", 14}, {"procost", 100}, {"prokind", ch(f.kind)}, {"proisstrict", 1},
                             {"provolatile", std::string("v")}, {"proparallel", std::string("u")},
                             {"pronargs", static_cast<std::int64_t>(f.argument_types.size())},
                             {"prorettype", f.kind == 'p' ? 0 : f.result_type},
                             {"proargtypes", join(f.argument_types, " ")},
                             {"proargnames", names.empty() ? Value{} : Value{names}}, {"prosrc", f.name}});
      if (!f.comment.empty()) s.comments[{po, pg_proc_oid, 0}] = f.comment;
    }
    for (const auto& [key, text] : s.comments) {
      auto [objoid, classoid, subid] = key;
      insert(db, "pg_description", {{"objoid", objoid}, {"classoid", classoid}, {"objsubid", subid}, {"description", text}});
    }
    return s;
  }
}

void fill_information_schema(sqlite3* db, const std::string& database) {
  const std::string& name = database;
  {
    exec(db, fmt::format(
                 "INSERT INTO information_schema.schemata(catalog_name, schema_name, schema_owner) "
                 "SELECT '{}', nspname, pg_get_userbyid(nspowner) FROM pg_namespace",
                 name));
    exec(db, fmt::format(
                 "INSERT INTO information_schema.tables(table_catalog, table_schema, table_name, table_type, "
                 "is_insertable_into, is_typed) SELECT '{}', n.nspname, c.relname, "
                 "CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'BASE TABLE' END, "
                 "CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END, 'NO' "
                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'p')",
                 name));
    exec(db, fmt::format(
                 "INSERT INTO information_schema.columns(table_catalog, table_schema, table_name, column_name, "
                 "ordinal_position, column_default, is_nullable, data_type, character_maximum_length, "
                 "numeric_precision, numeric_precision_radix, numeric_scale, udt_catalog, udt_schema, udt_name, dtd_identifier, "
                 "is_self_referencing, is_identity, is_generated, is_updatable) "
                 "SELECT '{0}', n.nspname, c.relname, a.attname, a.attnum, ad.adbin, "
                 "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, pgw_information_schema_type(a.atttypid), "
                 "CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 0 THEN a.atttypmod - 4 END, "
                 "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN ((a.atttypmod - 4) >> 16) & 65535 "
                 "WHEN a.atttypid = 21 THEN 16 WHEN a.atttypid = 23 THEN 32 WHEN a.atttypid = 20 THEN 64 "
                 "WHEN a.atttypid = 700 THEN 24 WHEN a.atttypid = 701 THEN 53 END, "
                 "CASE WHEN a.atttypid = 1700 THEN 10 WHEN a.atttypid IN (20, 21, 23, 700, 701) THEN 2 END, "
                 "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535 "
                 "WHEN a.atttypid IN (20, 21, 23) THEN 0 END, "
                 "'{0}', 'pg_catalog', t.typname, a.attnum, 'NO', 'NO', 'NEVER', "
                 "CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END "
                 "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "LEFT JOIN pg_type t ON t.oid = a.atttypid "
                 "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
                 "WHERE c.relkind IN ('r', 'v', 'p') AND a.attnum > 0",
                 name));
    exec(db, fmt::format(
                 "INSERT INTO information_schema.views(table_catalog, table_schema, table_name, view_definition, "
                 "check_option, is_updatable, is_insertable_into, is_trigger_updatable, is_trigger_deletable, "
                 "is_trigger_insertable_into) SELECT '{}', n.nspname, c.relname, pg_get_viewdef(c.oid), 'NONE', "
                 "'NO', 'NO', 'NO', 'NO', 'NO' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE c.relkind = 'v'",
                 name));
  }
}

}  // namespace pgwire::catalog_detail
