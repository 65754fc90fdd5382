// The rows initdb makes that a Description does not change
// (relation_rows.hpp): the roles (the Description's owner as the bootstrap
// superuser, and pg_database_owner), the database, the tablespaces, access
// methods, collations and languages, and the settings drivers read from
// pg_settings.

#include <tuple>

#include "pgwire/protocol/settings.hpp"
#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

void fill_initdb_rows(Fill& f) {
  sqlite3* db = f.db;
  const auto& d = f.d;
  auto& s = f.s;
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

  // The settings drivers and tools read from pg_settings: the ones only the
  // catalog knows, and the library's built-in defaults (protocol/settings),
  // at their defaults. A session's own values are current_setting()'s
  // (psql's \dconfig shows those); `setting` here is the default.
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"max_index_keys", "32"},
                             {"max_function_args", "100"}})
    insert(db, "pg_settings", {{"name", std::string(name)}, {"setting", std::string(value)},
                               {"context", std::string("internal")}, {"vartype", std::string("integer")},
                               {"source", std::string("default")}, {"boot_val", std::string(value)},
                               {"reset_val", std::string(value)}, {"pending_restart", 0}});
  for (auto [name, value] : Settings::builtin_defaults()) {
    bool number = !value.empty() && value.find_first_not_of("0123456789.") == std::string_view::npos;
    bool flag = value == "on" || value == "off";
    insert(db, "pg_settings", {{"name", std::string(name)}, {"setting", std::string(value)},
                               {"context", std::string("user")},
                               {"vartype", std::string(flag ? "bool" : number ? "integer" : "string")},
                               {"source", std::string("default")}, {"boot_val", std::string(value)},
                               {"reset_val", std::string(value)}, {"pending_restart", 0}});
  }
}

}  // namespace pgwire::catalog_detail
