// information_schema's tables (relation_rows.hpp), filled from
// pg_catalog's relations by SQL as PostgreSQL defines those views (their
// functions need the Snapshot installed).

#include <fmt/format.h>

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

namespace {

// The constraint views (table_constraints, key_column_usage,
// constraint_column_usage, referential_constraints, check_constraints), as
// PostgreSQL 15 defines them: ORMs read foreign keys from them (Sequelize,
// TypeORM, Hibernate). A NOT NULL column counts as a CHECK constraint named
// <schema oid>_<table oid>_<attnum>_not_null, as in PostgreSQL.
void fill_constraint_views(sqlite3* db, const std::string& name) {
  // (conkey / confkey hold arrays' text: pgw_array_json makes rows of them)
  const char* constraints = "FROM pg_constraint c JOIN pg_namespace nc ON nc.oid = c.connamespace "
                            "JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace nr ON nr.oid = r.relnamespace ";
  exec(db, fmt::format(
               "INSERT INTO information_schema.table_constraints SELECT '{0}', nc.nspname, c.conname, '{0}', "
               "nr.nspname, r.relname, CASE c.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' "
               "WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END, "
               "CASE WHEN c.condeferrable THEN 'YES' ELSE 'NO' END, CASE WHEN c.condeferred THEN 'YES' ELSE 'NO' END, "
               "'YES', CASE WHEN c.contype = 'u' THEN CASE WHEN (SELECT NOT i.indnullsnotdistinct FROM pg_index i "
               "WHERE i.indexrelid = c.conindid) THEN 'YES' ELSE 'NO' END END "
               "{1} WHERE c.contype IN ('c', 'f', 'p', 'u') AND r.relkind IN ('r', 'p') "
               "UNION ALL SELECT '{0}', nr.nspname, nr.oid || '_' || r.oid || '_' || a.attnum || '_not_null', '{0}', "
               "nr.nspname, r.relname, 'CHECK', 'NO', 'NO', 'YES', NULL FROM pg_namespace nr "
               "JOIN pg_class r ON nr.oid = r.relnamespace JOIN pg_attribute a ON a.attrelid = r.oid "
               "WHERE a.attnotnull AND a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p')",
               name, constraints));
  exec(db, fmt::format(
               "INSERT INTO information_schema.key_column_usage SELECT '{0}', nc.nspname, c.conname, '{0}', "
               "nr.nspname, r.relname, a.attname, k.key + 1, CASE WHEN c.contype = 'f' THEN "
               "(SELECT u.key + 1 FROM pg_constraint uc, json_each(pgw_array_json(uc.conkey)) u "
               "WHERE uc.conrelid = c.confrelid AND uc.contype IN ('p', 'u') AND uc.conindid = c.conindid "
               "AND u.value = json_extract(pgw_array_json(c.confkey), '$[' || k.key || ']')) END "
               "{1} JOIN json_each(pgw_array_json(c.conkey)) k JOIN pg_attribute a ON a.attrelid = r.oid "
               "AND a.attnum = k.value WHERE c.contype IN ('p', 'u', 'f') AND r.relkind IN ('r', 'p') "
               "AND NOT a.attisdropped ORDER BY c.oid, k.key",
               name, constraints));
  exec(db, fmt::format(
               "INSERT INTO information_schema.constraint_column_usage SELECT DISTINCT '{0}', nt.nspname, t.relname, "
               "a.attname, '{0}', nc.nspname, c.conname FROM pg_constraint c "
               "JOIN pg_namespace nc ON nc.oid = c.connamespace "
               "JOIN pg_class t ON t.oid = CASE c.contype WHEN 'f' THEN c.confrelid ELSE c.conrelid END "
               "JOIN pg_namespace nt ON nt.oid = t.relnamespace "
               "JOIN json_each(pgw_array_json(CASE c.contype WHEN 'f' THEN c.confkey ELSE c.conkey END)) k "
               "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.value "
               "WHERE c.contype IN ('c', 'p', 'u', 'f') AND t.relkind IN ('r', 'p') AND NOT a.attisdropped",
               name));
  exec(db, fmt::format(
               "INSERT INTO information_schema.referential_constraints SELECT '{0}', nc.nspname, c.conname, "
               "CASE WHEN npk.nspname IS NOT NULL THEN '{0}' END, npk.nspname, pk.conname, "
               "CASE c.confmatchtype WHEN 'f' THEN 'FULL' WHEN 'p' THEN 'PARTIAL' WHEN 's' THEN 'NONE' END, "
               "{1}, {2} FROM pg_constraint c JOIN pg_namespace nc ON nc.oid = c.connamespace "
               "LEFT JOIN pg_constraint pk ON pk.conrelid = c.confrelid AND pk.contype IN ('p', 'u') "
               "AND pk.conindid = c.conindid LEFT JOIN pg_namespace npk ON npk.oid = pk.connamespace "
               "WHERE c.contype = 'f'",
               name,
               "CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' "
               "WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' END",
               "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' "
               "WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' END"));
  exec(db, fmt::format(
               "INSERT INTO information_schema.check_constraints SELECT '{0}', nc.nspname, c.conname, "
               "substr(pg_get_constraintdef(c.oid), 7) FROM pg_constraint c "
               "JOIN pg_namespace nc ON nc.oid = c.connamespace WHERE c.contype = 'c' "
               "UNION ALL SELECT '{0}', n.nspname, n.oid || '_' || r.oid || '_' || a.attnum || '_not_null', "
               "a.attname || ' IS NOT NULL' FROM pg_namespace n JOIN pg_class r ON n.oid = r.relnamespace "
               "JOIN pg_attribute a ON a.attrelid = r.oid WHERE a.attnotnull AND a.attnum > 0 "
               "AND NOT a.attisdropped AND r.relkind IN ('r', 'p')",
               name));
}

}  // namespace

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
                 "character_octet_length, datetime_precision, "
                 "numeric_precision, numeric_precision_radix, numeric_scale, udt_catalog, udt_schema, udt_name, dtd_identifier, "
                 "is_self_referencing, is_identity, identity_cycle, is_generated, is_updatable) "
                 "SELECT '{0}', n.nspname, c.relname, a.attname, a.attnum, ad.adbin, "
                 "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, pgw_information_schema_type(a.atttypid), "
                 "CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 0 THEN a.atttypmod - 4 END, "
                 // (PostgreSQL's: 4 bytes a character in UTF-8, else the largest value; 6 digits of seconds)
                 "CASE WHEN a.atttypid IN (25, 1042, 1043) THEN CASE WHEN a.atttypmod > 0 THEN (a.atttypmod - 4) * 4 "
                 "ELSE 1073741824 END END, "
                 "CASE WHEN a.atttypid = 1082 THEN 0 WHEN a.atttypid IN (1083, 1114, 1184, 1266, 1186) THEN "
                 "CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE 6 END END, "
                 "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN ((a.atttypmod - 4) >> 16) & 65535 "
                 "WHEN a.atttypid = 21 THEN 16 WHEN a.atttypid = 23 THEN 32 WHEN a.atttypid = 20 THEN 64 "
                 "WHEN a.atttypid = 700 THEN 24 WHEN a.atttypid = 701 THEN 53 END, "
                 "CASE WHEN a.atttypid = 1700 THEN 10 WHEN a.atttypid IN (20, 21, 23, 700, 701) THEN 2 END, "
                 "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535 "
                 "WHEN a.atttypid IN (20, 21, 23) THEN 0 END, "
                 "'{0}', coalesce(tn.nspname, 'pg_catalog'), t.typname, a.attnum, 'NO', 'NO', 'NO', 'NEVER', "
                 "CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END "
                 "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "LEFT JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace "
                 "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
                 "WHERE c.relkind IN ('r', 'v', 'p') AND a.attnum > 0",
                 name));
    fill_constraint_views(db, name);
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
