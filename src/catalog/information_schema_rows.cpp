// information_schema's tables (relation_rows.hpp), filled from
// pg_catalog's relations by SQL as PostgreSQL defines those views (their
// functions need the Snapshot installed).

#include <fmt/format.h>

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

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
                 "'{0}', coalesce(tn.nspname, 'pg_catalog'), t.typname, a.attnum, 'NO', 'NO', 'NEVER', "
                 "CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END "
                 "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "LEFT JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace "
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
